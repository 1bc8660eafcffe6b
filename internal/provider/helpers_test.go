package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
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
	// TF_ACC=1 unless set, even to empty (make test-unit sets TF_ACC=).
	if _, set := os.LookupEnv("TF_ACC"); !set {
		_ = os.Setenv("TF_ACC", "1")
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
	if err := e.client.Put(t.Context(), key, value); err != nil {
		t.Fatalf("put %q: %v", key, err)
	}
}

func (e *testEtcd) del(t *testing.T, key string) {
	t.Helper()
	if _, err := e.client.Delete(t.Context(), key); err != nil {
		t.Fatalf("delete %q: %v", key, err)
	}
}

// value returns a key's value, or "<missing>".
func (e *testEtcd) value(t *testing.T, key string) string {
	t.Helper()
	kv, err := e.client.Get(t.Context(), key)
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

// workdir is a Terraform working directory driven step by step with the
// real tofu binary, for scenarios resource.Test cannot express: a write
// between plan and apply of a saved plan, two applies at once, a member
// stopped in the middle of an apply. The provider runs in this test process
// and tofu attaches to it (TF_REATTACH_PROVIDERS), as in resource.Test.
type workdir struct {
	t   *testing.T
	dir string
	env []string
}

// newWorkdir writes hcl as main.tf in a new directory, serves the provider
// under each local name in names (default "etcd"), and runs tofu init.
func newWorkdir(t *testing.T, hcl string, names ...string) *workdir {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance tests run with TF_ACC=1 (make test sets it)")
	}
	if len(names) == 0 {
		names = []string{"etcd"}
	}
	dir := t.TempDir()
	w := &workdir{t: t, dir: dir}
	w.write("main.tf", hcl)
	reattach := map[string]any{}
	for _, name := range names {
		reattach[providerSource(name)] = serveForTest(t, name)
	}
	attach, _ := json.Marshal(reattach)
	w.env = append(os.Environ(), "TF_REATTACH_PROVIDERS="+string(attach), "TF_IN_AUTOMATION=1", "TF_INPUT=0")
	w.mustRun("init", "-input=false", "-no-color")
	return w
}

// serveForTest starts an in-process provider server and returns its
// reattach configuration in the form TF_REATTACH_PROVIDERS takes.
func serveForTest(t *testing.T, name string) map[string]any {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	configCh := make(chan *plugin.ReattachConfig, 1)
	closeCh := make(chan struct{})
	server, err := NewServer("test")()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = tf6server.Serve(providerSource(name), func() tfprotov6.ProviderServer { return server },
			tf6server.WithDebug(ctx, configCh, closeCh), tf6server.WithGoPluginLogger(hclog.NewNullLogger()), tf6server.WithLoggingSink(t))
	}()
	cfg := <-configCh
	t.Cleanup(func() {
		cancel()
		<-closeCh
	})
	return map[string]any{
		"Protocol":        string(cfg.Protocol),
		"ProtocolVersion": cfg.ProtocolVersion,
		"Pid":             cfg.Pid,
		"Test":            true,
		"Addr":            map[string]string{"Network": cfg.Addr.Network(), "String": cfg.Addr.String()},
	}
}

