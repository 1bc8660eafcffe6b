// Command etcd is a single-member etcd server for the provider's tests,
// built from go.etcd.io/etcd/server/v3 at the version this module pins (see
// go.mod), through its embed package. It takes the subset of the etcd
// daemon's flags the tests use, under the same names, so the test scripts
// and internal/etcdtest start it exactly like Debian's etcd package. Unlike
// the embedded test server, it syncs every write to disk (fsync on), as a
// production etcd does.
//
// Started under a name that begins with "etcdutl" (make links
// .bin/etcdutl-3.5 to .bin/etcd-3.5), it is that version's etcdutl instead,
// with its snapshot commands: the restore tests restore snapshots with the
// server version's own tool, --bump-revision included.
//
// This module is a throwaway: it exists only to pin the server version and
// is never imported. tools/etcd36/main.go is a link to this file: the same
// source, built against the 3.6 module there. `make test-etcd35` /
// `make test-etcd36` build them into .bin/.
package main

import (
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"go.etcd.io/etcd/api/v3/version"
	"go.etcd.io/etcd/etcdutl/v3/etcdutl"
	"go.etcd.io/etcd/server/v3/embed"
)

func main() {
	if strings.HasPrefix(filepath.Base(os.Args[0]), "etcdutl") {
		runEtcdutl()
		return
	}
	cfg := embed.NewConfig()
	fs := flag.NewFlagSet("etcd", flag.ExitOnError)
	showVersion := fs.Bool("version", false, "print the version and exit")
	fs.StringVar(&cfg.Name, "name", "default", "member name")
	fs.StringVar(&cfg.Dir, "data-dir", "", "data directory (required)")
	listenClient := fs.String("listen-client-urls", "http://127.0.0.1:2379", "client URLs to listen on (comma-separated)")
	advertiseClient := fs.String("advertise-client-urls", "", "client URLs to advertise (default: the listen URLs)")
	listenPeer := fs.String("listen-peer-urls", "http://127.0.0.1:2380", "peer URLs to listen on")
	advertisePeer := fs.String("initial-advertise-peer-urls", "", "peer URLs to advertise (default: the listen URLs)")
	fs.StringVar(&cfg.InitialCluster, "initial-cluster", "", "initial cluster (default: this member alone)")
	fs.StringVar(&cfg.LogLevel, "log-level", "info", "debug, info, warn or error")
	fs.StringVar(&cfg.ClientTLSInfo.CertFile, "cert-file", "", "client server TLS certificate")
	fs.StringVar(&cfg.ClientTLSInfo.KeyFile, "key-file", "", "client server TLS key")
	fs.StringVar(&cfg.ClientTLSInfo.TrustedCAFile, "trusted-ca-file", "", "CA for client certificates")
	fs.BoolVar(&cfg.ClientTLSInfo.ClientCertAuth, "client-cert-auth", false, "require client certificates")
	fs.UintVar(&cfg.BcryptCost, "bcrypt-cost", cfg.BcryptCost, "bcrypt cost of passwords")
	fs.UintVar(&cfg.ElectionMs, "election-timeout", cfg.ElectionMs, "election timeout in milliseconds")
	fs.UintVar(&cfg.TickMs, "heartbeat-interval", cfg.TickMs, "heartbeat interval in milliseconds")
	fs.StringVar(&cfg.ClusterState, "initial-cluster-state", cfg.ClusterState, "new, or existing to join a running cluster")
	fs.Int64Var(&cfg.QuotaBackendBytes, "quota-backend-bytes", cfg.QuotaBackendBytes, "backend size quota in bytes (0: etcd's default, 2 GiB)")
	fs.StringVar(&cfg.BackendFreelistType, "backend-bbolt-freelist-type", cfg.BackendFreelistType, "bbolt freelist type: map (the default) or array")
	_ = fs.Parse(os.Args[1:])
	if *showVersion {
		fmt.Printf("etcd Version: %s\n", version.Version)
		return
	}
	if cfg.Dir == "" {
		fmt.Fprintln(os.Stderr, "etcd: --data-dir is required")
		os.Exit(2)
	}
	var err error
	if cfg.ListenClientUrls, err = urls(*listenClient); err == nil {
		cfg.AdvertiseClientUrls, err = urls(or(*advertiseClient, *listenClient))
	}
	if err == nil {
		cfg.ListenPeerUrls, err = urls(*listenPeer)
	}
	if err == nil {
		cfg.AdvertisePeerUrls, err = urls(or(*advertisePeer, *listenPeer))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "etcd:", err)
		os.Exit(2)
	}
	if cfg.InitialCluster == "" {
		cfg.InitialCluster = cfg.Name + "=" + cfg.AdvertisePeerUrls[0].String()
	}
	cfg.UnsafeNoFsync = false // the default, stated: every commit is synced

	e, err := embed.StartEtcd(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "etcd:", err)
		os.Exit(1)
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	select {
	case <-e.Server.ReadyNotify():
	case err := <-e.Err():
		fmt.Fprintln(os.Stderr, "etcd:", err)
		os.Exit(1)
	}
	select {
	case <-stop:
		e.Close()
	case err := <-e.Err():
		e.Close()
		fmt.Fprintln(os.Stderr, "etcd:", err)
		os.Exit(1)
	}
}

func urls(s string) ([]url.URL, error) {
	var out []url.URL
	for _, part := range strings.Split(s, ",") {
		u, err := url.Parse(strings.TrimSpace(part))
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("invalid URL %q", part)
		}
		out = append(out, *u)
	}
	return out, nil
}

func or(s, fallback string) string {
	if s != "" {
		return s
	}
	return fallback
}

// runEtcdutl is etcdutl's snapshot commands (save, status, restore).
func runEtcdutl() {
	root := &cobra.Command{Use: "etcdutl", Short: "etcdutl " + version.Version + " (snapshot commands only)"}
	root.AddCommand(etcdutl.NewSnapshotCommand())
	if err := root.Execute(); err != nil {
		os.Exit(1)
	}
}
