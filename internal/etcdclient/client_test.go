package etcdclient_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
)

func TestDefaultConfig(t *testing.T) {
	t.Parallel()
	cfg := etcdclient.DefaultConfig()
	if !slices.Equal(cfg.Endpoints, []string{"localhost:2379"}) {
		t.Errorf("Endpoints = %q, want [localhost:2379]", cfg.Endpoints)
	}
	if cfg.DialTimeout != 5*time.Second {
		t.Errorf("DialTimeout = %v, want 5s", cfg.DialTimeout)
	}
	if cfg.RequestTimeout != 10*time.Second {
		t.Errorf("RequestTimeout = %v, want 10s", cfg.RequestTimeout)
	}
	if cfg.Username != "" || cfg.Password != "" || cfg.TLS != nil {
		t.Errorf("DefaultConfig has credentials or TLS: %+v", cfg)
	}
}

func TestNewAppliesDefaultsAndCopiesEndpoints(t *testing.T) {
	t.Parallel()
	eps := []string{"127.0.0.1:2379", "http://localhost:22379", "https://etcd.example:2379"}
	c, err := etcdclient.New(&etcdclient.Config{Endpoints: eps}) // connecting is lazy
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	defer func() { _ = c.Close() }()
	if c.RequestTimeout() != etcdclient.DefaultRequestTimeout {
		t.Errorf("RequestTimeout() = %v, want the default %v", c.RequestTimeout(), etcdclient.DefaultRequestTimeout)
	}
	eps[0] = "changed:1"
	got := c.Endpoints()
	if !slices.Equal(got, []string{"127.0.0.1:2379", "http://localhost:22379", "https://etcd.example:2379"}) {
		t.Errorf("Endpoints() = %q: the client must keep its own copy", got)
	}
	got[0] = "changed:2"
	if c.Endpoints()[0] != "127.0.0.1:2379" {
		t.Error("Endpoints() returned the client's own slice")
	}
	if c.Raw() == nil {
		t.Error("Raw() = nil")
	}
}

