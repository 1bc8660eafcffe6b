package etcdtest

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

// Environment variables that point tests at an existing etcd instead of an
// embedded one (see Shared).
const (
	EnvEndpoints = "ETCD_TEST_ENDPOINTS" // comma-separated
	EnvUser      = "ETCD_TEST_USER"
	EnvPassword  = "ETCD_TEST_PASSWORD" //nolint:gosec // the name of a variable, not a credential
)

// New starts a single-member server for one test and stops it when the test
// ends, printing its logs if the test failed.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := Start(opts...)
	if err != nil {
		t.Fatalf("etcdtest: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("etcd %s logs:\n%s", s.Name, s.Logs())
		}
		s.Cleanup()
	})
	return s
}

// NewCluster starts an n-member cluster for one test.
func NewCluster(t testing.TB, n int, opts ...Option) *Cluster {
	t.Helper()
	c, err := StartCluster(n, opts...)
	if err != nil {
		t.Fatalf("etcdtest: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("etcd cluster logs:\n%s", c.Logs())
		}
		c.Cleanup()
	})
	return c
}

// Client returns a client for cfg, closed when the test ends.
func Client(t testing.TB, cfg etcdclient.Config) *etcdclient.Client {
	t.Helper()
	c, err := etcdclient.New(&cfg)
	if err != nil {
		t.Fatalf("etcdtest: client: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// Target is an etcd that tests can use without owning it.
type Target struct {
	Config etcdclient.Config
	// External is true when the target comes from ETCD_TEST_ENDPOINTS.
	External bool
}

var shared struct {
	once   sync.Once
	server *Server
	err    error
}

// Shared returns the etcd for tests that need no special setup: the cluster
// named by ETCD_TEST_ENDPOINTS (with ETCD_TEST_USER / ETCD_TEST_PASSWORD) when
// set, otherwise one embedded server shared by the test binary and stopped
// by Main. Tests that share it must keep to their own keys (see Prefix).
func Shared(t testing.TB) Target {
	t.Helper()
	if eps := os.Getenv(EnvEndpoints); eps != "" {
		cfg := *etcdclient.DefaultConfig()
		cfg.Endpoints = strings.Split(eps, ",")
		cfg.Username, cfg.Password = os.Getenv(EnvUser), os.Getenv(EnvPassword)
		return Target{Config: cfg, External: true}
	}
	shared.once.Do(func() { shared.server, shared.err = Start(WithLogLevel("error")) })
	if shared.err != nil {
		t.Fatalf("etcdtest: shared server: %v", shared.err)
	}
	return Target{Config: shared.server.ClientConfig()}
}

// Main runs the tests and then stops the shared server, if one was started.
// Call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if shared.server != nil {
		shared.server.Cleanup()
	}
	os.Exit(code)
}

// Prefix returns a key prefix no other test uses: "/etcdtest/<test>-<random>/".
func Prefix(t testing.TB) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	name := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name())
	return "/etcdtest/" + name + "-" + hex.EncodeToString(b[:]) + "/"
}
