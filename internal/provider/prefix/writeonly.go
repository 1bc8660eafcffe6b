package prefix

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/fingerprint"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/protocol"
)

// This file holds keys_wo: a map of secrets written to etcd and never
// recorded. What Terraform remembers of it, in private state, is the key
// names (not secret: the plan shows them, and a non-exclusive prefix needs
// them to know what to read) and one salted, slow fingerprint of the whole
// map, never a value or a plain hash.

// writeOnly is what Terraform remembers of the keys_wo it wrote.
type writeOnly struct {
	Fingerprint fingerprint.Fingerprint `json:"fingerprint"`
	Names       []string                `json:"names"`
	// Written is the etcd revision at which Terraform wrote the map: a key
	// with a newer mod revision was written by someone else since.
	Written int64 `json:"written"`
	// Drift: the last refresh found etcd holding something else; DriftKeys
	// names the keys that differ (relative), when they can be told.
	Drift     bool     `json:"drift,omitempty"`
	DriftKeys []string `json:"drift_keys,omitempty"`
}

// newWriteOnly remembers keys as written at revision written.
func newWriteOnly(keys map[string]string, written int64) *writeOnly {
	return &writeOnly{Fingerprint: fingerprint.Of(canonicalKeys(keys)), Names: sortedNames(keys), Written: written}
}

// canonicalKeys encodes a map injectively, in key order: each key and value
// with its length before it, so any bytes (even invalid UTF-8 in etcd) count.
func canonicalKeys(keys map[string]string) []byte {
	var b []byte
	for _, rel := range sortedNames(keys) {
		b = binary.AppendUvarint(b, uint64(len(rel)))
		b = append(b, rel...)
		b = binary.AppendUvarint(b, uint64(len(keys[rel])))
		b = append(b, keys[rel]...)
	}
	return b
}

func sortedNames(keys map[string]string) []string {
	names := make([]string, 0, len(keys))
	for rel := range keys {
		names = append(names, rel)
	}
	slices.Sort(names)
	return names
}

// namesOnly returns the names as a map with empty values: enough for
// readKeys to know which keys a non-exclusive prefix reads, and for a
// destroy to know which keys to delete.
func namesOnly(names []string) map[string]string {
	m := make(map[string]string, len(names))
	for _, rel := range names {
		m[rel] = ""
	}
	return m
}

// check compares what etcd holds (got, with each key's mod revision) with
// what Terraform wrote, and records whether it drifted and which keys.
// The fingerprint is slow on purpose, so the caller checks only when
// something under the resource was written since the last refresh.
func (w *writeOnly) check(got map[string]string, revs map[string]int64) {
	if w.Fingerprint.Matches(canonicalKeys(got)) {
		w.Drift, w.DriftKeys = false, nil
		return
	}
	w.Drift = true
	drifted := map[string]bool{}
	for _, rel := range w.Names {
		if _, ok := got[rel]; !ok {
			drifted[rel] = true // deleted
		}
	}
	declared := namesOnly(w.Names)
	for rel := range got {
		if _, ok := declared[rel]; !ok || revs[rel] > w.Written {
			drifted[rel] = true // added, or written since Terraform wrote it
		}
	}
	w.DriftKeys = make([]string, 0, len(drifted))
	for rel := range drifted {
		w.DriftKeys = append(w.DriftKeys, rel)
	}
	slices.Sort(w.DriftKeys)
}

// sameNames reports whether got holds exactly the keys names lists.
func sameNames(got map[string]string, names []string) bool {
	if len(got) != len(names) {
		return false
	}
	for _, rel := range names {
		if _, ok := got[rel]; !ok {
			return false
		}
	}
	return true
}

// driftedKeys names the drifted keys, quoted and in full, for a warning.
func (w *writeOnly) driftedKeys(prefix string) string {
	if len(w.DriftKeys) == 0 {
		return "some of its keys"
	}
	const shown = 10
	names := make([]string, 0, shown+1)
	for _, rel := range w.DriftKeys[:min(shown, len(w.DriftKeys))] {
		names = append(names, escapedKey(prefix+rel))
	}
	if len(w.DriftKeys) > shown {
		names = append(names, fmt.Sprintf("and %d more", len(w.DriftKeys)-shown))
	}
	return strings.Join(names, ", ")
}

// configKeysWO returns keys_wo from the configuration; ok is false when it
// is null. Write-only values arrive only in the configuration: the planned
// state holds null.
func configKeysWO(config *tfprotov6.DynamicValue) (keys map[string]string, ok bool, err error) {
	attrs, err := objectAttrs(config)
	if err != nil || attrs == nil || attrs["keys_wo"].IsNull() {
		return nil, false, err
	}
	keys, err = stringMap(attrs["keys_wo"])
	return keys, err == nil, err
}

// Diagnostics about keys_wo name no attribute: Terraform would show the
// configuration's source lines for it, which may hold a literal secret.

// planWriteOnly plans keys_wo: null in the planned state, and
// keys_wo_revision unknown when apply is to write the map (a create, a new
// keys_wo_version, new key names, a change of exclusive, drift, or a map
// Terraform has not written yet), else the prior revision. Warnings say why
// a write is planned that the configuration does not show, naming keys,
// never values.
func planWriteOnly(attrs, prior, config map[string]tftypes.Value, priv private, diags *protocol.Diagnostics) {
	wo := config != nil && !config["keys_wo"].IsNull()
	attrs["keys_wo"] = tftypes.NewValue(keysType, nil)
	unknown := tftypes.NewValue(tftypes.Number, tftypes.UnknownValue)
	switch {
	case !wo:
		attrs["keys_wo_revision"] = tftypes.NewValue(tftypes.Number, nil)
		return
	case prior == nil:
		attrs["keys_wo_revision"] = unknown
		return
	}
	prefix, _ := protocol.KnownString(prior["prefix"])
	rec := priv.WriteOnly
	switch {
	case rec == nil || prior["keys_wo_revision"].IsNull():
		diags.AddWarning("keys_wo will be written",
			fmt.Sprintf("Terraform has not written keys_wo under the prefix %q yet (it was imported, or set with keys, keys_json or keys_base64 before), so it cannot tell whether etcd holds it: apply writes it.", prefix))
	case rec.Drift:
		diags.AddWarning("Keys changed outside Terraform",
			fmt.Sprintf("Under the prefix %q, etcd no longer holds the keys_wo Terraform wrote: %s changed outside Terraform. Apply writes keys_wo back.", prefix, rec.driftedKeys(prefix)))
	case !prior["keys_wo_version"].Equal(attrs["keys_wo_version"]),
		!prior["exclusive"].Equal(attrs["exclusive"]),
		!configNames(config["keys_wo"], rec.Names):
	default:
		attrs["keys_wo_revision"] = prior["keys_wo_revision"]
		return
	}
	attrs["keys_wo_revision"] = unknown
}

// configNames reports whether the configured keys_wo is known and declares
// exactly names.
func configNames(v tftypes.Value, names []string) bool {
	if !v.IsKnown() {
		return false
	}
	keys, err := stringMap(v)
	return err == nil && sameNames(keys, names)
}
