package prefix

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/protocol"
)

func validate(config *tfprotov6.DynamicValue) protocol.Diagnostics {
	var diags protocol.Diagnostics
	attrs, err := objectAttrs(config)
	if err != nil {
		diags.AddError("Invalid etcd_prefix configuration", err.Error())
		return diags
	}
	prefix, prefixKnown := protocol.KnownString(attrs["prefix"])
	if prefixKnown {
		switch {
		case prefix == "":
			diags.AddAttrError(prefixPath, "Empty prefix", "prefix must not be empty: an empty prefix would cover every key in etcd.")
		case !strings.HasSuffix(prefix, "/"):
			diags.AddAttrWarning(prefixPath, "Prefix does not end with /",
				fmt.Sprintf("The prefix %q also matches keys of sibling names, such as %q. End it with \"/\" unless that is what you want.", prefix, prefix+"x"))
		}
	}
	keys, jsonText, b64, wo := attrs["keys"], attrs["keys_json"], attrs["keys_base64"], attrs["keys_wo"]
	var set []string
	for _, a := range []struct {
		name string
		v    tftypes.Value
	}{{"keys", keys}, {"keys_json", jsonText}, {"keys_base64", b64}, {"keys_wo", wo}} {
		if !a.v.IsNull() {
			set = append(set, a.name)
		}
	}
	const oneOf = "set exactly one of keys (text values), keys_json (text values as one JSON object), keys_base64 (any bytes, in base64) and keys_wo (secrets kept out of the state)."
	switch {
	case len(set) > 1:
		at := tftypes.NewAttributePath().WithAttributeName(set[1])
		if set[1] == "keys_wo" {
			at = nil // its source lines may hold a literal secret
		}
		diags.AddAttrError(at, "Conflicting attributes",
			fmt.Sprintf("%s are set: %s", strings.Join(set, " and "), oneOf))
	case len(set) == 0:
		diags.AddAttrError(keysPath, "Missing keys", "Set keys (a map), keys_json (a JSON object), keys_base64 (a map of base64 values) or keys_wo (a map of secrets kept out of the state). To declare an empty prefix, use keys = {}.")
	}
	if !attrs["keys_wo_version"].IsNull() && wo.IsNull() {
		diags.AddAttrError(woVersionPath, "keys_wo_version without keys_wo",
			"keys_wo_version is set but keys_wo is not: keys_wo_version only says when to write keys_wo again. Set keys_wo, or remove keys_wo_version.")
	}
	if wo.IsKnown() && !wo.IsNull() {
		if m, err := stringMap(wo); err == nil {
			checkSizes(&diags, prefix, m, nil) // no source lines: they may hold a literal secret
		}
	}
	if s, ok := protocol.KnownString(jsonText); ok && !fitsKeysJSON(prefix, s) {
		if m, err := parseKeysJSON(s); err != nil {
			diags.AddAttrError(keysJSONPath, "Invalid keys_json", err.Error())
		} else {
			checkSizes(&diags, prefix, m, keysJSONPath)
		}
	}
	if keys.IsKnown() && !keys.IsNull() {
		if m, err := stringMap(keys); err == nil {
			checkSizes(&diags, prefix, m, keysPath)
		}
	}
	if b64.IsKnown() && !b64.IsNull() {
		if enc, err := stringMap(b64); err == nil {
			known := map[string]string{}
			for rel, v := range enc {
				if v != "" || elementKnown(b64, rel) {
					known[rel] = v
				}
			}
			if m, err := decodeBase64Keys(known); err != nil {
				diags.AddAttrError(base64Path, "Invalid keys_base64", err.Error())
			} else {
				checkSizes(&diags, prefix, m, base64Path)
			}
		}
	}
	validateExclude(&diags, attrs)
	return diags
}

// validateExclude checks exclude against itself, exclusive and the declared
// keys, as far as they are known.
func validateExclude(diags *protocol.Diagnostics, attrs map[string]tftypes.Value) {
	v := attrs["exclude"]
	if v.IsNull() {
		return
	}
	if exclusive := attrs["exclusive"]; exclusive.IsKnown() && !exclusive.IsNull() {
		var on bool
		if err := exclusive.As(&on); err == nil && !on {
			diags.AddAttrError(excludePath, "exclude needs an exclusive prefix",
				"exclude lists keys an exclusive prefix leaves to other resources; with exclusive = false the prefix already leaves alone every key it does not declare. Remove exclude, or set exclusive = true.")
		}
	}
	if !v.IsFullyKnown() {
		return
	}
	x, err := excludeOf(v)
	if err != nil {
		diags.AddAttrError(excludePath, "Invalid exclude", err.Error())
		return
	}
	for _, msg := range excludeErrors(x, declaredNames(attrs)) {
		diags.AddAttrError(excludePath, "Invalid exclude", msg)
	}
}

