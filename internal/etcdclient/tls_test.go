package etcdclient_test

import (
	"strings"
	"testing"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
)

func TestTLS(t *testing.T) {
	t.Parallel()
	s := etcdtest.New(t, etcdtest.WithTLS())
	other, err := etcdtest.GenerateCerts(t.TempDir()) // a CA the server does not know
	if err != nil {
		t.Fatal(err)
	}
	certs := s.TLS
	hostPort := strings.TrimPrefix(s.Endpoints[0], "https://")

	works := []struct {
		name     string
		endpoint string
		tls      *etcdclient.TLSConfig
	}{
		{"files", s.Endpoints[0], &etcdclient.TLSConfig{CAFile: certs.CAFile, CertFile: certs.ClientCertFile, KeyFile: certs.ClientKeyFile}},
		{"inline PEM", s.Endpoints[0], &etcdclient.TLSConfig{CAPEM: certs.CAPEM, CertPEM: certs.ClientCertPEM, KeyPEM: certs.ClientKeyPEM}},
		{"PEM and files mixed", s.Endpoints[0], &etcdclient.TLSConfig{CAPEM: certs.CAPEM, CertFile: certs.ClientCertFile, KeyPEM: certs.ClientKeyPEM}},
		{"host:port endpoint", hostPort, &etcdclient.TLSConfig{CAFile: certs.CAFile, CertFile: certs.ClientCertFile, KeyFile: certs.ClientKeyFile}},
		{"server name", s.Endpoints[0], &etcdclient.TLSConfig{CAPEM: certs.CAPEM, CertPEM: certs.ClientCertPEM, KeyPEM: certs.ClientKeyPEM, ServerName: "localhost"}},
		{"insecure skip verify", s.Endpoints[0], &etcdclient.TLSConfig{CAPEM: other.CAPEM, CertPEM: certs.ClientCertPEM, KeyPEM: certs.ClientKeyPEM, InsecureSkipVerify: true}},
	}
	for _, tt := range works {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := *etcdclient.DefaultConfig()
			cfg.Endpoints, cfg.TLS = []string{tt.endpoint}, tt.tls
			c := etcdtest.Client(t, cfg)
			key := etcdtest.Prefix(t) + "k"
			mustPut(t, c, key, "over TLS")
			expectValue(t, c, key, "over TLS")
		})
	}

	// Settings that can never work fail at New: see probe_test.go.
	_ = other
}

// TestTLSClientCertificateUser: with auth on, a user created without a
// password is the client certificate's common name.
func TestTLSClientCertificateUser(t *testing.T) {
	t.Parallel()
	s, root := ownServer(t, etcdtest.WithTLS(), etcdtest.WithAuth())
	ctx := t.Context()
	for _, err := range []error{
		root.CreateUserWithoutPassword(ctx, "app"),
		root.CreateRole(ctx, "app"),
		root.GrantPermission(ctx, "app", "/app/", etcdclient.PrefixRangeEnd("/app/"), etcdclient.PermReadWrite),
		root.GrantRole(ctx, "app", "app"),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	certPEM, keyPEM, err := s.TLS.ClientCertFor("app")
	if err != nil {
		t.Fatal(err)
	}
	cfg := failFast(*etcdclient.DefaultConfig())
	cfg.Endpoints = s.Endpoints
	cfg.TLS = &etcdclient.TLSConfig{CAPEM: s.TLS.CAPEM, CertPEM: certPEM, KeyPEM: keyPEM}
	app := etcdtest.Client(t, cfg)

	mustPut(t, app, "/app/k", "by certificate")
	expectValue(t, root, "/app/k", "by certificate")
	err = app.Put(ctx, "/other", "x")
	expectErr(t, err, etcdclient.ErrPermissionDenied, `key "/other"`, "client certificate's common name")
}
