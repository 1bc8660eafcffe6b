package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// A team on several platforms locks every platform's hash offline, as
// README.md says: `make release-snapshot mirror` lays out the archives of
// every platform, then `providers lock -fs-mirror=dist/mirror
// -platform=...` records a hash per platform, with no registry; `init` from
// the mirror then accepts the lock file as it is. goreleaser's build of
// every platform takes long on 2 cores, so the test builds the archives of
// two platforms (this one and another) with go build, in goreleaser's
// layout, and runs tools/cmd/provider-mirror (what `make mirror` runs) on them.
// Through every CLI the tests have.
func TestAccInstall_lockEveryPlatformFromMirror(t *testing.T) {
	if testing.Short() || os.Getenv("TF_ACC") == "" {
		t.Skip("builds the provider for two platforms: an acceptance test (TF_ACC=1, not -short)")
	}
	clis := installCLIs(t)
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	version := strings.TrimSpace(mustOutput(t, root, nil, filepath.Join(root, "scripts", "version.sh")))
	constraint := "~> " + version[:strings.LastIndex(version, ".")]
	platforms := []string{runtime.GOOS + "_" + runtime.GOARCH, "linux_arm64"}
	if platforms[0] == platforms[1] {
		platforms[1] = "linux_amd64"
	}
	binary := "terraform-provider-etcd_v" + version
	dist, mirror, build := t.TempDir(), t.TempDir(), t.TempDir()
	for _, p := range platforms {
		goos, goarch, _ := strings.Cut(p, "_")
		out := filepath.Join(build, p, binary)
		mustOutput(t, root, []string{"GOOS=" + goos, "GOARCH=" + goarch, "CGO_ENABLED=0"},
			"go", "build", "-trimpath", "-ldflags", "-s -w -X main.version="+version, "-o", out, ".")
		writeZip(t, filepath.Join(dist, fmt.Sprintf("terraform-provider-etcd_%s_%s.zip", version, p)), binary, out)
	}
	mustOutput(t, root, nil, "go", "-C", "tools", "run", "./cmd/provider-mirror", "-dist", dist, "-out", mirror)

	for _, cli := range clis {
		t.Run(cli.name, func(t *testing.T) {
			want := mirrorHashes(t, mirror, cli.host, version, platforms)
			home := t.TempDir()
			emptyConfig := filepath.Join(home, "empty.tfrc")
			mirrorConfig := filepath.Join(home, "mirror.tfrc")
			if err := os.WriteFile(emptyConfig, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(mirrorConfig, fmt.Appendf(nil, "provider_installation {\n  filesystem_mirror {\n    path = %q\n  }\n}\n", mirror), 0o600); err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			main := fmt.Sprintf("terraform {\n  required_providers {\n    etcd = {\n      source  = \"terraform-etcd/etcd\"\n      version = %q\n    }\n  }\n}\n", constraint)
			if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(main), 0o600); err != nil {
				t.Fatal(err)
			}
			env := append(cleanCLIEnv(), "HOME="+home, "TF_CLI_CONFIG_FILE="+emptyConfig)
			args := []string{"providers", "lock", "-fs-mirror=" + mirror}
			for _, p := range platforms {
				args = append(args, "-platform="+p)
			}
			mustOutput(t, dir, env, cli.path, append(args, "-no-color")...)
			checkLock(t, dir, want)

			env = append(cleanCLIEnv(), "HOME="+home, "TF_CLI_CONFIG_FILE="+mirrorConfig)
			out := mustOutput(t, dir, env, cli.path, "init", "-input=false", "-no-color")
			if strings.Contains(out, "Incomplete lock file") {
				t.Fatalf("init still finds the lock file incomplete:\n%s", out)
			}
			checkLock(t, dir, want)
		})
	}
}

// mirrorHashes returns the h1: hash tools/cmd/provider-mirror recorded for each
// platform's archive under host.
func mirrorHashes(t *testing.T, mirror, host, version string, platforms []string) []string {
	t.Helper()
	var index struct {
		Archives map[string]struct {
			Hashes []string `json:"hashes"`
		} `json:"archives"`
	}
	b, err := os.ReadFile(filepath.Join(mirror, host, "terraform-etcd", "etcd", version+".json"))
	if err == nil {
		err = json.Unmarshal(b, &index)
	}
	if err != nil {
		t.Fatalf("mirror index %s.json: %v\n%s", version, err, b)
	}
	var out []string
	for _, p := range platforms {
		if len(index.Archives[p].Hashes) != 1 {
			t.Fatalf("mirror index %s.json has no hash for %s:\n%s", version, p, b)
		}
		out = append(out, index.Archives[p].Hashes[0])
	}
	if out[0] == out[1] {
		t.Fatalf("the two platforms' archives have the same hash %s", out[0])
	}
	return out
}

// checkLock fails the test unless dir's lock file holds every hash in want.
func checkLock(t *testing.T, dir string, want []string) {
	t.Helper()
	lock, err := os.ReadFile(filepath.Join(dir, ".terraform.lock.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range want {
		if !strings.Contains(string(lock), fmt.Sprintf("%q", h)) {
			t.Fatalf("the lock file does not hold %s:\n%s", h, lock)
		}
	}
}
