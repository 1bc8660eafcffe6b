package provider

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

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

// run runs tofu with args and returns its combined output.
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
		w.t.Fatalf("tofu %s: %v\n%s", strings.Join(args, " "), err, out)
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
	w.t.Fatalf("tofu plan: %v\n%s", err, out)
	return false
}
