// Command etcd-dev runs one embedded etcd for trying the provider by hand,
// for `make demo` and for the benchmarks. It is not for production use: it
// disables fsync and keeps its data in a temporary directory by default.
//
//	etcd-dev [-addr 127.0.0.1:2379] [-data-dir DIR] [-endpoint-file FILE]
//	etcd-dev put -endpoints URL KEY VALUE    write a key, as etcdctl put does
//	etcd-dev get -endpoints URL KEY          print a key's value
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"go.etcd.io/etcd/api/v3/version"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
)

func main() {
	if len(os.Args) > 1 && (os.Args[1] == "put" || os.Args[1] == "get") {
		if err := client(os.Args[1], os.Args[2:]); err != nil {
			fmt.Fprintf(os.Stderr, "etcd-dev %s: %v\n", os.Args[1], err)
			os.Exit(1)
		}
		return
	}
	if err := serve(); err != nil {
		fmt.Fprintf(os.Stderr, "etcd-dev: %v\n", err)
		os.Exit(1)
	}
}

func serve() error {
	addr := flag.String("addr", "127.0.0.1:2379", `host:port to serve etcd clients on; "auto" picks a free loopback port`)
	dir := flag.String("data-dir", "", "data directory (default: a temporary directory, removed on exit)")
	endpointFile := flag.String("endpoint-file", "", "write the client URL to this file once etcd serves")
	logLevel := flag.String("log-level", "error", "etcd log level: debug, info, warn or error")
	flag.Parse()

	opts := []etcdtest.Option{etcdtest.WithLogLevel(*logLevel)}
	if *addr != "auto" {
		opts = append(opts, etcdtest.WithClientAddr(*addr))
	}
	if *dir != "" {
		opts = append(opts, etcdtest.WithDir(*dir))
	}
	s, err := etcdtest.Start(opts...)
	if err != nil {
		return err
	}
	defer s.Cleanup()
	endpoint := s.Endpoints[0]
	if *endpointFile != "" {
		if err := os.WriteFile(*endpointFile, []byte(endpoint+"\n"), 0o600); err != nil {
			return err
		}
	}
	fmt.Printf("etcd-dev: etcd %s is serving clients at %s (pid %d); Ctrl-C stops it\n", version.Version, endpoint, os.Getpid())
	fmt.Printf("etcd-dev: for the provider and etcdctl: export ETCDCTL_ENDPOINTS=%s\n", endpoint)

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	fmt.Println("etcd-dev: stopped")
	return nil
}

func client(cmd string, args []string) error {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	endpoints := fs.String("endpoints", os.Getenv("ETCDCTL_ENDPOINTS"), "comma-separated endpoints")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg := etcdclient.DefaultConfig()
	if *endpoints != "" {
		cfg.Endpoints = strings.Split(*endpoints, ",")
	}
	c, err := etcdclient.New(cfg)
	if err != nil {
		return err
	}
	defer func() { _ = c.Close() }()
	ctx := context.Background()
	switch {
	case cmd == "put" && fs.NArg() == 2:
		err = c.Put(ctx, fs.Arg(0), fs.Arg(1))
		if err == nil {
			fmt.Println("OK")
		}
		return err
	case cmd == "get" && fs.NArg() == 1:
		kv, err := c.Get(ctx, fs.Arg(0))
		if err == nil {
			fmt.Printf("%s\n%s\n", kv.Key, kv.Value)
		}
		return err
	}
	return fmt.Errorf("usage: etcd-dev put [-endpoints URL] KEY VALUE | etcd-dev get [-endpoints URL] KEY")
}
