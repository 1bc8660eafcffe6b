package prefix

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/protocol"
)

// A key under an exclusive prefix that no configuration declares may hold
// anything, a secret another resource wrote with value_wo included, so the
// refresh never puts its value in the state (nor, through it, in a plan):
// the state holds hiddenValue instead, which names its size and the
// revision it was written at. That shows every change (any write moves the
// mod revision) without saying anything about the value; a digest would
// let a low-entropy secret be guessed offline. The key still shows as drift
// by name, and apply still deletes it unless exclude covers it. Declared
// keys keep their values. The names of hidden keys are kept in private
// state, so a key stays hidden until a configuration declares it and an
// apply writes it.
func hiddenValue(kv etcdclient.KeyValue) string {
	return fmt.Sprintf("(not shown: %d bytes, written at revision %d)", len(kv.Value), kv.ModRevision)
}

// hider says which keys a refresh of st hides; nil hides none (a
// non-exclusive prefix reads only declared keys; keys_wo shows no value).
type hider struct {
	declared map[string]string
	hidden   map[string]bool
}

func newHider(st *state, priv private) *hider {
	if !st.Exclusive || st.WriteOnly {
		return nil
	}
	h := &hider{declared: st.Keys, hidden: make(map[string]bool, len(priv.Undeclared))}
	for _, rel := range priv.Undeclared {
		h.hidden[rel] = true
	}
	return h
}

// hides reports whether the value of the key rel is not to be shown.
func (h *hider) hides(rel string) bool {
	if h == nil {
		return false
	}
	_, declared := h.declared[rel]
	return !declared || h.hidden[rel]
}

// hide replaces the values of hidden keys in got (revs holds their mod
// revisions) and returns their names, sorted.
func (h *hider) hide(got map[string]string, revs map[string]int64) []string {
	var names []string
	for rel, v := range got {
		if h.hides(rel) {
			got[rel] = hiddenValue(etcdclient.KeyValue{Value: []byte(v), ModRevision: revs[rel]})
			names = append(names, rel)
		}
	}
	slices.Sort(names)
	return names
}

// stillUndeclared is what a failed apply to planned keeps of the hidden
// names: those the new state does not declare (keys it did not delete yet).
func stillUndeclared(names []string, planned *state) []string {
	if planned == nil {
		return nil
	}
	var out []string
	for _, rel := range names {
		if _, declared := planned.Keys[rel]; !declared {
			out = append(out, rel)
		}
	}
	return out
}

// forEachKey calls fn for every key the resource manages under an exclusive
// prefix: the prefix's range without what exclude lists, read at one
// revision.
func forEachKey(ctx context.Context, conn protocol.Conn, st *state, fn func(etcdclient.KeyValue) error) error {
	var rev int64
	for _, r := range st.Exclude.ranges(st.Prefix) {
		r.Revision = rev
		at, err := conn.Client.ForEach(ctx, r, fn)
		if err != nil {
			return err
		}
		rev = at
	}
	return nil
}

// planWarnings tells the reviewer of a plan what it does to keys no
// configuration declares: hidden keys it deletes (another resource may be
// managing them: exclude is the way to leave them alone), and keys that
// leave the state because exclude now lists them (they stay in etcd).
func planWarnings(diags *protocol.Diagnostics, prior *tfprotov6.DynamicValue, priorPriv private, planned map[string]tftypes.Value) {
	x, err := excludeOf(planned["exclude"])
	if err != nil || (len(priorPriv.Undeclared) == 0 && len(x) == 0) {
		return
	}
	st, err := decodeState(prior)
	if err != nil || st == nil || !planned["keys_json"].IsFullyKnown() || !planned["keys"].IsFullyKnown() {
		return
	}
	declared := declaredNames(planned)
	var deleted, left []string
	for rel := range st.Keys {
		_, isDeclared := declared[rel]
		switch {
		case x.covers(rel):
			left = append(left, rel)
		case !isDeclared && slices.Contains(priorPriv.Undeclared, rel):
			deleted = append(deleted, rel)
		}
	}
	if len(deleted) > 0 {
		diags.AddWarning("Undeclared keys under "+st.Prefix+" will be deleted",
			fmt.Sprintf("etcd holds %s under the exclusive prefix %q, which this etcd_prefix does not declare; the apply deletes them. "+
				"Their values are not shown. If another resource (an etcd_key, another etcd_prefix) manages them, list them, or a sub-prefix ending in /, in exclude; "+
				"to keep them, declare them, or set exclusive = false.", namesList(deleted), st.Prefix))
	}
	if len(left) > 0 {
		diags.AddWarning("Keys leave the state of "+st.Prefix,
			fmt.Sprintf("exclude now lists %s: they leave this resource's state and stay in etcd as they are (the plan shows them removed from the keys, but nothing deletes them).", namesList(left)))
	}
}

// namesList quotes up to five names, sorted, and says how many more.
func namesList(names []string) string {
	slices.Sort(names)
	const shown = 5
	quoted := make([]string, 0, shown+1)
	for _, n := range names[:min(shown, len(names))] {
		quoted = append(quoted, fmt.Sprintf("%q", n))
	}
	if len(names) > shown {
		quoted = append(quoted, fmt.Sprintf("and %d more", len(names)-shown))
	}
	return strings.Join(quoted, ", ")
}
