package prefix

import (
	"fmt"
	"iter"

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
// (create, destroy). parse reads keys_json.
func changeSummary(prior, planned map[string]tftypes.Value, parse keysJSONParser) *tfprotov6.Diagnostic {
	if planned == nil && prior != nil && keepsKeysOnDestroy(prior) {
		return nil // destroy deletes nothing
	}
	if prior != nil && planned != nil && sameJSONText(prior, planned) {
		return nil // the usual plan of a large keys_json: nothing to parse
	}
	before, ok := declaredKeys(prior, parse)
	if !ok {
		return nil
	}
	after, ok := declaredKeys(planned, parse)
	if !ok {
		return nil
	}
	var add, change, del int
	for k, v := range after.all() {
		if old, found := before.value(k); !found {
			add++
		} else if old != v {
			change++
		}
	}
	for k := range before.all() {
		if !after.has(k) {
			del++
		}
	}
	if add+change+del <= summaryThreshold {
		return nil
	}
	return &tfprotov6.Diagnostic{
		Severity: tfprotov6.DiagnosticSeverityWarning,
		Summary: fmt.Sprintf("etcd_prefix %q: %d keys to add, %d to change, %d to delete (of %d)",
			prefixOf(prior, planned), add, change, del, before.size()+add),
		Detail: "This plan lists every one of these keys. To review a change of this size, save the plan with -out and summarize it with show -json and jq " +
			"(the etcd_prefix documentation, \"Reviewing large changes\", has the commands).",
	}
}

// declared is the keys an etcd_prefix object declares, relative key to
// value: keys or keys_base64 as Terraform's values (their strings are read
// only where compared: a map of 100,000 strings costs more to build than
// the whole count), or keys_json parsed.
type declared struct {
	elems map[string]tftypes.Value
	json  map[string]string
}

func (d declared) size() int { return len(d.elems) + len(d.json) }

func (d declared) has(k string) bool {
	if d.json != nil {
		_, ok := d.json[k]
		return ok
	}
	_, ok := d.elems[k]
	return ok
}

func (d declared) value(k string) (string, bool) {
	if d.json != nil {
		v, ok := d.json[k]
		return v, ok
	}
	e, ok := d.elems[k]
	if !ok {
		return "", false
	}
	s, _ := protocol.KnownString(e)
	return s, true
}

func (d declared) all() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for k, v := range d.json {
			if !yield(k, v) {
				return
			}
		}
		for k, e := range d.elems {
			s, _ := protocol.KnownString(e)
			if !yield(k, s) {
				return
			}
		}
	}
}

// declaredKeys returns the keys an etcd_prefix object declares, and
// whether they are known: false for keys_wo and for values not known yet.
// A null object declares none.
func declaredKeys(attrs map[string]tftypes.Value, parse keysJSONParser) (declared, bool) {
	if attrs == nil {
		return declared{}, true
	}
	if !attrs["keys_wo"].IsNull() {
		return declared{}, false
	}
	for _, name := range []string{"keys", "keys_base64"} {
		if v := attrs[name]; !v.IsNull() {
			var d declared
			if !v.IsFullyKnown() || v.As(&d.elems) != nil {
				return declared{}, false
			}
			return d, true
		}
	}
	if v := attrs["keys_json"]; !v.IsNull() {
		s, ok := protocol.KnownString(v)
		if !ok {
			return declared{}, false
		}
		m, err := parse(s)
		return declared{json: m}, err == nil
	}
	return declared{}, false // none of them: keys_wo in a prior state
}

// sameJSONText reports whether two objects hold the same keys_json text
// (then they declare the same keys).
func sameJSONText(a, b map[string]tftypes.Value) bool {
	ja, aok := protocol.KnownString(a["keys_json"])
	jb, bok := protocol.KnownString(b["keys_json"])
	return aok && bok && !a["keys_json"].IsNull() && ja == jb
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
			if s, ok := protocol.KnownString(attrs["prefix"]); ok {
				return s
			}
		}
	}
	return ""
}