func TestValidateEndpoint(t *testing.T) {
	t.Parallel()
	for _, ep := range []string{
		"127.0.0.1:2379", "localhost:2379", "[::1]:2379", "etcd-0.etcd:1",
		"http://127.0.0.1:2379", "https://etcd.example:2379", "http://localhost", "unix:///run/etcd.sock",
	} {
		if err := etcdclient.ValidateEndpoint(ep); err != nil {
			t.Errorf("ValidateEndpoint(%q) = %v, want nil", ep, err)
		}
	}
	for ep, why := range map[string]string{
		"localhost":          "has no port",
		"127.0.0.1":          "has no port",
		":2379":              "has no host",
		"localhost:http":     `has the port "http"`,
		"localhost:0":        `has the port "0"`,
		"localhost:65536":    `has the port "65536"`,
		"ftp://host:21":      `has the scheme "ftp"`,
		"http://:2379":       "has no host",
		"http://host:99999":  `has the port "99999"`,
		"http://[::1:2379":   "is not a valid URL",
		"https://host:port1": "is not a valid URL",
	} {
		err := etcdclient.ValidateEndpoint(ep)
		if err == nil {
			t.Errorf("ValidateEndpoint(%q) = nil, want an error", ep)
			continue
		}
		for _, part := range []string{`"` + ep + `"`, why, "host:port"} {
			if !strings.Contains(err.Error(), part) {
				t.Errorf("ValidateEndpoint(%q) = %q, does not mention %q", ep, err, part)
			}
		}
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	t.Parallel()
	certs, err := etcdtest.GenerateCerts(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(t.TempDir(), "empty.pem")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "no-such-ca.pem")
	ok := []string{"127.0.0.1:2379"}
	tests := []struct {
		name string
		cfg  etcdclient.Config
		want []string // parts of the message: the field and what is wrong
	}{
		{"no endpoints", etcdclient.Config{}, []string{"no endpoints"}},
		{"empty endpoint list", etcdclient.Config{Endpoints: []string{}}, []string{"no endpoints"}},
		{"endpoint without port", etcdclient.Config{Endpoints: []string{"127.0.0.1:2379", "etcd-1"}},
			[]string{`endpoint "etcd-1"`, "has no port"}},
		{"endpoint with other scheme", etcdclient.Config{Endpoints: []string{"grpc://etcd:2379"}},
			[]string{`endpoint "grpc://etcd:2379"`, `scheme "grpc"`}},
		{"password without user", etcdclient.Config{Endpoints: ok, Password: "secret"},
			[]string{"password", "username is empty"}},
		{"unreadable CA file", etcdclient.Config{Endpoints: ok, TLS: &etcdclient.TLSConfig{CAFile: missing}},
			[]string{"TLS CA file", missing}},
		{"empty CA file", etcdclient.Config{Endpoints: ok, TLS: &etcdclient.TLSConfig{CAFile: empty}},
			[]string{"TLS CA file", empty, "is empty"}},
		{"CA is not PEM", etcdclient.Config{Endpoints: ok, TLS: &etcdclient.TLSConfig{CAPEM: []byte("not a certificate")}},
			[]string{"TLS CA", "no PEM certificate found"}},
		{"client key without certificate", etcdclient.Config{Endpoints: ok, TLS: &etcdclient.TLSConfig{KeyFile: certs.ClientKeyFile}},
			[]string{"client key is set without a client certificate"}},
		{"client certificate without key", etcdclient.Config{Endpoints: ok, TLS: &etcdclient.TLSConfig{CertPEM: certs.ClientCertPEM}},
			[]string{"client certificate is set without a client key"}},
		{"CA file and PEM", etcdclient.Config{Endpoints: ok, TLS: &etcdclient.TLSConfig{CAFile: certs.CAFile, CAPEM: certs.CAPEM}},
			[]string{"TLS CA is given both as a file and as PEM text"}},
		{"certificate file and PEM", etcdclient.Config{Endpoints: ok, TLS: &etcdclient.TLSConfig{
			CertFile: certs.ClientCertFile, CertPEM: certs.ClientCertPEM, KeyFile: certs.ClientKeyFile}},
			[]string{"TLS client certificate is given both as a file and as PEM text"}},
		{"key file and PEM", etcdclient.Config{Endpoints: ok, TLS: &etcdclient.TLSConfig{
			CertFile: certs.ClientCertFile, KeyFile: certs.ClientKeyFile, KeyPEM: certs.ClientKeyPEM}},
			[]string{"TLS client key is given both as a file and as PEM text"}},
		{"certificate and key do not match", etcdclient.Config{Endpoints: ok, TLS: &etcdclient.TLSConfig{
			CertPEM: certs.ClientCertPEM, KeyPEM: []byte("-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n")}},
			[]string{"TLS client certificate and key"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := etcdclient.New(&tt.cfg)
			if err == nil {
				_ = c.Close()
				t.Fatal("New succeeded, want an error")
			}
			expectErr(t, err, etcdclient.ErrInvalidArgument, append([]string{"new client"}, tt.want...)...)
		})
	}
}

func TestUnreachableEndpoint(t *testing.T) {
	t.Parallel()
	addr := closedPort(t)

	t.Run("a call without deadline gets RequestTimeout", func(t *testing.T) {
		t.Parallel()
		cfg := etcdclient.Config{Endpoints: []string{addr}, DialTimeout: time.Second, RequestTimeout: time.Second}
		c := etcdtest.Client(t, cfg)
		start := time.Now()
		_, err := c.Get(context.Background(), "/k")
		took := time.Since(start)
		expectErr(t, err, etcdclient.ErrUnavailable, addr, `key "/k"`, "connection refused")
		if errors.Is(err, etcdclient.ErrKeyNotFound) {
			t.Errorf("an unreachable etcd reported a missing key: %v", err)
		}
		// DialTimeout + RequestTimeout is 2 s; allow for a loaded machine.
		if took < 900*time.Millisecond || took > 10*time.Second {
			t.Errorf("Get failed after %v; want about the 1s request timeout", took)
		}
	})

	t.Run("the context's deadline wins", func(t *testing.T) {
		t.Parallel()
		cfg := etcdclient.Config{Endpoints: []string{addr}, DialTimeout: time.Second, RequestTimeout: time.Minute}
		c := etcdtest.Client(t, cfg)
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		start := time.Now()
		err := c.Put(ctx, "/k", "v")
		expectErr(t, err, etcdclient.ErrUnavailable, addr)
		if took := time.Since(start); took > 10*time.Second {
			t.Errorf("Put failed after %v; want about the context's 300ms", took)
		}
	})

	t.Run("authenticating New fails within DialTimeout", func(t *testing.T) {
		t.Parallel()
		cfg := etcdclient.Config{Endpoints: []string{addr}, DialTimeout: time.Second, RequestTimeout: time.Minute,
			Username: "root", Password: "pw"}
		start := time.Now()
		c, err := etcdclient.New(&cfg)
		if err == nil {
			_ = c.Close()
		}
		expectErr(t, err, etcdclient.ErrUnavailable, addr)
		if took := time.Since(start); took > 10*time.Second {
			t.Errorf("New failed after %v; want about the 1s dial timeout", took)
		}
	})
}

func TestErrorType(t *testing.T) {
	t.Parallel()
	c, prefix := shared(t)
	key := prefix + "missing"
	_, err := c.Get(t.Context(), key)
	var e *etcdclient.Error
	if !errors.As(err, &e) {
		t.Fatalf("errors.As(%v, *etcdclient.Error) = false", err)
	}
	if e.Op != "get" || e.Subject != `key "`+key+`"` || e.Kind != etcdclient.ErrKeyNotFound {
		t.Errorf("Error = {Op: %q, Subject: %q, Kind: %v}, want get / key %q / ErrKeyNotFound", e.Op, e.Subject, e.Kind, key)
	}
	if want := `get key "` + key + `": key not found`; err.Error() != want {
		t.Errorf("message = %q, want %q", err, want)
	}

	cause := errors.New("boom")
	for _, tt := range []struct {
		err  *etcdclient.Error
		want string
	}{
		{&etcdclient.Error{Op: "put", Subject: `key "/a"`, Kind: etcdclient.ErrNoSpace}, `put key "/a": etcd database space exceeded`},
		{&etcdclient.Error{Op: "put", Subject: `key "/a"`, Kind: etcdclient.ErrNoSpace, Err: cause}, `put key "/a": etcd database space exceeded (boom)`},
		{&etcdclient.Error{Op: "list users", Err: cause}, "list users: boom"},
		{&etcdclient.Error{Op: "put", Kind: etcdclient.ErrPermissionDenied, Err: errors.New("etcdserver: permission denied")}, "put: etcdserver: permission denied"},
	} {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
		if tt.err.Kind != nil && !errors.Is(tt.err, tt.err.Kind) {
			t.Errorf("errors.Is(%q, Kind) = false", tt.err)
		}
		if tt.err.Err == cause && !errors.Is(tt.err, cause) {
			t.Errorf("errors.Is(%q, cause) = false", tt.err)
		}
	}
}

// TestClosedClient: Close is idempotent, and every call after it, also on
// a fenced copy, fails at once with ErrClosed instead of retrying.
func TestClosedClient(t *testing.T) {
	t.Parallel()
	cfg := etcdtest.Shared(t).Config
	c, err := etcdclient.New(&cfg)
	if err != nil {
		t.Fatal(err)
	}
	key := etcdtest.Prefix(t) + "k"
	lease, err := c.PutWithTTL(t.Context(), key, "v", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	fenced := c.WithFence(etcdclient.Fence{Key: key, Revision: 1})
	for i := range 2 {
		if err := c.Close(); err != nil {
			t.Fatalf("Close #%d: %v", i+1, err)
		}
	}
	ctx := context.Background()
	noop := func(*etcdclient.WatchEvent) {}
	calls := map[string]func() error{
		"Get":          func() error { _, err := c.Get(ctx, key); return err },
		"Put":          func() error { return c.Put(ctx, key, "v") },
		"fenced Put":   func() error { return fenced.Put(ctx, key, "v") },
		"List":         func() error { _, err := c.List(ctx, key); return err },
		"DeletePrefix": func() error { _, err := c.DeletePrefix(ctx, key); return err },
		"CAS":          func() error { _, err := c.CompareAndSwap(ctx, key, "v", "w"); return err },
		"Watch":        func() error { return c.Watch(ctx, key, noop) },
		"KeepAlive":    func() error { _, err := c.KeepAlive(ctx, lease.ID); return err },
		"GrantLease":   func() error { _, err := c.GrantLease(ctx, 5); return err },
		"AcquireLock":  func() error { _, err := c.AcquireLock(ctx, key, time.Minute); return err },
		"IsLocked":     func() error { _, err := c.IsLocked(ctx, key); return err },
		"Status":       func() error { _, err := c.GetClusterStatus(ctx); return err },
		"HealthCheck":  func() error { _, err := c.HealthCheck(ctx); return err },
		"AuthStatus":   func() error { _, err := c.AuthStatus(ctx); return err },
	}
	for name, call := range calls {
		start := time.Now()
		err := call()
		expectErr(t, err, etcdclient.ErrClosed, "the client is closed")
		if took := time.Since(start); took > 200*time.Millisecond {
			t.Errorf("%s after Close took %v; want an immediate error", name, took)
		}
	}
}
