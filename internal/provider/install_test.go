package provider

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
)

// installCLI is a Terraform or OpenTofu binary the install test runs.
type installCLI struct {
	path string
	name string // "OpenTofu" or "Terraform"
	host string // the registry that "terraform-etcd/etcd" means to it
}

// installCLIs returns the CLIs the tests have: the one at
// TF_ACC_TERRAFORM_PATH and any tofu or terraform on PATH.
func installCLIs(t *testing.T) []installCLI {
	t.Helper()
	var out []installCLI
	seen := map[string]bool{}
	candidates := []string{os.Getenv("TF_ACC_TERRAFORM_PATH")}
	for _, name := range []string{"tofu", "terraform"} {
		if p, err := exec.LookPath(name); err == nil {
			candidates = append(candidates, p)
		}
	}
	for _, p := range candidates {
		real, err := filepath.EvalSymlinks(p)
		if p == "" || err != nil || seen[real] {
			continue
		}
		seen[real] = true
		cmd := exec.Command(p, "version")
		cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE=/dev/null", "CHECKPOINT_DISABLE=1")
		b, _ := cmd.Output()
		switch {
		case strings.HasPrefix(string(b), "OpenTofu v"):
			out = append(out, installCLI{path: p, name: "OpenTofu", host: "registry.opentofu.org"})
		case strings.HasPrefix(string(b), "Terraform v"):
			out = append(out, installCLI{path: p, name: "Terraform", host: "registry.terraform.io"})
		}
	}
	if len(out) == 0 {
		t.Skip("no tofu or terraform binary")
	}
	return out
}

