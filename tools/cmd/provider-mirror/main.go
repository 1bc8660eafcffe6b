// Command provider-mirror lays out goreleaser's provider archives (dist/ of
// `make release-snapshot` or a release) as a provider mirror, the layout
// `terraform providers mirror` writes:
//
//	OUT/HOST/terraform-etcd/etcd/terraform-provider-etcd_VERSION_OS_ARCH.zip
//	OUT/HOST/terraform-etcd/etcd/index.json     {"versions": {"VERSION": {}}}
//	OUT/HOST/terraform-etcd/etcd/VERSION.json   {"archives": {"OS_ARCH": {"url": ..., "hashes": ["h1:..."]}}}
//
// for HOST registry.terraform.io and registry.opentofu.org. A CLI
// configuration with `provider_installation { filesystem_mirror { path =
// "OUT" } }` then installs the provider from it (the zip files), and the
// same directory served over HTTPS is a network mirror (the JSON files).
// The h1: hashes are the ones `init` records in .terraform.lock.hcl.
//
// usage: provider-mirror [-dist dist] [-out dist/mirror] (`make mirror` builds
// it into .bin/ and runs it)
package main

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

const (
	namespace = "terraform-etcd"
	typeName  = "etcd"
)

var hosts = []string{"registry.terraform.io", "registry.opentofu.org"}

// archiveName matches goreleaser's archive name template in .goreleaser.yml.
var archiveName = regexp.MustCompile(`^terraform-provider-etcd_([0-9][^_]*)_([a-z0-9]+_[a-z0-9]+)\.zip$`)

func main() {
	dist := flag.String("dist", "dist", "directory holding goreleaser's zip archives")
	out := flag.String("out", filepath.Join("dist", "mirror"), "directory to write the mirror into")
	flag.Parse()
	n, err := layout(*dist, *out)
	if err != nil {
		log.Fatalf("provider-mirror: %v", err)
	}
	fmt.Printf("provider-mirror: %d archives in %s\n", n, *out)
}

type archive struct {
	URL    string   `json:"url"`
	Hashes []string `json:"hashes"`
}

// layout copies every provider archive in dist into out and writes the
// index files; it returns how many archives it found.
func layout(dist, out string) (int, error) {
	entries, err := os.ReadDir(dist)
	if err != nil {
		return 0, err
	}
	versions := map[string]map[string]archive{} // version → OS_ARCH → archive
	var files []string
	for _, e := range entries {
		m := archiveName.FindStringSubmatch(e.Name())
		if e.IsDir() || m == nil {
			continue
		}
		h1, err := hashZip(filepath.Join(dist, e.Name()))
		if err != nil {
			return 0, fmt.Errorf("%s: %w", e.Name(), err)
		}
		if versions[m[1]] == nil {
			versions[m[1]] = map[string]archive{}
		}
		versions[m[1]][m[2]] = archive{URL: e.Name(), Hashes: []string{h1}}
		files = append(files, e.Name())
	}
	if len(files) == 0 {
		return 0, fmt.Errorf("no terraform-provider-etcd_VERSION_OS_ARCH.zip in %s (run make release-snapshot)", dist)
	}
	for _, host := range hosts {
		dir := filepath.Join(out, host, namespace, typeName)
		if err := os.MkdirAll(dir, 0o755); err != nil { //nolint:gosec // a mirror is read by every user of the machine
			return 0, err
		}
		for _, f := range files {
			if err := copyFile(filepath.Join(dist, f), filepath.Join(dir, f)); err != nil {
				return 0, err
			}
		}
		index := map[string]map[string]struct{}{"versions": {}}
		for v, archives := range versions {
			index["versions"][v] = struct{}{}
			if err := writeJSON(filepath.Join(dir, v+".json"), map[string]any{"archives": archives}); err != nil {
				return 0, err
			}
		}
		if err := writeJSON(filepath.Join(dir, "index.json"), index); err != nil {
			return 0, err
		}
	}
	return len(files), nil
}

// hashZip is the "h1:" hash Terraform and OpenTofu record in lock files:
// golang.org/x/mod/sumdb/dirhash's Hash1 over the files in the archive.
func hashZip(path string) (string, error) {
	z, err := zip.OpenReader(path)
	if err != nil {
		return "", err
	}
	defer func() { _ = z.Close() }()
	var lines []string
	for _, f := range z.File {
		if strings.HasSuffix(f.Name, "/") {
			continue
		}
		if strings.Contains(f.Name, "\n") {
			return "", errors.New("file name with a newline")
		}
		r, err := f.Open()
		if err != nil {
			return "", err
		}
		h := sha256.New()
		_, err = io.Copy(h, r) //nolint:gosec // our own release archives, not untrusted input
		_ = r.Close()
		if err != nil {
			return "", err
		}
		lines = append(lines, fmt.Sprintf("%x  %s\n", h.Sum(nil), f.Name))
	}
	slices.SortFunc(lines, func(a, b string) int { return strings.Compare(a[66:], b[66:]) })
	summary := sha256.Sum256([]byte(strings.Join(lines, "")))
	return "h1:" + base64.StdEncoding.EncodeToString(summary[:]), nil
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o644) //nolint:gosec // a mirror is read by every user of the machine
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644) //nolint:gosec // a mirror is read by every user of the machine
}
