package provider

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
)

// mistakeDial is the dial_timeout of the connection-mistake tests. The
// request_timeout is far longer, so that a mistake reported only when a
// request times out (as before) would fail the time check.
const mistakeDial = 2 * time.Second

// threeReads reads three keys: a connection mistake must be reported once,
// not once per data source.
const threeReads = `
data "etcd_key" "a" {
  key        = "/mistakes/a"
  must_exist = false
}
data "etcd_key" "b" {
  key        = "/mistakes/b"
  must_exist = false
}
data "etcd_key" "c" {
  key        = "/mistakes/c"
  must_exist = false
}
`

// flatOutput joins tofu's wrapped, boxed output into single-spaced text.
func flatOutput(out string) string {
	out = strings.NewReplacer("│", " ", "╷", " ", "╵", " ").Replace(out)
	return strings.Join(strings.Fields(out), " ")
}

type connMistake struct {
	name    string
	p       authProvider
	summary string   // the diagnostic's headline
	detail  []string // more text it must hold
}

// runMistakes plans each case in one working directory: the plan fails
// once, with the headline, within the healthy plan's time + dial_timeout
// + 1 s.
func runMistakes(t *testing.T, healthy authProvider, cases []connMistake) {
	w := newWorkdir(t, healthy.config()+threeReads)
	plan := func(p authProvider) (string, time.Duration, error) {
		w.write("main.tf", p.config()+threeReads)
		start := time.Now()
		out, err := w.run("plan", "-input=false", "-no-color", "-refresh=true")
		return out, time.Since(start), err
	}
	out, base, err := plan(healthy)
	if err != nil {
		t.Fatalf("plan with the right settings failed:\n%s", out)
	}
	t.Logf("healthy plan: %v", base.Round(time.Millisecond))
	for _, c := range cases {
		out, took, err := plan(c.p)
		flat := flatOutput(out)
		t.Logf("%s: plan failed after %v (healthy plan %v): %s", c.name, took.Round(time.Millisecond), base.Round(time.Millisecond), c.summary)
		if err == nil {
			t.Errorf("%s: plan succeeded:\n%s", c.name, out)
			continue
		}
		if n := strings.Count(flat, c.summary); n != 1 {
			t.Errorf("%s: the headline %q appears %d times, want once:\n%s", c.name, c.summary, n, out)
		}
		for _, d := range c.detail {
			if !strings.Contains(flat, d) {
				t.Errorf("%s: the output does not mention %q:\n%s", c.name, d, out)
			}
		}
		if strings.Contains(flat, "check that etcd is running") {
			t.Errorf("%s: reported as unavailable:\n%s", c.name, out)
		}
		if limit := base + mistakeDial + time.Second; took > limit {
			t.Errorf("%s: plan failed after %v; want within %v (healthy plan %v + dial_timeout + 1s)", c.name, took, limit, base)
		}
	}
}