func (w *workdir) write(name, content string) {
	w.t.Helper()
	if err := os.WriteFile(filepath.Join(w.dir, name), []byte(content), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// cliName is the name of the CLI the tests run (tofu or terraform).
func cliName() string { return filepath.Base(os.Getenv("TF_ACC_TERRAFORM_PATH")) }

// run runs the CLI (tofu or terraform) with args and returns its combined
// output.
func (w *workdir) run(args ...string) (string, error) {
	cmd := exec.Command(os.Getenv("TF_ACC_TERRAFORM_PATH"), args...)
	cmd.Dir, cmd.Env = w.dir, w.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (w *workdir) mustRun(args ...string) string {
	w.t.Helper()
	out, err := w.run(args...)
	if err != nil {
		w.t.Fatalf("%s %s: %v\n%s", cliName(), strings.Join(args, " "), err, out)
	}
	return out
}

// apply runs `tofu apply -auto-approve`.
func (w *workdir) apply() (string, error) {
	return w.run("apply", "-auto-approve", "-input=false", "-no-color")
}

// planChanges runs `tofu plan -detailed-exitcode` and reports whether it
// proposes changes.
func (w *workdir) planChanges() bool {
	w.t.Helper()
	out, err := w.run("plan", "-detailed-exitcode", "-input=false", "-no-color")
	if err == nil {
		return false
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 2 {
		return true
	}
	w.t.Fatalf("%s plan: %v\n%s", cliName(), err, out)
	return false
}

// buildProvider builds the provider binary, for tests that need tofu to run
// it as a plugin process (so that its logs go where tofu sends them).
func buildProvider(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	dir := t.TempDir()
	cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-etcd"), ".")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return dir
}

// pluginWorkdir is a working directory where tofu runs the built provider
// through dev_overrides, with TF_LOG=TRACE written to tofu.log.
func pluginWorkdir(t *testing.T, hcl string) *workdir {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance tests run with TF_ACC=1 (make test sets it)")
	}
	bin := buildProvider(t)
	dir := t.TempDir()
	w := &workdir{t: t, dir: dir}
	w.write("main.tf", hcl)
	w.write("cli.tfrc", fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n", providerSource("etcd"), bin))
	w.env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+filepath.Join(dir, "cli.tfrc"),
		"TF_LOG=TRACE", "TF_LOG_PATH="+filepath.Join(dir, "tofu.log"), "TF_IN_AUTOMATION=1", "TF_INPUT=0")
	return w
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func manyKeys(n int) map[string]string {
	keys := make(map[string]string, n)
	for i := range n {
		keys[fmt.Sprintf("k%05d", i)] = fmt.Sprintf("value-%d", i)
	}
	return keys
}

// expectPrefix checks that etcd holds exactly want under the test's prefix.
func (e *testEtcd) expectPrefix(t *testing.T, want map[string]string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		kvs, err := e.client.List(t.Context(), e.prefix)
		if err != nil {
			return err
		}
		got := map[string]string{}
		for _, kv := range kvs {
			got[strings.TrimPrefix(kv.Key, e.prefix)] = string(kv.Value)
		}
		if !maps.Equal(got, want) {
			return fmt.Errorf("etcd holds %v under %q, want %v", got, e.prefix, want)
		}
		return nil
	}
}

func prefixConfig(e *testEtcd, exclusive bool, keys map[string]string) string {
	var b strings.Builder
	for k, v := range keys {
		fmt.Fprintf(&b, "    %q = %q\n", k, v)
	}
	return e.config(`
resource "etcd_prefix" "test" {
  prefix    = %[1]q
  exclusive = %[2]t
  keys = {
%[3]s  }
}
`, e.prefix, exclusive, b.String())
}

// modRevisions maps each key under the test's prefix (relative) to its mod
// revision.
func (e *testEtcd) modRevisions() (map[string]int64, error) {
	kvs, err := e.client.List(context.Background(), e.prefix)
	if err != nil {
		return nil, err
	}
	revs := make(map[string]int64, len(kvs))
	for _, kv := range kvs {
		revs[strings.TrimPrefix(kv.Key, e.prefix)] = kv.ModRevision
	}
	return revs, nil
}

// waitForKeys returns once the first transaction under prefix landed.
func waitForKeys(t *testing.T, c *etcdclient.Client, prefix string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		n, err := c.GetKeyCountWithPrefix(t.Context(), prefix)
		if err == nil && n > 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("the apply wrote nothing within 60s")
}

// expectExactly checks that etcd holds exactly want under prefix: nothing
// lost, nothing extra.
func expectExactly(t *testing.T, c *etcdclient.Client, prefix string, want map[string]string) {
	t.Helper()
	kvs, err := c.List(t.Context(), prefix)
	if err != nil {
		t.Fatal(err)
	}
	if len(kvs) != len(want) {
		t.Fatalf("etcd holds %d keys under %q, want %d", len(kvs), prefix, len(want))
	}
	for _, kv := range kvs {
		rel := strings.TrimPrefix(kv.Key, prefix)
		if w, ok := want[rel]; !ok || w != string(kv.Value) {
			t.Fatalf("etcd holds %q = %q, want %q (present: %t)", kv.Key, kv.Value, w, ok)
		}
	}
}

// ownEtcd is a test etcd of its own, for tests whose keys are fixed names.
func ownEtcd(t *testing.T) *testEtcd {
	t.Helper()
	cfg := etcdtest.New(t).ClientConfig()
	return &testEtcd{cfg: cfg, client: etcdtest.Client(t, cfg), prefix: "/"}
}
