package prefix

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

func validate(config *tfprotov6.DynamicValue) diagnostics {
	var diags diagnostics
	attrs, err := objectAttrs(config)
	if err != nil {
		diags.addError("Invalid etcd_prefix configuration", err.Error())
		return diags
	}
	prefix, prefixKnown := knownString(attrs["prefix"])
	if prefixKnown {
		switch {
		case prefix == "":
			diags.addAttrError(prefixPath, "Empty prefix", "prefix must not be empty: an empty prefix would cover every key in etcd.")
		case !strings.HasSuffix(prefix, "/"):
			diags.addAttrWarning(prefixPath, "Prefix does not end with /",
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
		diags.addAttrError(at, "Conflicting attributes",
			fmt.Sprintf("%s are set: %s", strings.Join(set, " and "), oneOf))
	case len(set) == 0:
		diags.addAttrError(keysPath, "Missing keys", "Set keys (a map), keys_json (a JSON object), keys_base64 (a map of base64 values) or keys_wo (a map of secrets kept out of the state). To declare an empty prefix, use keys = {}.")
	}
	if !attrs["keys_wo_version"].IsNull() && wo.IsNull() {
		diags.addAttrError(woVersionPath, "keys_wo_version without keys_wo",
			"keys_wo_version is set but keys_wo is not: keys_wo_version only says when to write keys_wo again. Set keys_wo, or remove keys_wo_version.")
	}
	if wo.IsKnown() && !wo.IsNull() {
		if m, err := stringMap(wo); err == nil {
			diags.checkSizes(prefix, m, nil) // no source lines: they may hold a literal secret
		}
	}
	if s, ok := knownString(jsonText); ok && !fitsKeysJSON(prefix, s) {
		if m, err := parseKeysJSON(s); err != nil {
			diags.addAttrError(keysJSONPath, "Invalid keys_json", err.Error())
		} else {
			diags.checkSizes(prefix, m, keysJSONPath)
		}
	}
	if keys.IsKnown() && !keys.IsNull() {
		if m, err := stringMap(keys); err == nil {
			diags.checkSizes(prefix, m, keysPath)
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
				diags.addAttrError(base64Path, "Invalid keys_base64", err.Error())
			} else {
				diags.checkSizes(prefix, m, base64Path)
			}
		}
	}
	return diags
}

func (d *diagnostics) checkSizes(prefix string, keys map[string]string, at *tftypes.AttributePath) {
	for rel, v := range keys {
		if !surelyFits(prefix, rel, v) {
			if err := etcdclient.CheckPutSize(prefix+rel, len(v)); err != nil {
				d.addAttrError(at, "Value too large", err.Error()+".")
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

func (s *server) read(ctx context.Context, req *tfprotov6.ReadResourceRequest) *tfprotov6.ReadResourceResponse {
	var diags diagnostics
	resp := &tfprotov6.ReadResourceResponse{NewState: req.CurrentState}
	defer func() { resp.Diagnostics = diags }()
	st, err := decodeStateLazy(req.CurrentState)
	if err != nil {
		diags.addError("Cannot read etcd_prefix state", err.Error())
		return resp
	}
	conn, ok := s.conn(&diags)
	if !ok {
		return resp
	}
	priv := decodePrivate(req.Private)
	same, at, err := stillExact(ctx, conn, st, priv.Exact)
	if err != nil {
		diags.addError("Cannot read etcd_prefix", err.Error())
		return resp
	}
	resp.NewIdentity = encodeIdentity(st.Prefix, &diags)
	if same { // nothing under the prefix changed: the state stands as it is
		priv.Exact.Rev = at
		resp.Private = priv.encode()
		return resp
	}
	if err := st.loadKeys(); err != nil {
		diags.addError("Cannot read etcd_prefix state", err.Error())
		return resp
	}
	var revs map[string]int64
	if st.WriteOnly && priv.WriteOnly != nil {
		st.Keys = namesOnly(priv.WriteOnly.Names)
		revs = map[string]int64{}
	}
	got, rev, readAt, err := readKeysRevs(ctx, conn, st, revs)
	if err == nil && st.textAttr() != "" {
		err = binaryValuesError(st.Prefix, got, st.textAttr())
	}
	if err != nil {
		diags.addError("Cannot read etcd_prefix", err.Error())
		return resp
	}
	if wo := priv.WriteOnly; revs != nil && (rev != priv.ModRevision || !sameNames(got, wo.Names)) {
		// Written since Terraform last looked: compare with the fingerprint
		// of what Terraform wrote (slow on purpose, so only when needed).
		wo.check(got, revs)
	}
	now := st.withKeys(got)
	if !st.Encoded || st.WriteOnly || !maps.Equal(st.Keys, got) {
		resp.NewState = now.encode(&diags)
	} // else etcd holds the state exactly: no need to encode it again
	priv.ModRevision = rev
	priv.Exact = exactAt(now, readAt, conn.Client.ClusterID())
	resp.Private = priv.encode()
	return resp
}

// readKeys returns what etcd holds of the resource: every key under the
// prefix when exclusive, else the keys the state lists, with the highest
// mod revision among them, and the revision an exclusive prefix was read
// at (0 for the other).
func readKeys(ctx context.Context, conn Conn, st *state) (map[string]string, int64, int64, error) {
	return readKeysRevs(ctx, conn, st, nil)
}

// readKeysRevs is readKeys that also records each key's mod revision in
// revs, unless revs is nil.
func readKeysRevs(ctx context.Context, conn Conn, st *state, revs map[string]int64) (map[string]string, int64, int64, error) {
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
		readAt, err := conn.Client.ForEach(ctx, etcdclient.PrefixRange(st.Prefix), add)
		return got, maxRev, readAt, err
	}
	names := make([]string, 0, len(st.Keys))
	for rel := range st.Keys {
		names = append(names, st.Prefix+rel)
	}
	kvs, err := conn.Client.GetMany(ctx, names, conn.MaxTxnOps)
	if err != nil {
		return nil, 0, 0, err
	}
	for _, kv := range kvs {
		if err := add(kv); err != nil {
			return nil, 0, 0, err
		}
	}
	return got, maxRev, 0, nil
}

func plan(req *tfprotov6.PlanResourceChangeRequest) *tfprotov6.PlanResourceChangeResponse {
	var diags diagnostics
	resp := &tfprotov6.PlanResourceChangeResponse{PlannedPrivate: req.PriorPrivate}
	defer func() { resp.Diagnostics = diags }()
	attrs, err := objectAttrs(req.ProposedNewState)
	if err != nil {
		diags.addError("Cannot plan etcd_prefix", err.Error())
		return resp
	}
	if attrs == nil { // destroy
		resp.PlannedState = req.ProposedNewState
		if prior, _ := objectAttrs(req.PriorState); prior != nil {
			if d := changeSummary(prior, nil); d != nil {
				diags = append(diags, d)
			}
		}
		return resp
	}
	attrs["id"] = attrs["prefix"]
	if attrs["exclusive"].IsNull() {
		attrs["exclusive"] = tftypes.NewValue(tftypes.Bool, true)
	}
	prior, _ := objectAttrs(req.PriorState)
	config, _ := objectAttrs(req.Config)
	planWriteOnly(attrs, prior, config, decodePrivate(req.PriorPrivate), &diags)
	if prior != nil {
		if !prior["prefix"].Equal(attrs["prefix"]) {
			resp.RequiresReplace = append(resp.RequiresReplace, prefixPath)
		}
		if keepPriorJSON(prior["keys_json"], attrs["keys_json"]) {
			attrs["keys_json"] = prior["keys_json"]
		}
	}
	planned, err := tfprotov6.NewDynamicValue(objectType, tftypes.NewValue(objectType, attrs))
	if err != nil {
		diags.addError("Cannot plan etcd_prefix", err.Error())
	}
	if d := changeSummary(prior, attrs); d != nil {
		diags = append(diags, d)
	}
	resp.PlannedIdentity = req.PriorIdentity
	if prefix, ok := knownString(attrs["prefix"]); ok {
		resp.PlannedIdentity = encodeIdentity(prefix, &diags)
	}
	resp.PlannedState = &planned
	return resp
}

// keepPriorJSON reports whether the configured keys_json holds the same keys
// and values as the prior state's, so the plan keeps the prior text.
func keepPriorJSON(prior, config tftypes.Value) bool {
	p, pok := knownString(prior)
	c, cok := knownString(config)
	return pok && cok && sameKeysJSON(p, c)
}

func (s *server) importState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) *tfprotov6.ImportResourceStateResponse {
	var diags diagnostics
	resp := &tfprotov6.ImportResourceStateResponse{}
	defer func() { resp.Diagnostics = diags }()
	prefix := req.ID
	if req.Identity != nil && req.Identity.IdentityData != nil {
		prefix = decodeIdentity(req.Identity, &diags)
	}
	if prefix == "" && !diags.hasError() {
		diags.addError("Invalid import ID", "Import an etcd_prefix by its prefix, for example:\n  terraform import etcd_prefix.app /app/config/")
	}
	if diags.hasError() {
		return resp
	}
	conn, ok := s.conn(&diags)
	if !ok {
		return resp
	}
	st := &state{Prefix: prefix, Exclusive: true}
	got, rev, readAt, err := readKeys(ctx, conn, st)
	if err != nil {
		diags.addError("Cannot import etcd_prefix", err.Error())
		return resp
	}
	// Text when every value is text; keys_base64 as soon as one is not.
	st.Base64 = binaryValuesError(prefix, got, "keys") != nil
	st = st.withKeys(got)
	resp.ImportedResources = []*tfprotov6.ImportedResource{{
		TypeName: TypeName,
		State:    st.encode(&diags),
		Private:  private{ModRevision: rev, Exact: exactAt(st, readAt, conn.Client.ClusterID())}.encode(),
		Identity: encodeIdentity(prefix, &diags),
	}}
	return resp
}
