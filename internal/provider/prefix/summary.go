package prefix

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/protocol"
)

// summaryThreshold is how many keys a change must touch (added, changed
// and deleted together) before its plan carries a one-line summary: a plan
// that lists more keys than a reviewer reads on one screen.
const summaryThreshold = 300

// changeSummary is the warning that gives the size of a large change, so
// that a reviewer sees it without scrolling through every key of the plan;
// nil for a change of summaryThreshold keys or fewer, and when the keys
// are not all known yet or are write-only (keys_wo: no values to compare).
// prior and planned are the objects' attributes, nil when there is none
// (create, destroy).
func changeSummary(prior, planned map[string]tftypes.Value) *tfprotov6.Diagnostic {
	if planned == nil && prior != nil && keepsKeysOnDestroy(prior) {
		return nil // destroy deletes nothing
	}
	if prior != nil && planned != nil && sameKeys(prior, planned) {
		return nil // the common case, checked without building maps
	}
	before, ok := plannedKeys(prior)
	if !ok {
		return nil
	}
	after, ok := plannedKeys(planned)
	if !ok {
		return nil
	}
	var add, change, del int
	for k, v := range after {
		if old, found := before[k]; !found {
			add++
		} else if old != v {
			change++
		}
	}
	for k := range before {
		if _, found := after[k]; !found {
			del++
		}
	}
	if add+change+del <= summaryThreshold {
		return nil
	}
	prefix := prefixOf(prior, planned)
	return &tfprotov6.Diagnostic{
		Severity: tfprotov6.DiagnosticSeverityWarning,
		Summary:  fmt.Sprintf("etcd_prefix %q: %d keys to add, %d to change, %d to delete (of %d)", prefix, add, change, del, len(before)+add),
		Detail: "This plan lists every one of these keys. To review a change of this size, save the plan with -out and summarize it with show -json and jq " +
			"(the etcd_prefix documentation, \"Reviewing large changes\", has the commands).",
	}
}

// plannedKeys returns the keys an etcd_prefix object declares, relative
// key to value (base64 text for keys_base64), and whether they are known:
// false for keys_wo and for values not known yet. A null object declares
// none.
func plannedKeys(attrs map[string]tftypes.Value) (map[string]string, bool) {
	if attrs == nil {
		return map[string]string{}, true
	}
	if !attrs["keys_wo"].IsNull() {
		return nil, false
	}
	for _, name := range []string{"keys", "keys_base64"} {
		if v := attrs[name]; !v.IsNull() {
			if !v.IsFullyKnown() {
				return nil, false
			}
			m, err := stringMap(v)
			return m, err == nil
		}
	}
	if v := attrs["keys_json"]; !v.IsNull() {
		s, ok := knownString(v)
		if !ok {
			return nil, false
		}
		m, err := parseKeysJSON(s)
		return m, err == nil
	}
	return nil, false // none of them: keys_wo in a prior state
}

// sameKeys reports whether two objects declare the same keys in the same
// attribute.
func sameKeys(a, b map[string]tftypes.Value) bool {
	for _, name := range []string{"keys", "keys_json", "keys_base64", "keys_wo"} {
		if !a[name].Equal(b[name]) {
			return false
		}
	}
	return true
}

// keepsKeysOnDestroy reports whether the object says delete_on_destroy =
// false.
func keepsKeysOnDestroy(attrs map[string]tftypes.Value) bool {
	var deleteOnDestroy *bool
	if v := attrs["delete_on_destroy"]; v.IsKnown() && !v.IsNull() {
		var b bool
		if v.As(&b) == nil {
			deleteOnDestroy = &b
		}
	}
	return !protocol.DeletesOnDestroy(deleteOnDestroy)
}

// prefixOf is the prefix of the planned object, or of the prior one on
// destroy.
func prefixOf(prior, planned map[string]tftypes.Value) string {
	for _, attrs := range []map[string]tftypes.Value{planned, prior} {
		if attrs != nil {
			if s, ok := knownString(attrs["prefix"]); ok {
				return s
			}
		}
	}
	return ""
}
