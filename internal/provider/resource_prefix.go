package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

const prefixTypeName = "etcd_prefix"

// maxRequestBytes is etcd's default --max-request-bytes (1.5 MiB); a single
// key and value must fit in one request.
const maxRequestBytes = 3 << 19

var (
	prefixKeysType   = tftypes.Map{ElementType: tftypes.String}
	prefixObjectType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"id":        tftypes.String,
		"prefix":    tftypes.String,
		"keys":      prefixKeysType,
		"keys_json": tftypes.String,
		"exclusive": tftypes.Bool,
	}}
	prefixIdentityType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{"prefix": tftypes.String}}
	prefixPath         = tftypes.NewAttributePath().WithAttributeName("prefix")
	keysPath           = tftypes.NewAttributePath().WithAttributeName("keys")
	keysJSONPath       = tftypes.NewAttributePath().WithAttributeName("keys_json")
)

func prefixSchema() *tfprotov6.Schema {
	md := tfprotov6.StringKindMarkdown
	return &tfprotov6.Schema{
		Version: 0,
		Block: &tfprotov6.SchemaBlock{
			DescriptionKind: md,
			Description: "Manages the keys under one etcd key prefix as a single resource. " +
				"With `exclusive = true` (the default) the resource owns everything under the prefix: keys not listed show as drift and are deleted. " +
				"Writes go in transactions of at most the provider's `max_txn_ops` operations, so any number of keys can be applied.",
			Attributes: []*tfprotov6.SchemaAttribute{
				{Name: "id", Type: tftypes.String, Computed: true, DescriptionKind: md,
					Description: "The prefix."},
				{Name: "prefix", Type: tftypes.String, Required: true, DescriptionKind: md,
					Description: "The key prefix, such as `/app/config/`. Every managed key is this prefix followed by a relative key. " +
						"End it with `/`: a prefix `/app` also matches `/apple`. Changing it replaces the resource."},
				{Name: "keys", Type: prefixKeysType, Optional: true, DescriptionKind: md,
					Description: "Map of key, relative to `prefix`, to value. Exactly one of `keys` and `keys_json` must be set; `keys = {}` declares an empty prefix."},
				{Name: "keys_json", Type: tftypes.String, Optional: true, DescriptionKind: md,
					Description: "The same as `keys`, as a JSON object of relative key to string value, such as `file(\"config.json\")`. " +
						"Compared by content, so key order and whitespace never cause a diff; drift shows as a JSON diff. " +
						"Much faster than `keys` for tens of thousands of keys, because Terraform handles one string instead of one value per key."},
				{Name: "exclusive", Type: tftypes.Bool, Optional: true, Computed: true, DescriptionKind: md,
					Description: "When `true` (the default), the resource owns every key under `prefix`: unlisted keys are drift and are deleted on apply, and destroy deletes the whole prefix. " +
						"When `false`, only the listed keys are read, written and destroyed; other keys under the prefix are left alone."},
			},
		},
	}
}

func prefixIdentitySchema() *tfprotov6.ResourceIdentitySchema {
	return &tfprotov6.ResourceIdentitySchema{
		Version: 0,
		IdentityAttributes: []*tfprotov6.ResourceIdentitySchemaAttribute{
			{Name: "prefix", Type: tftypes.String, RequiredForImport: true, Description: "The key prefix."},
		},
	}
}

// prefixResource implements etcd_prefix on the plugin protocol.
type prefixResource struct {
	shared *Shared
}

// prefixState is a fully known etcd_prefix object.
type prefixState struct {
	Prefix    string
	Keys      map[string]string
	JSON      bool   // the keys are held in keys_json rather than keys
	KeysJSON  string // the keys_json text, when JSON
	Exclusive bool
}

// prefixPrivate is the resource's private state: the revision the
// lost-update guard compares against.
type prefixPrivate struct {
	ModRevision int64 `json:"mod_revision"`
}

func decodePrivate(b []byte) prefixPrivate {
	var p prefixPrivate
	_ = json.Unmarshal(b, &p) // empty or foreign private state: no guard revision
	return p
}

func (p prefixPrivate) encode() []byte {
	b, _ := json.Marshal(p)
	return b
}

func (r *prefixResource) client(diags *diagnostics) (*etcdclient.Client, int) {
	data := r.shared.Data()
	c, err := data.Client()
	if err != nil {
		diags.addError("etcd provider not configured", "Cannot reach etcd: "+err.Error())
		return nil, 0
	}
	return c, data.MaxTxnOps()
}

