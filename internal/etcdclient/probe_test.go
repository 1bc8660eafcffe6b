package etcdclient_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
)

// mistakeDialTimeout is the dial timeout of the connection-mistake tests;
// each mistake must be reported within it plus a second.
const mistakeDialTimeout = 2 * time.Second

// mistake is one wrong setting and what New must say about it.
type mistake struct {
	name     string
	endpoint string
	tls      *etcdclient.TLSConfig
	want     error
	parts    []string
}

// expectMistake creates a client with the mistake and checks that New fails
// with the right error, naming the endpoint, within the dial timeout + 1 s.
func expectMistake(t *testing.T, m mistake) {
	t.Helper()
	cfg := etcdclient.Config{Endpoints: []string{m.endpoint}, DialTimeout: mistakeDialTimeout, RequestTimeout: time.Minute, TLS: m.tls}
	start := time.Now()
	c, err := etcdclient.New(&cfg)
	if err == nil {
		// New found nothing: the first call must still not hang for a minute.
		ctx, cancel := context.WithTimeout(t.Context(), mistakeDialTimeout)
		_, err = c.Get(ctx, "/k")
		cancel()
		_ = c.Close()
		t.Fatalf("New succeeded; the first Get returned %v", err)
	}
	took := time.Since(start)
	t.Logf("%s: failed after %v: %v", m.name, took.Round(time.Millisecond), err)
	expectErr(t, err, m.want, append([]string{m.endpoint}, m.parts...)...)
	if errors.Is(err, etcdclient.ErrUnavailable) {
		t.Errorf("a connection mistake is reported as unavailable: %v", err)
	}
	if took > mistakeDialTimeout+time.Second {
		t.Errorf("New failed after %v; want within dial_timeout + 1s", took)
	}
}

// TestConnectionMistakes_embedded: each TLS mistake against the embedded
// server (client certificates required) is named at New.
func TestConnectionMistakes_embedded(t *testing.T) {
	t.Parallel()
	s := etcdtest.New(t, etcdtest.WithTLS())
	plain := etcdtest.New(t)
	other, err := etcdtest.GenerateCerts(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	certs := s.TLS
	good := func() *etcdclient.TLSConfig {
		return &etcdclient.TLSConfig{CAFile: certs.CAFile, CertFile: certs.ClientCertFile, KeyFile: certs.ClientKeyFile}
	}
	wrongCA, noClientCert, otherClientCert, wrongName := good(), good(), good(), good()
	wrongCA.CAFile = other.CAFile
	noClientCert.CertFile, noClientCert.KeyFile = "", ""
	otherClientCert.CertFile, otherClientCert.KeyFile = other.ClientCertFile, other.ClientKeyFile
	wrongName.ServerName = "etcd.invalid"
	plainHostPort := strings.TrimPrefix(plain.Endpoints[0], "http://")
	tlsHostPort := strings.TrimPrefix(s.Endpoints[0], "https://")
	for _, m := range []mistake{
		{"CA of another PKI", s.Endpoints[0], wrongCA, etcdclient.ErrServerCertUntrusted,
			[]string{`subject "CN=etcd server"`, `issued by "CN=etcdtest CA"`, "signed by an authority the configured CA certificates do not include"}},
		{"no CA and the system's do not know it", s.Endpoints[0], nil, etcdclient.ErrServerCertUntrusted,
			[]string{"no CA certificate is configured"}},
		{"server name", s.Endpoints[0], wrongName, etcdclient.ErrServerNameMismatch,
			[]string{`not valid for "etcd.invalid"`, `"localhost"`, `"127.0.0.1"`, "TLS server name"}},
		{"no client certificate", s.Endpoints[0], noClientCert, etcdclient.ErrClientCertRequired,
			[]string{"requires a client certificate", "none is configured"}},
		{"client certificate of another PKI", s.Endpoints[0], otherClientCert, etcdclient.ErrClientCertRejected,
			[]string{"rejected the client certificate", `issued by "CN=etcdtest CA"`}},
		{"https to a plain-text server", "https://" + plainHostPort, nil, etcdclient.ErrTLSToPlainServer,
			[]string{"http://" + plainHostPort}},
		{"TLS settings and host:port of a plain-text server", plainHostPort, good(), etcdclient.ErrTLSToPlainServer,
			[]string{"http://" + plainHostPort}},
		{"http to a TLS server", "http://" + tlsHostPort, nil, etcdclient.ErrPlainToTLSServer,
			[]string{"https://" + tlsHostPort}},
	} {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			expectMistake(t, m)
		})
	}
}

