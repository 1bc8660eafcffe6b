package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
)

const testNamespace = "terraform-etcd"

func TestMain(m *testing.M) {
	setTestEnvironment()
	etcdtest.Main(m)
}

// setTestEnvironment fills in what `make test` sets, so that `go test`
// alone also runs the acceptance tests with the tofu binary in .bin/.
func setTestEnvironment() {
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	defaults := map[string]string{
		"TF_ACC_TERRAFORM_PATH":     filepath.Join(root, ".bin", "tofu"),
		"TF_ACC_PROVIDER_NAMESPACE": testNamespace,
		"TF_ACC_PROVIDER_HOST":      "registry.opentofu.org",
	}
	for k, v := range defaults {
		if os.Getenv(k) == "" {
			_ = os.Setenv(k, v)
		}
	}
	// The machine may point TF_CLI_CONFIG_FILE at a file that does not exist;
	// tests use an empty configuration of their own.
	cli, err := os.CreateTemp("", "tofurc-*")
	if err == nil {
		_ = cli.Close()
		_ = os.Setenv("TF_CLI_CONFIG_FILE", cli.Name())
	}
	_ = os.Setenv("CHECKPOINT_DISABLE", "1")
}

// factories serves the provider under each given local name (default
// "etcd"). Tests that need two differently configured providers use two
// names: with reattached test providers, aliases of one name share a server.
func factories(names ...string) map[string]func() (tfprotov6.ProviderServer, error) {
	if len(names) == 0 {
		names = []string{"etcd"}
	}
	out := map[string]func() (tfprotov6.ProviderServer, error){}
	for _, n := range names {
		out[n] = NewServer("test")
	}
	return out
}

// providerSource is the source address the test providers are served at.
func providerSource(name string) string {
	return os.Getenv("TF_ACC_PROVIDER_HOST") + "/" + os.Getenv("TF_ACC_PROVIDER_NAMESPACE") + "/" + name
}

// requiredProviders is the terraform block that maps local names to the
// test providers' addresses.
func requiredProviders(names ...string) string {
	var b strings.Builder
	b.WriteString("terraform {\n  required_providers {\n")
	for _, n := range names {
		fmt.Fprintf(&b, "    %s = { source = %q }\n", n, providerSource(n))
	}
	b.WriteString("  }\n}\n")
	return b.String()
}

// providerConfig renders the terraform and provider blocks for cfg.
func providerConfig(cfg etcdclient.Config) string {
	return requiredProviders("etcd") + providerBlock("etcd", cfg)
}

func providerBlock(name string, cfg etcdclient.Config) string {
	var b strings.Builder
	fmt.Fprintf(&b, "provider %q {\n", name)
	fmt.Fprintf(&b, "  endpoints = [%s]\n", quoteList(cfg.Endpoints))
	if cfg.Username != "" {
		fmt.Fprintf(&b, "  username = %q\n  password = %q\n", cfg.Username, cfg.Password)
	}
	if t := cfg.TLS; t != nil {
		writeOptional(&b, "ca_cert_file", t.CAFile)
		writeOptional(&b, "client_cert_file", t.CertFile)
		writeOptional(&b, "client_key_file", t.KeyFile)
	}
	b.WriteString("}\n")
	return b.String()
}

func writeOptional(b *strings.Builder, attr, value string) {
	if value != "" {
		fmt.Fprintf(b, "  %s = %q\n", attr, value)
	}
}

func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// testEtcd is the etcd a test works against and a client to check it with.
type testEtcd struct {
	cfg    etcdclient.Config
	client *etcdclient.Client
	prefix string // keys of this test live under it
}

// sharedEtcd returns the shared test etcd (see etcdtest.Shared) and a prefix
// of keys for this test alone.
func sharedEtcd(t *testing.T) *testEtcd {
	t.Helper()
	target := etcdtest.Shared(t)
	return &testEtcd{cfg: target.Config, client: etcdtest.Client(t, target.Config), prefix: etcdtest.Prefix(t)}
}

// config renders the provider blocks followed by the given HCL.
func (e *testEtcd) config(hcl string, args ...any) string {
	return providerConfig(e.cfg) + fmt.Sprintf(hcl, args...)
}

func (e *testEtcd) put(t *testing.T, key, value string) {
	t.Helper()
	if err := e.client.Put(context.Background(), key, value); err != nil {
		t.Fatalf("put %q: %v", key, err)
	}
}

func (e *testEtcd) del(t *testing.T, key string) {
	t.Helper()
	if _, err := e.client.Delete(context.Background(), key); err != nil {
		t.Fatalf("delete %q: %v", key, err)
	}
}

// value returns a key's value, or "<missing>".
func (e *testEtcd) value(t *testing.T, key string) string {
	t.Helper()
	kv, err := e.client.Get(context.Background(), key)
	if errors.Is(err, etcdclient.ErrKeyNotFound) {
		return "<missing>"
	}
	if err != nil {
		t.Fatalf("get %q: %v", key, err)
	}
	return string(kv.Value)
}

// expectValue is a check that etcd holds want at key ("<missing>": no key).
func (e *testEtcd) expectValue(t *testing.T, key, want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := e.value(t, key); got != want {
			return fmt.Errorf("etcd key %q holds %q, want %q", key, got, want)
		}
		return nil
	}
}

func regexpMust(s string) *regexp.Regexp { return regexp.MustCompile(s) }