func (r *prefixResource) validate(_ context.Context, req *tfprotov6.ValidateResourceConfigRequest) *tfprotov6.ValidateResourceConfigResponse {
	var diags diagnostics
	attrs, err := objectAttrs(req.Config)
	if err != nil {
		diags.addError("Invalid etcd_prefix configuration", err.Error())
		return &tfprotov6.ValidateResourceConfigResponse{Diagnostics: diags}
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
	keys, jsonText := attrs["keys"], attrs["keys_json"]
	switch {
	case !keys.IsNull() && !jsonText.IsNull():
		diags.addAttrError(keysJSONPath, "Conflicting attributes", "Set only one of keys and keys_json.")
	case keys.IsNull() && jsonText.IsNull():
		diags.addAttrError(keysPath, "Missing keys", "Set keys (a map) or keys_json (a JSON object). To declare an empty prefix, use keys = {}.")
	}
	if s, ok := knownString(jsonText); ok && !jsonText.IsNull() {
		if m, err := parseKeysJSON(s); err != nil {
			diags.addAttrError(keysJSONPath, "Invalid keys_json", err.Error())
		} else {
			diags.checkSizes(prefix, m, keysJSONPath)
		}
	}
	if keys.IsKnown() && !keys.IsNull() {
		var elems map[string]tftypes.Value
		if err := keys.As(&elems); err == nil {
			m := make(map[string]string, len(elems))
			for k, v := range elems {
				s, _ := knownString(v)
				m[k] = s
			}
			diags.checkSizes(prefix, m, keysPath)
		}
	}
	return &tfprotov6.ValidateResourceConfigResponse{Diagnostics: diags}
}

func (d *diagnostics) checkSizes(prefix string, keys map[string]string, at *tftypes.AttributePath) {
	for rel, v := range keys {
		if n := len(prefix) + len(rel) + len(v); n > maxRequestBytes-1024 {
			d.addAttrError(at, "Value too large",
				fmt.Sprintf("Key %q with its value is %d bytes; etcd refuses requests over %d bytes (1.5 MiB, its default --max-request-bytes). Store large data elsewhere or split it over several keys.",
					prefix+rel, n, maxRequestBytes))
		}
	}
}

func (r *prefixResource) upgrade(_ context.Context, req *tfprotov6.UpgradeResourceStateRequest) *tfprotov6.UpgradeResourceStateResponse {
	var diags diagnostics
	if req.Version != 0 {
		diags.addError("Unknown etcd_prefix state version", fmt.Sprintf("State version %d is newer than this provider knows; upgrade the provider.", req.Version))
		return &tfprotov6.UpgradeResourceStateResponse{Diagnostics: diags}
	}
	v, err := req.RawState.UnmarshalWithOpts(prefixObjectType, tfprotov6.UnmarshalOpts{ValueFromJSONOpts: tftypes.ValueFromJSONOpts{IgnoreUndefinedAttributes: true}})
	if err != nil {
		diags.addError("Cannot read etcd_prefix state", err.Error())
		return &tfprotov6.UpgradeResourceStateResponse{Diagnostics: diags}
	}
	dv, err := tfprotov6.NewDynamicValue(prefixObjectType, v)
	if err != nil {
		diags.addError("Cannot encode etcd_prefix state", err.Error())
	}
	return &tfprotov6.UpgradeResourceStateResponse{UpgradedState: &dv, Diagnostics: diags}
}

func (r *prefixResource) upgradeIdentity(_ context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) *tfprotov6.UpgradeResourceIdentityResponse {
	var diags diagnostics
	v, err := req.RawIdentity.UnmarshalWithOpts(prefixIdentityType, tfprotov6.UnmarshalOpts{ValueFromJSONOpts: tftypes.ValueFromJSONOpts{IgnoreUndefinedAttributes: true}})
	if err != nil {
		diags.addError("Cannot read etcd_prefix identity", err.Error())
		return &tfprotov6.UpgradeResourceIdentityResponse{Diagnostics: diags}
	}
	dv, err := tfprotov6.NewDynamicValue(prefixIdentityType, v)
	if err != nil {
		diags.addError("Cannot encode etcd_prefix identity", err.Error())
	}
	return &tfprotov6.UpgradeResourceIdentityResponse{UpgradedIdentity: &tfprotov6.ResourceIdentityData{IdentityData: &dv}, Diagnostics: diags}
}

func (r *prefixResource) read(ctx context.Context, req *tfprotov6.ReadResourceRequest) *tfprotov6.ReadResourceResponse {
	var diags diagnostics
	st, err := decodePrefixState(req.CurrentState)
	if err != nil {
		diags.addError("Cannot read etcd_prefix state", err.Error())
		return &tfprotov6.ReadResourceResponse{NewState: req.CurrentState, Diagnostics: diags}
	}
	client, maxOps := r.client(&diags)
	if client == nil {
		return &tfprotov6.ReadResourceResponse{NewState: req.CurrentState, Diagnostics: diags}
	}
	got, rev, err := readPrefix(ctx, client, st, maxOps)
	if err != nil {
		diags.addError("Cannot read etcd_prefix", err.Error())
		return &tfprotov6.ReadResourceResponse{NewState: req.CurrentState, Diagnostics: diags}
	}
	st.setKeys(got)
	return &tfprotov6.ReadResourceResponse{
		NewState:    st.encode(&diags),
		Private:     prefixPrivate{ModRevision: rev}.encode(),
		NewIdentity: prefixIdentity(st.Prefix, &diags),
		Diagnostics: diags,
	}
}

// readPrefix returns what etcd holds of the resource: every key under the
// prefix when exclusive, else the keys the state lists, with the highest
// mod revision among them.
func readPrefix(ctx context.Context, c *etcdclient.Client, st *prefixState, maxOps int) (map[string]string, int64, error) {
	got := map[string]string{}
	var maxRev int64
	add := func(kv etcdclient.KeyValue) error {
		rel := strings.TrimPrefix(kv.Key, st.Prefix)
		if !utf8.ValidString(rel) || !utf8.Valid(kv.Value) {
			return fmt.Errorf("key %q holds bytes that are not UTF-8 text, which etcd_prefix cannot represent; manage it with etcd_key and value_base64, or use exclusive = false", kv.Key)
		}
		got[rel] = string(kv.Value)
		maxRev = max(maxRev, kv.ModRevision)
		return nil
	}
	if st.Exclusive {
		_, err := c.ForEach(ctx, etcdclient.PrefixRange(st.Prefix), add)
		return got, maxRev, err
	}
	names := make([]string, 0, len(st.Keys))
	for rel := range st.Keys {
		names = append(names, st.Prefix+rel)
	}
	kvs, err := c.GetMany(ctx, names, maxOps)
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

func (r *prefixResource) plan(_ context.Context, req *tfprotov6.PlanResourceChangeRequest) *tfprotov6.PlanResourceChangeResponse {
	var diags diagnostics
	resp := &tfprotov6.PlanResourceChangeResponse{PlannedPrivate: req.PriorPrivate}
	proposed, err := req.ProposedNewState.Unmarshal(prefixObjectType)
	if err != nil {
		diags.addError("Cannot plan etcd_prefix", err.Error())
		resp.Diagnostics = diags
		return resp
	}
	if proposed.IsNull() { // destroy
		resp.PlannedState = req.ProposedNewState
		return resp
	}
	var attrs map[string]tftypes.Value
	if err := proposed.As(&attrs); err != nil {
		diags.addError("Cannot plan etcd_prefix", err.Error())
		resp.Diagnostics = diags
		return resp
	}
	attrs["id"] = attrs["prefix"]
	if attrs["exclusive"].IsNull() {
		attrs["exclusive"] = tftypes.NewValue(tftypes.Bool, true)
	}
	prior, _ := objectAttrs(req.PriorState)
	if prior != nil {
		if !prior["prefix"].Equal(attrs["prefix"]) {
			resp.RequiresReplace = append(resp.RequiresReplace, prefixPath)
		}
		if keepPriorJSON(prior["keys_json"], attrs["keys_json"]) {
			attrs["keys_json"] = prior["keys_json"]
		}
	}
	planned, err := tfprotov6.NewDynamicValue(prefixObjectType, tftypes.NewValue(prefixObjectType, attrs))
	if err != nil {
		diags.addError("Cannot plan etcd_prefix", err.Error())
	}
	resp.PlannedIdentity = req.PriorIdentity
	if prefix, ok := knownString(attrs["prefix"]); ok {
		resp.PlannedIdentity = prefixIdentity(prefix, &diags)
	}
	resp.PlannedState, resp.Diagnostics = &planned, diags
	return resp
}

// keepPriorJSON reports whether the configured keys_json holds the same keys
// and values as the prior state's, so the plan keeps the prior text.
func keepPriorJSON(prior, config tftypes.Value) bool {
	p, pok := knownString(prior)
	c, cok := knownString(config)
	return pok && cok && !prior.IsNull() && !config.IsNull() && sameKeysJSON(p, c)
}

func (r *prefixResource) apply(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) *tfprotov6.ApplyResourceChangeResponse {
	var diags diagnostics
	resp := &tfprotov6.ApplyResourceChangeResponse{NewState: req.PriorState, Private: req.PlannedPrivate}
	prior, err1 := decodePrefixState(req.PriorState)
	planned, err2 := decodePrefixState(req.PlannedState)
	if err := errors.Join(err1, err2); err != nil {
		diags.addError("Cannot apply etcd_prefix", err.Error())
		resp.Diagnostics = diags
		return resp
	}
	client, maxOps := r.client(&diags)
	if client == nil {
		resp.Diagnostics = diags
		return resp
	}
	guard := decodePrivate(req.PlannedPrivate)
	switch {
	case planned == nil:
		r.destroy(ctx, client, prior, guard, maxOps, resp, &diags)
	case prior == nil:
		r.create(ctx, client, planned, maxOps, req.PlannedState, resp, &diags)
	default:
		r.update(ctx, client, prior, planned, guard, maxOps, req.PlannedState, resp, &diags)
	}
	if resp.NewState != nullPrefixState() {
		resp.NewIdentity = prefixIdentity(cmpOr(planned, prior).Prefix, &diags)
	}
	resp.Diagnostics = diags
	return resp
}

func (r *prefixResource) create(ctx context.Context, c *etcdclient.Client, planned *prefixState, maxOps int, plannedDV *tfprotov6.DynamicValue, resp *tfprotov6.ApplyResourceChangeResponse, diags *diagnostics) {
	if planned.Exclusive {
		if err := checkPrefixEmpty(ctx, c, planned.Prefix); err != nil {
			diags.addError("etcd_prefix already holds keys", err.Error())
			resp.NewState = nullPrefixState()
			return
		}
	}
	ops := prefixOps(planned.Prefix, nil, planned.Keys, 0)
	tflog.Debug(ctx, "creating etcd_prefix", map[string]any{"prefix": planned.Prefix, "puts": len(ops)})
	applied, rev, err := c.CommitChunks(ctx, ops, maxOps, etcdclient.MaxTxnBytes)
	if err != nil {
		detail := err.Error()
		if errors.Is(err, etcdclient.ErrCompareFailed) {
			detail += "\n\nThese keys already exist in etcd and are not managed by this resource. Import the prefix with\n  terraform import <address> " + planned.Prefix +
				"\nor delete the keys, then apply again."
		}
		diags.addError("Cannot create etcd_prefix", writeErrorDetail(detail, applied, len(ops)))
		if applied == 0 {
			resp.NewState = nullPrefixState()
			return
		}
		partial := *planned
		partial.setKeys(applyPrefixOps(planned.Prefix, nil, ops[:applied]))
		resp.NewState = partial.encode(diags)
		resp.Private = prefixPrivate{ModRevision: rev}.encode()
		return
	}
	resp.NewState = plannedDV
	resp.Private = prefixPrivate{ModRevision: rev}.encode()
}

func checkPrefixEmpty(ctx context.Context, c *etcdclient.Client, prefix string) error {
	r := etcdclient.PrefixRange(prefix)
	r.KeysOnly, r.Limit = true, 5
	existing, _, err := c.ListRange(ctx, r)
	if err != nil {
		return err
	}
	if len(existing) == 0 {
		return nil
	}
	names := make([]string, len(existing))
	for i, kv := range existing {
		names[i] = fmt.Sprintf("%q", kv.Key)
	}
	return fmt.Errorf("the prefix %q already holds keys (%s%s), and an exclusive etcd_prefix would own them. "+
		"To manage what is there, import it:\n  terraform import <address> %s\nor set exclusive = false to manage only the listed keys",
		prefix, strings.Join(names, ", "), moreSuffix(len(existing), 5), prefix)
}

func moreSuffix(n, limit int) string {
	if n >= limit {
		return ", ..."
	}
	return ""
}

func (r *prefixResource) update(ctx context.Context, c *etcdclient.Client, prior, planned *prefixState, guard prefixPrivate, maxOps int, plannedDV *tfprotov6.DynamicValue, resp *tfprotov6.ApplyResourceChangeResponse, diags *diagnostics) {
	ops := prefixOps(planned.Prefix, prior.Keys, planned.Keys, guard.ModRevision)
	tflog.Debug(ctx, "updating etcd_prefix", map[string]any{"prefix": planned.Prefix, "writes": len(ops)})
	applied, rev, err := c.CommitChunks(ctx, ops, maxOps, etcdclient.MaxTxnBytes)
	if err != nil {
		detail := err.Error()
		if errors.Is(err, etcdclient.ErrCompareFailed) {
			detail += "\n\nThe keys changed outside Terraform since the last refresh. Run plan again to see the change, then apply."
		}
		diags.addError("Cannot update etcd_prefix", writeErrorDetail(detail, applied, len(ops)))
		partial := *planned
		partial.setKeys(applyPrefixOps(planned.Prefix, prior.Keys, ops[:applied]))
		resp.NewState = partial.encode(diags)
		if applied > 0 {
			resp.Private = prefixPrivate{ModRevision: rev}.encode()
		}
		return
	}
	resp.NewState = plannedDV
	if applied > 0 {
		resp.Private = prefixPrivate{ModRevision: rev}.encode()
	}
}

func (r *prefixResource) destroy(ctx context.Context, c *etcdclient.Client, prior *prefixState, guard prefixPrivate, maxOps int, resp *tfprotov6.ApplyResourceChangeResponse, diags *diagnostics) {
	if prior.Exclusive {
		if _, err := c.DeletePrefix(ctx, prior.Prefix); err != nil {
			diags.addError("Cannot delete etcd_prefix", err.Error())
			return
		}
		resp.NewState = nullPrefixState()
		return
	}
	ops := prefixOps(prior.Prefix, prior.Keys, nil, guard.ModRevision)
	applied, _, err := c.CommitChunks(ctx, ops, maxOps, etcdclient.MaxTxnBytes)
	if err != nil {
		detail := err.Error()
		if errors.Is(err, etcdclient.ErrCompareFailed) {
			detail += "\n\nThe keys changed outside Terraform since the last refresh, so they were not deleted. Run plan again to see the change."
		}
		diags.addError("Cannot delete etcd_prefix", writeErrorDetail(detail, applied, len(ops)))
		partial := *prior
		partial.setKeys(applyPrefixOps(prior.Prefix, prior.Keys, ops[:applied]))
		resp.NewState = partial.encode(diags)
		return
	}
	resp.NewState = nullPrefixState()
}

func writeErrorDetail(detail string, applied, total int) string {
	if applied == 0 {
		return detail + "\n\nNothing was written."
	}
	return fmt.Sprintf("%s\n\n%d of %d writes were committed before the error, in whole transactions; the state records exactly those, and the next plan shows the rest.", detail, applied, total)
}

func (r *prefixResource) importState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) *tfprotov6.ImportResourceStateResponse {
	var diags diagnostics
	resp := &tfprotov6.ImportResourceStateResponse{}
	prefix := req.ID
	if req.Identity != nil && req.Identity.IdentityData != nil {
		prefix = identityPrefix(req.Identity, &diags)
	}
	if prefix == "" && !diags.hasError() {
		diags.addError("Invalid import ID", "Import an etcd_prefix by its prefix, for example:\n  terraform import etcd_prefix.app /app/config/")
	}
	if diags.hasError() {
		resp.Diagnostics = diags
		return resp
	}
	client, maxOps := r.client(&diags)
	if client == nil {
		resp.Diagnostics = diags
		return resp
	}
	st := &prefixState{Prefix: prefix, Exclusive: true}
	got, rev, err := readPrefix(ctx, client, st, maxOps)
	if err != nil {
		diags.addError("Cannot import etcd_prefix", err.Error())
		resp.Diagnostics = diags
		return resp
	}
	st.setKeys(got)
	resp.ImportedResources = []*tfprotov6.ImportedResource{{
		TypeName: prefixTypeName,
		State:    st.encode(&diags),
		Private:  prefixPrivate{ModRevision: rev}.encode(),
		Identity: prefixIdentity(prefix, &diags),
	}}
	resp.Diagnostics = diags
	return resp
}

func prefixIdentity(prefix string, diags *diagnostics) *tfprotov6.ResourceIdentityData {
	dv, err := tfprotov6.NewDynamicValue(prefixIdentityType, tftypes.NewValue(prefixIdentityType, map[string]tftypes.Value{
		"prefix": tftypes.NewValue(tftypes.String, prefix),
	}))
	if err != nil {
		diags.addError("Cannot encode etcd_prefix identity", err.Error())
		return nil
	}
	return &tfprotov6.ResourceIdentityData{IdentityData: &dv}
}

func identityPrefix(id *tfprotov6.ResourceIdentityData, diags *diagnostics) string {
	v, err := id.IdentityData.Unmarshal(prefixIdentityType)
	if err != nil {
		diags.addError("Invalid etcd_prefix identity", err.Error())
		return ""
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		diags.addError("Invalid etcd_prefix identity", err.Error())
		return ""
	}
	s, _ := knownString(attrs["prefix"])
	return s
}

// setKeys stores keys in whichever attribute the resource uses, keeping the
// existing keys_json text when it already says the same (s.Keys holds that
// text's content, parsed when the state was decoded).
func (s *prefixState) setKeys(keys map[string]string) {
	if s.JSON && !sameMap(s.Keys, keys) {
		s.KeysJSON = canonicalKeysJSON(keys)
	}
	s.Keys = keys
}

func decodePrefixState(dv *tfprotov6.DynamicValue) (*prefixState, error) {
	attrs, err := objectAttrs(dv)
	if err != nil || attrs == nil {
		return nil, err
	}
	st := &prefixState{Exclusive: true}
	st.Prefix, _ = knownString(attrs["prefix"])
	if b := attrs["exclusive"]; b.IsKnown() && !b.IsNull() {
		if err := b.As(&st.Exclusive); err != nil {
			return nil, err
		}
	}
	if j := attrs["keys_json"]; !j.IsNull() {
		st.JSON = true
		st.KeysJSON, _ = knownString(j)
		st.Keys, err = parseKeysJSON(st.KeysJSON)
		return st, err
	}
	st.Keys, err = stringMap(attrs["keys"])
	return st, err
}

func (s *prefixState) encode(diags *diagnostics) *tfprotov6.DynamicValue {
	keys := tftypes.NewValue(prefixKeysType, nil)
	keysJSON := tftypes.NewValue(tftypes.String, nil)
	if s.JSON {
		keysJSON = tftypes.NewValue(tftypes.String, s.KeysJSON)
	} else {
		elems := make(map[string]tftypes.Value, len(s.Keys))
		for k, v := range s.Keys {
			elems[k] = tftypes.NewValue(tftypes.String, v)
		}
		keys = tftypes.NewValue(prefixKeysType, elems)
	}
	v := tftypes.NewValue(prefixObjectType, map[string]tftypes.Value{
		"id":        tftypes.NewValue(tftypes.String, s.Prefix),
		"prefix":    tftypes.NewValue(tftypes.String, s.Prefix),
		"keys":      keys,
		"keys_json": keysJSON,
		"exclusive": tftypes.NewValue(tftypes.Bool, s.Exclusive),
	})
	dv, err := tfprotov6.NewDynamicValue(prefixObjectType, v)
	if err != nil {
		diags.addError("Cannot encode etcd_prefix state", err.Error())
		return nil
	}
	return &dv
}

var nullPrefixDV = func() *tfprotov6.DynamicValue {
	dv, _ := tfprotov6.NewDynamicValue(prefixObjectType, tftypes.NewValue(prefixObjectType, nil))
	return &dv
}()

// nullPrefixState is the state of an etcd_prefix that does not exist; it is
// one shared value, so it can be compared by pointer.
func nullPrefixState() *tfprotov6.DynamicValue { return nullPrefixDV }

func cmpOr(a, b *prefixState) *prefixState {
	if a != nil {
		return a
	}
	return b
}

// objectAttrs decodes an etcd_prefix object; nil when it is null.
func objectAttrs(dv *tfprotov6.DynamicValue) (map[string]tftypes.Value, error) {
	if dv == nil {
		return nil, nil
	}
	v, err := dv.Unmarshal(prefixObjectType)
	if err != nil || v.IsNull() {
		return nil, err
	}
	var attrs map[string]tftypes.Value
	return attrs, v.As(&attrs)
}

// knownString returns a string value and whether it is known and not null.
func knownString(v tftypes.Value) (string, bool) {
	if !v.IsKnown() || v.IsNull() {
		return "", false
	}
	var s string
	if err := v.As(&s); err != nil {
		return "", false
	}
	return s, true
}

func stringMap(v tftypes.Value) (map[string]string, error) {
	if v.IsNull() {
		return map[string]string{}, nil
	}
	var elems map[string]tftypes.Value
	if err := v.As(&elems); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(elems))
	for k, e := range elems {
		s, _ := knownString(e)
		out[k] = s
	}
	return out, nil
}