// TestConnectionMistakes_daemon: the same mistakes, and certificates that
// are wrong in time or name, against Debian's etcd 3.4 daemon.
func TestConnectionMistakes_daemon(t *testing.T) {
	t.Parallel()
	certs, err := etcdtest.GenerateCerts(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	other, err := etcdtest.GenerateCerts(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	mtls := etcdtest.StartDaemon(t, etcdtest.DaemonOptions{TLS: true, ClientCertAuth: true}, certs)
	plain := etcdtest.StartDaemon(t, etcdtest.DaemonOptions{}, nil)
	expiredCert, expiredKey, err := certs.IssueServerCert("expired", etcdtest.ServerCert{
		IPs: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(-24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	futureCert, futureKey, err := certs.IssueServerCert("future", etcdtest.ServerCert{
		IPs: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: time.Now().Add(24 * time.Hour), NotAfter: time.Now().Add(48 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	dnsOnlyCert, dnsOnlyKey, err := certs.IssueServerCert("dns-only", etcdtest.ServerCert{DNSNames: []string{"etcd.example.internal"}})
	if err != nil {
		t.Fatal(err)
	}
	expired := etcdtest.StartDaemon(t, etcdtest.DaemonOptions{TLS: true, ServerCert: expiredCert, ServerKey: expiredKey}, certs)
	future := etcdtest.StartDaemon(t, etcdtest.DaemonOptions{TLS: true, ServerCert: futureCert, ServerKey: futureKey}, certs)
	dnsOnly := etcdtest.StartDaemon(t, etcdtest.DaemonOptions{TLS: true, ServerCert: dnsOnlyCert, ServerKey: dnsOnlyKey}, certs)

	good := func() *etcdclient.TLSConfig {
		return &etcdclient.TLSConfig{CAFile: certs.CAFile, CertFile: certs.ClientCertFile, KeyFile: certs.ClientKeyFile}
	}
	wrongCA, noClientCert, otherClientCert := good(), good(), good()
	wrongCA.CAFile = other.CAFile
	noClientCert.CertFile, noClientCert.KeyFile = "", ""
	otherClientCert.CertFile, otherClientCert.KeyFile = other.ClientCertFile, other.ClientKeyFile
	caOnly := &etcdclient.TLSConfig{CAFile: certs.CAFile}
	for _, m := range []mistake{
		// The issue's three rows.
		{"row 1: CA of another PKI", mtls.Endpoint, wrongCA, etcdclient.ErrServerCertUntrusted,
			[]string{`subject "CN=etcd server"`, `issued by "CN=etcdtest CA"`}},
		{"row 2: no client certificate", mtls.Endpoint, noClientCert, etcdclient.ErrClientCertRequired,
			[]string{"requires a client certificate"}},
		{"row 3: https to a plain-text server", "https://" + plain.Addr, caOnly, etcdclient.ErrTLSToPlainServer,
			[]string{"http://" + plain.Addr}},
		{"client certificate of another PKI", mtls.Endpoint, otherClientCert, etcdclient.ErrClientCertRejected,
			[]string{"rejected the client certificate"}},
		{"http to a TLS server", "http://" + mtls.Addr, nil, etcdclient.ErrPlainToTLSServer,
			[]string{"https://" + mtls.Addr}},
		{"expired server certificate", expired.Endpoint, caOnly, etcdclient.ErrServerCertUntrusted,
			[]string{`subject "CN=expired"`, "it expired on"}},
		{"server certificate not valid yet", future.Endpoint, caOnly, etcdclient.ErrServerCertUntrusted,
			[]string{`subject "CN=future"`, "it is not valid before"}},
		{"connecting by IP to a certificate without it", dnsOnly.Endpoint, caOnly, etcdclient.ErrServerNameMismatch,
			[]string{`not valid for "127.0.0.1"`, `"etcd.example.internal"`}},
	} {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			expectMistake(t, m)
		})
	}

	t.Run("the right settings work", func(t *testing.T) {
		t.Parallel()
		for _, ep := range []string{mtls.Endpoint, plain.Endpoint} {
			cfg := etcdclient.Config{Endpoints: []string{ep}, DialTimeout: mistakeDialTimeout, TLS: good()}
			if ep == plain.Endpoint {
				cfg.TLS = nil
			}
			c := etcdtest.Client(t, cfg)
			mustPut(t, c, "/daemon/k", "v")
			expectValue(t, c, "/daemon/k", "v")
		}
		cfg := etcdclient.Config{Endpoints: []string{dnsOnly.Endpoint}, DialTimeout: mistakeDialTimeout,
			TLS: &etcdclient.TLSConfig{CAFile: certs.CAFile, ServerName: "etcd.example.internal"}}
		mustPut(t, etcdtest.Client(t, cfg), "/daemon/k", "by server name")
	})
}

// A cluster where one endpoint is misconfigured and another works keeps
// working; the bad endpoint is named in EndpointProblems.
func TestConnectionMistakes_oneEndpointWrong(t *testing.T) {
	t.Parallel()
	s := etcdtest.New(t, etcdtest.WithTLS())
	plain := etcdtest.New(t) // another server, plain text: wrong with https://
	bad := "https://" + strings.TrimPrefix(plain.Endpoints[0], "http://")
	cfg := s.ClientConfig()
	cfg.Endpoints = []string{bad, s.Endpoints[0]}
	cfg.DialTimeout = mistakeDialTimeout
	c := etcdtest.Client(t, cfg)
	mustPut(t, c, "/one-wrong", "v")
	problems := c.EndpointProblems()
	if len(problems) != 1 {
		t.Fatalf("EndpointProblems = %v; want one", problems)
	}
	expectErr(t, problems[0], etcdclient.ErrTLSToPlainServer, bad)

	// A member that is down is not a mistake: New succeeds, calls go to
	// the member that is up.
	down := closedPort(t)
	cfg.Endpoints = []string{"https://" + down, s.Endpoints[0]}
	c = etcdtest.Client(t, cfg)
	mustPut(t, c, "/one-down", "v")
	if p := c.EndpointProblems(); len(p) != 0 {
		t.Fatalf("a closed port is a problem: %v", p)
	}
	// All down: New still succeeds (lazy) and the call says unavailable.
	cfg.Endpoints = []string{"https://" + down}
	cfg.RequestTimeout = time.Second
	c = etcdtest.Client(t, cfg)
	_, err := c.Get(t.Context(), "/k")
	expectErr(t, err, etcdclient.ErrUnavailable, down)
}

// Authentication mistakes: unknown user, wrong password, no credentials,
// and a token that expires mid-run.
func TestConnectionMistakes_auth(t *testing.T) {
	t.Parallel()
	s := etcdtest.New(t, etcdtest.WithAuth())
	d := etcdtest.StartDaemon(t, etcdtest.DaemonOptions{Args: []string{"--auth-token-ttl", "1"}}, nil)
	dcfg := etcdclient.Config{Endpoints: []string{d.Endpoint}, DialTimeout: mistakeDialTimeout}
	if err := etcdtest.EnableAuth(etcdtest.Client(t, dcfg)); err != nil {
		t.Fatal(err)
	}
	for name, endpoint := range map[string]string{"embedded": s.Endpoints[0], "daemon 3.4": d.Endpoint} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for _, tt := range []struct {
				user, password string
			}{{"root", "wrong"}, {"nobody", "x"}} {
				cfg := etcdclient.Config{Endpoints: []string{endpoint}, DialTimeout: mistakeDialTimeout, RequestTimeout: time.Minute,
					Username: tt.user, Password: tt.password}
				start := time.Now()
				_, err := etcdclient.New(&cfg)
				took := time.Since(start)
				t.Logf("user %q: failed after %v: %v", tt.user, took.Round(time.Millisecond), err)
				expectErr(t, err, etcdclient.ErrAuthFailed, `authentication failed for user "`+tt.user+`"`, "no such user, or the password is wrong")
				if took > mistakeDialTimeout+time.Second {
					t.Errorf("New failed after %v", took)
				}
			}
			cfg := etcdclient.Config{Endpoints: []string{endpoint}, DialTimeout: mistakeDialTimeout, RequestTimeout: time.Minute}
			c := etcdtest.Client(t, cfg)
			ctx, cancel := context.WithTimeout(t.Context(), mistakeDialTimeout)
			defer cancel()
			start := time.Now()
			err := c.CheckCredentials(ctx)
			took := time.Since(start)
			t.Logf("no credentials: failed after %v: %v", took.Round(time.Millisecond), err)
			expectErr(t, err, etcdclient.ErrAuthRequired, "no username and no client certificate")
			expectErr(t, err, etcdclient.ErrPermissionDenied)
			if took > mistakeDialTimeout+time.Second {
				t.Errorf("CheckCredentials failed after %v", took)
			}
		})
	}

	t.Run("token expires mid-run", func(t *testing.T) {
		t.Parallel()
		root := etcdtest.Client(t, etcdclient.Config{Endpoints: []string{d.Endpoint}, Username: "root", Password: etcdtest.RootPassword})
		ctx := t.Context()
		for _, err := range []error{root.CreateUser(ctx, "app", "pw"), root.CreateRole(ctx, "app"),
			root.GrantPermission(ctx, "app", "/app/", etcdclient.PrefixRangeEnd("/app/"), etcdclient.PermReadWrite), root.GrantRole(ctx, "app", "app")} {
			if err != nil {
				t.Fatal(err)
			}
		}
		app := etcdtest.Client(t, etcdclient.Config{Endpoints: []string{d.Endpoint}, Username: "app", Password: "pw", DialTimeout: mistakeDialTimeout})
		mustPut(t, app, "/app/k", "1")
		time.Sleep(2500 * time.Millisecond) // the 1 s token has expired
		mustPut(t, app, "/app/k", "2")      // authenticated again, once
		if err := root.ChangePassword(ctx, "app", "changed"); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2500 * time.Millisecond)
		start := time.Now()
		err := app.Put(ctx, "/app/k", "3")
		t.Logf("after the password changed: failed after %v: %v", time.Since(start).Round(time.Millisecond), err)
		expectErr(t, err, etcdclient.ErrAuthFailed, `authentication failed for user "app"`, "token expired and authenticating again failed")
		if took := time.Since(start); took > mistakeDialTimeout+time.Second {
			t.Errorf("Put failed after %v", took)
		}
	})
}

// BenchmarkNewFirstGet measures what a provider run pays to connect: New
// (with its probe) and the first Get, over mTLS.
func BenchmarkNewFirstGet(b *testing.B) {
	s := etcdtest.New(b, etcdtest.WithTLS())
	cfg := s.ClientConfig()
	for b.Loop() {
		c, err := etcdclient.New(&cfg)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.Get(b.Context(), "/k"); err != nil && !errors.Is(err, etcdclient.ErrKeyNotFound) {
			b.Fatal(err)
		}
		_ = c.Close()
	}
}