// declaredNames returns the relative keys the configuration declares, as
// far as they are known (keys_json only when it parses).
func declaredNames(attrs map[string]tftypes.Value) map[string]string {
	out := map[string]string{}
	for _, name := range []string{"keys", "keys_base64", "keys_wo"} {
		if v := attrs[name]; v.IsKnown() && !v.IsNull() {
			var elems map[string]tftypes.Value
			if v.As(&elems) == nil {
				for rel := range elems {
					out[rel] = ""
				}
			}
		}
	}
	if s, ok := protocol.KnownString(attrs["keys_json"]); ok {
		if m, err := parseKeysJSON(s); err == nil {
			maps.Copy(out, m)
		}
	}
	return out
}

func checkSizes(d *protocol.Diagnostics, prefix string, keys map[string]string, at *tftypes.AttributePath) {
	for rel, v := range keys {
		if !surelyFits(prefix, rel, v) {
			if err := etcdclient.CheckPutSize(prefix+rel, len(v)); err != nil {
				d.AddAttrError(at, "Value too large", err.Error()+".")
			}
		}
	}
}

// surelyFits reports whether a put of prefix+rel with value v is so far
// below etcd's request limit that CheckPutSize need not be asked (nor the
// key built).
func surelyFits(prefix, rel, v string) bool {
	return len(prefix)+len(rel)+len(v) <= etcdclient.MaxRequestBytes/2
}

// fitsKeysJSON reports whether s is a keys_json parseKeysJSON accepts, with
// every key surely fitting (then validate has nothing to say), without
// building the map; false sends validate to parseKeysJSON and checkSizes.
func fitsKeysJSON(prefix, s string) bool {
	fits := true
	return eachKeysJSON(s, func(rel, v string) { fits = fits && surelyFits(prefix, rel, v) }) && fits
}

// read refreshes the state from what etcd holds now, and always reads the
// keys: every key under an exclusive prefix, the listed keys of another.
//
// An earlier version skipped the read of an exclusive prefix when etcd's
// revision, the key count and the keys' mod revisions said nothing had
// changed since the state was exact. That trusts revisions to name one
// history, and etcd's real histories break it:
//   - a restore from a snapshot (etcd's disaster recovery) brings back
//     older values under the same cluster ID; without --bump-revision (the
//     only way on etcd 3.4) the revision goes back and later writes reuse
//     the numbers of the lost ones; with it, the revision jumps past the
//     recorded one while the restored keys keep their old mod revisions;
//   - the cluster ID derives from member names, peer URLs and the cluster
//     token, so every etcd started with the defaults shares it: a provider
//     pointed at another environment that holds the same key names at the
//     same revisions but other values would see no change.
//
// Every metadata check (revision, raft term and index, count, newest mod
// revision) has a history that reproduces it with other values, and etcd
// has no server-side digest of a range (HashKV covers the whole keyspace
// and every revision). Only the values prove the values, so the refresh
// reads them: a no-op plan costs one paged range read of the prefix (for
// 100,000 keys, see BENCHMARKS.md). The randomized test in
// refresh_test.go compares this refresh with a full read across puts,
// deletes, leases, compaction, defragmentation and restores; any future
// shortcut must keep it passing.
func (s *server) read(ctx context.Context, req *tfprotov6.ReadResourceRequest) *tfprotov6.ReadResourceResponse {
	var diags protocol.Diagnostics
	resp := &tfprotov6.ReadResourceResponse{NewState: req.CurrentState}
	defer func() { resp.Diagnostics = diags }()
	st, err := decodeStateLazy(req.CurrentState)
	if err != nil {
		diags.AddError("Cannot read etcd_prefix state", err.Error())
		return resp
	}
	conn, ok := s.connect.Connect(&diags)
	if !ok {
		return resp
	}
	priv := decodePrivate(req.Private)
	resp.NewIdentity = identity.Encode(st.Prefix, &diags)
	if err := st.loadKeys(); err != nil {
		diags.AddError("Cannot read etcd_prefix state", err.Error())
		return resp
	}
	h := newHider(st, priv)
	if st.Encoded && st.Exclusive && !st.WriteOnly {
		same, rev, err := holdsExactly(ctx, conn, st, h)
		if err != nil {
			diags.AddError("Cannot read etcd_prefix", err.Error())
			return resp
		}
		if same { // the state stands as it is
			priv.ModRevision = rev
			resp.Private = priv.encode()
			return resp
		}
	}
	var revs map[string]int64
	if (st.WriteOnly && priv.WriteOnly != nil) || h != nil {
		revs = map[string]int64{}
	}
	if st.WriteOnly && priv.WriteOnly != nil {
		st.Keys = namesOnly(priv.WriteOnly.Names)
	}
	got, rev, err := readKeysRevs(ctx, conn, st, revs)
	if err == nil {
		priv.Undeclared = h.hide(got, revs)
	}
	if err == nil && st.textAttr() != "" {
		err = binaryValuesError(st.Prefix, got, st.textAttr())
	}
	if err != nil {
		diags.AddError("Cannot read etcd_prefix", err.Error())
		return resp
	}
	if wo := priv.WriteOnly; wo != nil && st.WriteOnly {
		// Compare with the fingerprint of what Terraform wrote, on every
		// refresh: unchanged revisions do not prove unchanged values (see
		// above).
		wo.check(got, revs)
	}
	now := st.withKeys(got)
	if !st.Encoded || st.WriteOnly || !maps.Equal(st.Keys, got) {
		resp.NewState = now.encode(&diags)
	} // else etcd holds the state exactly: no need to encode it again
	priv.ModRevision = rev
	resp.Private = priv.encode()
	return resp
}

