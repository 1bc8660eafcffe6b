// Command etcd-dev runs one embedded etcd for trying the provider by hand,
// for `make demo` and for the benchmarks. It is not for production use: it
// disables fsync and keeps its data in a temporary directory by default.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:2379", "host:port to serve etcd clients on")
	dir := flag.String("data-dir", "", "data directory (default: a temporary directory, removed on exit)")
	logLevel := flag.String("log-level", "error", "etcd log level: debug, info, warn or error")
	flag.Parse()

	opts := []etcdtest.Option{etcdtest.WithClientAddr(*addr), etcdtest.WithLogLevel(*logLevel)}
	if *dir != "" {
		opts = append(opts, etcdtest.WithDir(*dir))
	}
	s, err := etcdtest.Start(opts...)
	if err != nil {
		fmt.Fprintf(os.Stderr, "etcd-dev: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("etcd-dev: etcd is serving clients at %s (pid %d)\n", s.Endpoints[0], os.Getpid())
	fmt.Printf("etcd-dev: try  ETCDCTL_ENDPOINTS=%s etcdctl get --prefix /   or   export ETCDCTL_ENDPOINTS=%s for the provider\n", s.Endpoints[0], s.Endpoints[0])
	fmt.Println("etcd-dev: press Ctrl-C to stop")

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	s.Cleanup()
	fmt.Println("etcd-dev: stopped")
}