// The three rows and the other connection mistakes, replayed
// against Debian's etcd 3.4 daemon with certificates generated here.
func TestAccConnectionMistakes_daemon(t *testing.T) {
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
	authed := etcdtest.StartDaemon(t, etcdtest.DaemonOptions{}, nil)
	if err := etcdtest.EnableAuth(etcdtest.Client(t, etcdclient.Config{Endpoints: []string{authed.Endpoint}})); err != nil {
		t.Fatal(err)
	}
	dial := mistakeDial.String()
	healthy := authProvider{endpoints: []string{mtls.Endpoint}, caFile: certs.CAFile, certFile: certs.ClientCertFile, keyFile: certs.ClientKeyFile, timeout: dial}
	with := func(change func(*authProvider)) authProvider {
		p := healthy
		change(&p)
		return p
	}
	runMistakes(t, healthy, []connMistake{
		{"row 1: ca_cert_file is the wrong CA", with(func(p *authProvider) { p.caFile = other.CAFile }),
			"etcd server certificate not trusted: check ca_cert_file", []string{`subject "CN=etcd server", issued by "CN=etcdtest CA"`}},
		{"row 2: no client certificate", with(func(p *authProvider) { p.certFile, p.keyFile = "", "" }),
			"etcd requires a client certificate: set client_cert_file and client_key_file", []string{"--client-cert-auth"}},
		{"row 3: https:// to a plain-text server", with(func(p *authProvider) { p.endpoints = []string{"https://" + plain.Addr} }),
			"etcd endpoint serves plain text, not TLS: use http:// in endpoints", []string{"http://" + plain.Addr}},
		{"http:// to a TLS server", with(func(p *authProvider) { p.endpoints = []string{"http://" + mtls.Addr} }),
			"etcd endpoint serves TLS: use https:// in endpoints", []string{"https://" + mtls.Addr}},
		{"client certificate of another CA", with(func(p *authProvider) { p.certFile, p.keyFile = other.ClientCertFile, other.ClientKeyFile }),
			"etcd rejected the client certificate: check client_cert_file and its key", []string{"--trusted-ca-file"}},
		{"tls_server_name not in the certificate", with(func(p *authProvider) { p.serverName = "etcd.invalid" }),
			"etcd server certificate is not for this name: set tls_server_name", []string{`"localhost", "127.0.0.1"`}},
		{"wrong password", authProvider{endpoints: []string{authed.Endpoint}, username: "root", password: "wrong", timeout: dial},
			"etcd rejected the username or password: check username and password", []string{`user "root"`}},
		{"unknown user", authProvider{endpoints: []string{authed.Endpoint}, username: "nobody", password: "x", timeout: dial},
			"etcd rejected the username or password: check username and password", []string{`user "nobody"`}},
		{"authentication on, no credentials", authProvider{endpoints: []string{authed.Endpoint}, timeout: dial},
			"etcd requires authentication: set username and password", []string{"no username and no client certificate"}},
	})
}

// The same mistakes against the embedded TLS harness.
func TestAccConnectionMistakes_embedded(t *testing.T) {
	s := etcdtest.New(t, etcdtest.WithTLS())
	plain := etcdtest.New(t)
	other, err := etcdtest.GenerateCerts(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	dial := mistakeDial.String()
	healthy := authProvider{endpoints: s.Endpoints, caPEM: s.TLS.CAPEM, certPEM: s.TLS.ClientCertPEM, keyPEM: s.TLS.ClientKeyPEM, timeout: dial}
	with := func(change func(*authProvider)) authProvider {
		p := healthy
		change(&p)
		return p
	}
	plainAddr := strings.TrimPrefix(plain.Endpoints[0], "http://")
	runMistakes(t, healthy, []connMistake{
		{"ca_cert is the wrong CA", with(func(p *authProvider) { p.caPEM = other.CAPEM }),
			"etcd server certificate not trusted: check ca_cert", []string{`issued by "CN=etcdtest CA"`}},
		{"no client certificate", with(func(p *authProvider) { p.certPEM, p.keyPEM = nil, nil }),
			"etcd requires a client certificate: set client_cert_file and client_key_file", nil},
		{"https:// to a plain-text server", with(func(p *authProvider) { p.endpoints = []string{"https://" + plainAddr} }),
			"etcd endpoint serves plain text, not TLS: use http:// in endpoints", []string{"http://" + plainAddr}},
	})
}

// One misconfigured endpoint beside a working one: the plan works, with a
// warning that names the bad endpoint.
func TestAccConnectionMistakes_oneEndpointWrong(t *testing.T) {
	s := etcdtest.New(t, etcdtest.WithTLS())
	plain := etcdtest.New(t)
	bad := "https://" + strings.TrimPrefix(plain.Endpoints[0], "http://")
	p := authProvider{endpoints: []string{bad, s.Endpoints[0]}, caPEM: s.TLS.CAPEM, certPEM: s.TLS.ClientCertPEM, keyPEM: s.TLS.ClientKeyPEM, timeout: mistakeDial.String()}
	w := newWorkdir(t, p.config()+threeReads)
	out := w.mustRun("plan", "-input=false", "-no-color")
	want := fmt.Sprintf("etcd endpoint %s left out: the endpoint serves plain text, not TLS", bad)
	if n := strings.Count(flatOutput(out), want); n != 1 {
		t.Fatalf("the warning %q appears %d times, want once:\n%s", want, n, out)
	}
}