// errDiffers stops holdsExactly's read at the first difference.
var errDiffers = errors.New("etcd differs from the state")

// holdsExactly reads every key under st's prefix and reports whether etcd
// holds exactly st.Keys, and the newest mod revision among them. It builds
// no map and stops at the first difference: a no-op refresh of a large
// prefix costs one lookup per key.
func holdsExactly(ctx context.Context, conn protocol.Conn, st *state, h *hider) (bool, int64, error) {
	var n int
	var maxRev int64
	err := forEachKey(ctx, conn, st, func(kv etcdclient.KeyValue) error {
		rel := strings.TrimPrefix(kv.Key, st.Prefix)
		want, ok := st.Keys[rel]
		if !ok || (h.hides(rel) && want != hiddenValue(kv)) || (!h.hides(rel) && want != string(kv.Value)) {
			return errDiffers
		}
		n++
		maxRev = max(maxRev, kv.ModRevision)
		return nil
	})
	if errors.Is(err, errDiffers) {
		return false, 0, nil
	}
	return err == nil && n == len(st.Keys), maxRev, err
}

// readKeys returns what etcd holds of the resource: every key under the
// prefix when exclusive, else the keys the state lists, with the highest
// mod revision among them.
func readKeys(ctx context.Context, conn protocol.Conn, st *state) (map[string]string, int64, error) {
	return readKeysRevs(ctx, conn, st, nil)
}

// readKeysRevs is readKeys that also records each key's mod revision in
// revs, unless revs is nil.
func readKeysRevs(ctx context.Context, conn protocol.Conn, st *state, revs map[string]int64) (map[string]string, int64, error) {
	got := map[string]string{}
	var maxRev int64
	add := func(kv etcdclient.KeyValue) error {
		rel := strings.TrimPrefix(kv.Key, st.Prefix)
		if !utf8.ValidString(rel) {
			return badKeyName(kv.Key)
		}
		got[rel] = string(kv.Value)
		maxRev = max(maxRev, kv.ModRevision)
		if revs != nil {
			revs[rel] = kv.ModRevision
		}
		return nil
	}
	if st.Exclusive {
		return got, maxRev, forEachKey(ctx, conn, st, add)
	}
	names := make([]string, 0, len(st.Keys))
	for rel := range st.Keys {
		names = append(names, st.Prefix+rel)
	}
	kvs, err := conn.Client.GetMany(ctx, names, conn.MaxTxnOps)
	if err != nil {
		return nil, 0, err
	}
	for _, kv := range kvs {
		if err := add(kv); err != nil {
			return nil, 0, err
		}
	}
	return got, maxRev, nil
}

