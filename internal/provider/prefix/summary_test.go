package prefix

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/protocol"
)

// summaries returns the summaries of the plan's large-change warnings.
func summaries(diags []*tfprotov6.Diagnostic) []string {
	var out []string
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityWarning && strings.Contains(d.Summary, " keys to add, ") {
			out = append(out, d.Summary)
		}
	}
	return out
}

// stateOf is a prior state holding keys.
func (f *fixture) stateOf(keys map[string]string, deleteOnDestroy *bool) resourceState {
	f.t.Helper()
	var diags protocol.Diagnostics
	dv := (&state{Prefix: f.prefix, Keys: keys, Exclusive: true, DeleteOnDestroy: deleteOnDestroy}).encode(&diags)
	expectNoErrors(f.t, diags)
	return resourceState{state: dv}
}

// A plan that touches more than summaryThreshold keys carries one warning
// with the counts; a smaller one, and one that changes nothing, carries
// none.
func TestPlan_largeChangeSummary(t *testing.T) {
	f := newFixture(t, 128)
	want := func(add, change, del, total int) []string {
		return []string{fmt.Sprintf("etcd_prefix %q: %d keys to add, %d to change, %d to delete (of %d)", f.prefix, add, change, del, total)}
	}
	before := manyKeys(400)
	after := map[string]string{}
	for i := range 400 {
		k := fmt.Sprintf("k%04d", i)
		switch {
		case i < 100: // changed
			after[k] = "new"
		case i < 250: // deleted
		default: // kept
			after[k] = before[k]
		}
	}
	for i := range 200 { // added
		after[fmt.Sprintf("new%04d", i)] = "v"
	}
	keysJSON := canonicalKeysJSON(manyKeys(summaryThreshold + 1))
	cases := []struct {
		name  string
		prior resourceState
		c     *config
		want  []string
	}{
		{"create", resourceState{}, &config{keys: manyKeys(summaryThreshold + 1)}, want(summaryThreshold+1, 0, 0, summaryThreshold+1)},
		{"create keys_json", resourceState{}, &config{keysJSON: keysJSON}, want(summaryThreshold+1, 0, 0, summaryThreshold+1)},
		{"create keys_base64", resourceState{}, &config{keysBase64: manyKeys(summaryThreshold + 1)}, want(summaryThreshold+1, 0, 0, summaryThreshold+1)},
		{"small create", resourceState{}, &config{keys: manyKeys(summaryThreshold)}, nil},
		{"update", f.stateOf(before, nil), &config{keys: after}, want(200, 100, 150, 600)},
		{"no change", f.stateOf(manyKeys(1000), nil), &config{keys: manyKeys(1000)}, nil},
		{"keys to keys_json, same content", f.stateOf(manyKeys(1000), nil), &config{keysJSON: canonicalKeysJSON(manyKeys(1000))}, nil},
		{"update keys_json", f.stateOf(before, nil), &config{keysJSON: canonicalKeysJSON(after)}, want(200, 100, 150, 600)},
		{"destroy", f.stateOf(before, nil), nil, want(0, 0, 400, 400)},
		{"destroy keeping the keys", f.stateOf(before, ptr(false)), nil, nil},
		{"write-only", resourceState{}, &config{keysWO: manyKeys(summaryThreshold + 1), woVersion: ptr(int64(1))}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := summaries(f.plan(c.prior, c.c).Diagnostics)
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Fatalf("warnings %q, want %q", got, c.want)
			}
		})
	}
}