// The provider installed as a user without registry access would install
// it: `make install` into a fresh HOME, then examples/demo with a version
// constraint runs `init` (which writes a lock file with the installed
// package's hash), `apply`, an empty `plan` and `destroy`, with an empty CLI
// configuration; and the same from a filesystem_mirror that
// tools/cmd/provider-mirror laid out from goreleaser-shaped archives. Through
// every CLI the tests have.
func TestAccInstall_localMirrorAndFilesystemMirror(t *testing.T) {
	if testing.Short() || os.Getenv("TF_ACC") == "" {
		t.Skip("builds and installs the provider: an acceptance test (TF_ACC=1, not -short)")
	}
	clis := installCLIs(t)
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	version := strings.TrimSpace(mustOutput(t, root, nil, filepath.Join(root, "scripts", "version.sh")))
	constraint := "~> " + version[:strings.LastIndex(version, ".")]
	osArch := runtime.GOOS + "_" + runtime.GOARCH
	binary := "terraform-provider-etcd_v" + version
	s := etcdtest.New(t) // the demo's keys are its own

	// make install, into a HOME of its own; Go keeps its caches (which
	// default to places under HOME).
	home := t.TempDir()
	goEnv := strings.Fields(mustOutput(t, root, nil, "go", "env", "GOPATH", "GOMODCACHE", "GOCACHE"))
	if len(goEnv) != 3 {
		t.Fatalf("go env: %q", goEnv)
	}
	env := []string{"HOME=" + home, "XDG_DATA_HOME=", "GOPATH=" + goEnv[0], "GOMODCACHE=" + goEnv[1], "GOCACHE=" + goEnv[2]}
	mustOutput(t, root, env, "make", "--no-print-directory", "install")
	emptyConfig := filepath.Join(home, "empty.tfrc")
	if err := os.WriteFile(emptyConfig, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	installed := filepath.Join(home, ".terraform.d", "plugins", "registry.opentofu.org", "terraform-etcd", "etcd", version, osArch, binary)
	for _, cli := range clis {
		t.Run(cli.name+"/make_install", func(t *testing.T) {
			dir := filepath.Join(home, ".terraform.d", "plugins", cli.host, "terraform-etcd", "etcd", version, osArch)
			want := hashFiles(t, map[string]string{binary: filepath.Join(dir, binary)})
			runDemo(t, cli, s.Endpoints[0], constraint, version, want, []string{"HOME=" + home, "TF_CLI_CONFIG_FILE=" + emptyConfig})
		})
	}

	// A filesystem mirror from a goreleaser-shaped archive of the same build.
	dist, mirror := t.TempDir(), t.TempDir()
	writeZip(t, filepath.Join(dist, fmt.Sprintf("terraform-provider-etcd_%s_%s.zip", version, osArch)), binary, installed)
	mustOutput(t, root, nil, "go", "-C", "tools", "run", "./cmd/provider-mirror", "-dist", dist, "-out", mirror)
	mirrorHome := t.TempDir() // no implied local mirror directories here
	mirrorConfig := filepath.Join(mirrorHome, "mirror.tfrc")
	if err := os.WriteFile(mirrorConfig, fmt.Appendf(nil, "provider_installation {\n  filesystem_mirror {\n    path = %q\n  }\n}\n", mirror), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, cli := range clis {
		t.Run(cli.name+"/filesystem_mirror", func(t *testing.T) {
			var index struct {
				Archives map[string]struct {
					URL    string   `json:"url"`
					Hashes []string `json:"hashes"`
				} `json:"archives"`
			}
			b, err := os.ReadFile(filepath.Join(mirror, cli.host, "terraform-etcd", "etcd", version+".json"))
			if err == nil {
				err = json.Unmarshal(b, &index)
			}
			if err != nil || len(index.Archives[osArch].Hashes) != 1 {
				t.Fatalf("mirror index %s.json: %v\n%s", version, err, b)
			}
			runDemo(t, cli, s.Endpoints[0], constraint, version, index.Archives[osArch].Hashes[0], []string{"HOME=" + mirrorHome, "TF_CLI_CONFIG_FILE=" + mirrorConfig})
		})
	}
}

// runDemo applies examples/demo with a version constraint through cli with
// env (which sets HOME and the CLI configuration), checks the lock file
// holds version and the hash wantH1, and destroys it again.
func runDemo(t *testing.T, cli installCLI, endpoint, constraint, version, wantH1 string, env []string) {
	t.Helper()
	demo := readExample(t, filepath.Join(examplesDir(), "demo", "main.tf"))
	const source = `source = "terraform-etcd/etcd"`
	if !strings.Contains(demo, source) {
		t.Fatalf("examples/demo/main.tf has no %s", source)
	}
	demo = strings.Replace(demo, source, source+"\n      version = "+fmt.Sprintf("%q", constraint), 1)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(demo), 0o600); err != nil {
		t.Fatal(err)
	}
	env = append(cleanCLIEnv(), append(env, "TF_VAR_endpoint="+endpoint)...)
	run := func(args ...string) string { return mustOutput(t, dir, env, cli.path, append(args, "-no-color")...) }
	run("init", "-input=false")
	lock, err := os.ReadFile(filepath.Join(dir, ".terraform.lock.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile(`(?s)provider "` + regexp.QuoteMeta(cli.host+"/terraform-etcd/etcd") + `" \{.*?\n\}`).Find(lock)
	if block == nil || !strings.Contains(string(block), fmt.Sprintf("version     = %q", version)) || !strings.Contains(string(block), fmt.Sprintf("%q", wantH1)) {
		t.Fatalf("the lock file does not record %s/terraform-etcd/etcd %s with hash %s:\n%s", cli.host, version, wantH1, lock)
	}
	run("apply", "-auto-approve", "-input=false")
	run("plan", "-detailed-exitcode", "-input=false") // exit code 2 (changes) fails
	run("destroy", "-auto-approve", "-input=false")
}

// cleanCLIEnv is the environment without what would make the CLI find the
// provider other than through its installation: the test providers'
// reattach settings, a plugin cache, extra CLI arguments.
func cleanCLIEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name == "TF_REATTACH_PROVIDERS" || name == "TF_PLUGIN_CACHE_DIR" || strings.HasPrefix(name, "TF_CLI_ARGS") ||
			name == "HOME" || name == "XDG_DATA_HOME" || name == "TF_CLI_CONFIG_FILE" {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0")
}

func mustOutput(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
	}
	return string(out)
}

// hashFiles is the "h1:" package hash Terraform and OpenTofu record in
// lock files (golang.org/x/mod/sumdb/dirhash's Hash1) of the given files,
// by their names in the package.
func hashFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	var lines []string
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for n := range files {
			if !yield(n) {
				return
			}
		}
	}) {
		b, err := os.ReadFile(files[name])
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, fmt.Sprintf("%x  %s\n", sha256.Sum256(b), name))
	}
	sum := sha256.Sum256([]byte(strings.Join(lines, "")))
	return "h1:" + base64.StdEncoding.EncodeToString(sum[:])
}

// writeZip writes a zip holding the file at from, executable, as name: the
// shape of goreleaser's provider archives.
func writeZip(t *testing.T, path, name, from string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	z := zip.NewWriter(f)
	h := &zip.FileHeader{Name: name, Method: zip.Deflate}
	h.SetMode(0o755)
	w, err := z.CreateHeader(h)
	if err == nil {
		_, err = w.Write(b)
	}
	if err == nil {
		err = z.Close()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
}
