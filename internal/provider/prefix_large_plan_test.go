package provider

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// A plan that changes more than a few hundred keys of an etcd_prefix says
// how many in one warning, through the CLI; and the documented recipe for
// reviewing such a plan (show -json with examples/resources/etcd_prefix/
// plan-summary.jq) prints the same counts, then the key names.
func TestAccPrefix_largePlanSummary(t *testing.T) {
	jq, err := exec.LookPath("jq")
	if err != nil {
		t.Skip("no jq on PATH: the documented recipe needs it")
	}
	e := sharedEtcd(t)
	config := func(n int) string {
		return e.config(`
resource "etcd_prefix" "big" {
  prefix    = %q
  keys_json = jsonencode({ for i in range(%d) : format("k%%04d", i) => "v${i}" })
}
`, e.prefix, n)
	}
	w := newWorkdir(t, config(301))
	out := w.mustRun("plan", "-out=tfplan", "-input=false", "-no-color")
	if !authErrorRegexp(`Warning: etcd_prefix "` + e.prefix + `": 301 keys to add, 0 to change, 0 to delete (of 301)`).MatchString(out) {
		t.Fatalf("the plan of 301 new keys carries no summary:\n%s", out)
	}
	// What the keys_wo section of the etcd_prefix page says: a CLI that
	// knows write-only attributes prints keys_wo in a create plan though it
	// is not set.
	if ok, _ := currentCLI().has(featureWriteOnly); ok && !regexp.MustCompile(`keys_wo\s+= \((sensitive, )?write-only attribute\)`).MatchString(out) {
		t.Fatalf("the create plan does not show keys_wo as a write-only attribute:\n%s", out)
	}
	show := w.mustRun("show", "-json", "tfplan")
	cmd := exec.Command(jq, "-r", "-f", filepath.Join(examplesDir(), "resources", "etcd_prefix", "plan-summary.jq"))
	cmd.Stdin = strings.NewReader(show)
	summary, err := cmd.Output()
	if err != nil {
		t.Fatalf("jq: %v\n%s", err, summary)
	}
	lines := strings.Split(strings.TrimSpace(string(summary)), "\n")
	if lines[0] != "etcd_prefix.big (create): 301 keys to add, 0 to change, 0 to delete (of 301)" || len(lines) != 302 || lines[1] != "  + k0000" {
		t.Fatalf("plan-summary.jq printed:\n%s", summary)
	}
	if out, err := w.apply(); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}

	// 100 fewer keys: a change of 100 keys is below the threshold.
	w.write("main.tf", config(201))
	if out := w.mustRun("plan", "-input=false", "-no-color"); strings.Contains(out, "keys to add") {
		t.Fatalf("a plan that deletes 100 keys carries a summary:\n%s", out)
	}
	out = w.mustRun("plan", "-destroy", "-input=false", "-no-color")
	if !authErrorRegexp(`0 keys to add, 0 to change, 301 to delete (of 301)`).MatchString(out) {
		t.Fatalf("the destroy plan of 301 keys carries no summary:\n%s", out)
	}
	w.mustRun("destroy", "-auto-approve", "-input=false", "-no-color")
}