func plan(req *tfprotov6.PlanResourceChangeRequest) *tfprotov6.PlanResourceChangeResponse {
	var diags protocol.Diagnostics
	resp := &tfprotov6.PlanResourceChangeResponse{PlannedPrivate: req.PriorPrivate}
	defer func() { resp.Diagnostics = diags }()
	attrs, err := objectAttrs(req.ProposedNewState)
	if err != nil {
		diags.AddError("Cannot plan etcd_prefix", err.Error())
		return resp
	}
	if attrs == nil { // destroy
		resp.PlannedState = req.ProposedNewState
		if prior, _ := objectAttrs(req.PriorState); prior != nil {
			if d := changeSummary(prior, nil, parseKeysJSON); d != nil {
				diags = append(diags, d)
			}
		}
		return resp
	}
	prior, _ := objectAttrs(req.PriorState)
	parse := memoParse()
	attrs["id"] = attrs["prefix"]
	if prior == nil {
		// Unknown until the keys are written, so that what refers to it (an
		// ephemeral read of the prefix, say) waits for the create.
		attrs["id"] = tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	}
	if attrs["exclusive"].IsNull() {
		attrs["exclusive"] = tftypes.NewValue(tftypes.Bool, true)
	}
	config, _ := objectAttrs(req.Config)
	planWriteOnly(attrs, prior, config, decodePrivate(req.PriorPrivate), &diags)
	if prior != nil {
		if !prior["prefix"].Equal(attrs["prefix"]) {
			resp.RequiresReplace = append(resp.RequiresReplace, prefixPath)
		}
		if keepPriorJSON(prior["keys_json"], attrs["keys_json"], parse) {
			attrs["keys_json"] = prior["keys_json"]
		}
	}
	planWarnings(&diags, req.PriorState, decodePrivate(req.PriorPrivate), attrs)
	planned, err := tfprotov6.NewDynamicValue(objectType, tftypes.NewValue(objectType, attrs))
	if err != nil {
		diags.AddError("Cannot plan etcd_prefix", err.Error())
	}
	if d := changeSummary(prior, attrs, parse); d != nil {
		diags = append(diags, d)
	}
	resp.PlannedIdentity = req.PriorIdentity
	if prefix, ok := protocol.KnownString(attrs["prefix"]); ok {
		resp.PlannedIdentity = identity.Encode(prefix, &diags)
	}
	resp.PlannedState = &planned
	return resp
}

// keepPriorJSON reports whether the configured keys_json holds the same keys
// and values as the prior state's, so the plan keeps the prior text.
func keepPriorJSON(prior, config tftypes.Value, parse keysJSONParser) bool {
	p, pok := protocol.KnownString(prior)
	c, cok := protocol.KnownString(config)
	return pok && cok && sameKeysJSON(p, c, parse)
}

func (s *server) importState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) *tfprotov6.ImportResourceStateResponse {
	var diags protocol.Diagnostics
	resp := &tfprotov6.ImportResourceStateResponse{}
	defer func() { resp.Diagnostics = diags }()
	prefix := req.ID
	if req.Identity != nil && req.Identity.IdentityData != nil {
		prefix = identity.Decode(req.Identity, &diags)
	}
	if prefix == "" && !diags.HasError() {
		diags.AddError("Invalid import ID", "Import an etcd_prefix by its prefix, for example:\n  terraform import etcd_prefix.app /app/config/")
	}
	if diags.HasError() {
		return resp
	}
	conn, ok := s.connect.Connect(&diags)
	if !ok {
		return resp
	}
	st := &state{Prefix: prefix, Exclusive: true}
	got, rev, err := readKeys(ctx, conn, st)
	if err != nil {
		diags.AddError("Cannot import etcd_prefix", err.Error())
		return resp
	}
	// Text when every value is text; keys_base64 as soon as one is not.
	st.Base64 = binaryValuesError(prefix, got, "keys") != nil
	st = st.withKeys(got)
	resp.ImportedResources = []*tfprotov6.ImportedResource{{
		TypeName: TypeName,
		State:    st.encode(&diags),
		Private:  private{ModRevision: rev}.encode(),
		Identity: identity.Encode(prefix, &diags),
	}}
	return resp
}
