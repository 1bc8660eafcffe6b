package etcdtest

import (
	"bufio"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Daemon is a real etcd server binary run as a child process for one test:
// the one DaemonBin names (Debian's etcd-server 3.4 unless
// ETCD_TEST_SERVER_BIN names another). It listens on loopback ports and
// keeps its data in a temporary directory.
type Daemon struct {
	// Endpoint is the client URL (http:// or https://).
	Endpoint string
	// Addr is its host:port.
	Addr string
	// Certs are the generated test PKI (always made, used when TLS is on).
	Certs *Certs
	logs  *strings.Builder
	mu    *sync.Mutex
}

// DaemonOptions say how to start a Daemon.
type DaemonOptions struct {
	// TLS serves clients over TLS with ServerCert/ServerKey (default the
	// generated server certificate for 127.0.0.1 and localhost).
	TLS                   bool
	ServerCert, ServerKey string
	// ClientCertAuth requires a client certificate signed by the test CA.
	ClientCertAuth bool
	// Args are more flags, such as --auth-token-ttl=1.
	Args []string
}

// StartDaemon starts the etcd binary and waits until it serves clients; it
// skips the test when there is no binary. certs, when not nil, is the PKI
// to use (its directory must hold ca-key.pem, as GenerateCerts makes).
func StartDaemon(t testing.TB, o DaemonOptions, certs *Certs) *Daemon {
	t.Helper()
	bin := DaemonBin(t)
	dir := t.TempDir()
	if certs == nil {
		var err error
		if certs, err = GenerateCerts(filepath.Join(dir, "certs")); err != nil {
			t.Fatal(err)
		}
	}
	clientAddr, err := freeAddr()
	if err != nil {
		t.Fatal(err)
	}
	peerAddr, err := freeAddr()
	if err != nil {
		t.Fatal(err)
	}
	scheme := "http"
	if o.TLS {
		scheme = "https"
	}
	d := &Daemon{Endpoint: scheme + "://" + clientAddr, Addr: clientAddr, Certs: certs, logs: &strings.Builder{}, mu: &sync.Mutex{}}
	args := []string{
		"--name", "daemon", "--data-dir", filepath.Join(dir, "data"),
		"--listen-client-urls", d.Endpoint, "--advertise-client-urls", d.Endpoint,
		"--listen-peer-urls", "http://" + peerAddr, "--initial-advertise-peer-urls", "http://" + peerAddr,
		"--initial-cluster", "daemon=http://" + peerAddr,
	}
	if o.TLS {
		cert, key := o.ServerCert, o.ServerKey
		if cert == "" {
			cert, key = certs.ServerCertFile, certs.ServerKeyFile
		}
		args = append(args, "--cert-file", cert, "--key-file", key)
	}
	if o.ClientCertAuth {
		args = append(args, "--client-cert-auth", "--trusted-ca-file", certs.CAFile)
	}
	args = append(args, o.Args...)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, args...) //nolint:gosec // the test's own etcd binary, with arguments built here
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		once := sync.Once{}
		for sc.Scan() {
			line := sc.Text()
			d.mu.Lock()
			d.logs.WriteString(line + "\n")
			d.mu.Unlock()
			if strings.Contains(line, "ready to serve client requests") || strings.Contains(line, "serving client traffic") {
				once.Do(func() { close(ready) })
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("etcd daemon logs:\n%s", d.Logs())
		}
	})
	select {
	case <-ready:
	case <-time.After(60 * time.Second):
		t.Fatalf("etcd daemon not ready after 60s:\n%s", d.Logs())
	}
	return d
}

// Logs returns what the daemon wrote to its standard error.
func (d *Daemon) Logs() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.logs.String()
}
