package key

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/protocol"
)

// validate checks a configuration: the key, the base64, exactly one of
// value, value_base64 and value_wo, and the size etcd accepts.
func validate(req *tfprotov6.ValidateResourceConfigRequest) protocol.Diagnostics {
	var diags protocol.Diagnostics
	attrs, err := objectAttrs(req.Config)
	if err != nil {
		diags.AddError("Invalid etcd_key configuration", err.Error())
		return diags
	}
	if attrs == nil {
		return diags
	}
	key, keyKnown := protocol.KnownString(attrs["key"])
	if keyKnown && key == "" {
		diags.AddAttrError(keyPath, "Invalid Attribute Value Length", "Attribute key string length must be at least 1, got: 0")
	}
	value, b64, wo := attrs["value"], attrs["value_base64"], attrs["value_wo"]
	var raw string
	var rawErr error
	if s, ok := protocol.KnownString(b64); ok {
		var b []byte
		b, rawErr = base64.StdEncoding.DecodeString(s)
		if rawErr != nil {
			diags.AddAttrError(tftypes.NewAttributePath().WithAttributeName("value_base64"), "Invalid base64",
				fmt.Sprintf("The value is not standard base64 (%v). Use base64encode(...) or filebase64(...), or set value for text.", rawErr))
		}
		raw = string(b)
	}
	// Write-only values need Terraform 1.11 or later: an older one would
	// store value_wo in the state.
	if caps := req.ClientCapabilities; (caps == nil || !caps.WriteOnlyAttributesAllowed) && !wo.IsNull() {
		diags.AddAttrError(pathOf("value_wo"), "WriteOnly Attribute Not Allowed",
			"The resource contains a non-null value for WriteOnly attribute value_wo. Write-only attributes are only supported in Terraform 1.11 and later.")
	}

	var config protocol.Diagnostics // the checks across attributes, reported after the ones above
	var set []string
	for _, a := range []struct {
		name string
		v    tftypes.Value
	}{{"value", value}, {"value_base64", b64}, {"value_wo", wo}} {
		if !a.v.IsNull() {
			set = append(set, a.name)
		}
	}
	switch {
	case len(set) > 1:
		config.AddAttrError(pathOf(set[1]), "Conflicting attributes",
			fmt.Sprintf("%s are set: set exactly one of value (text, may be empty), value_base64 (binary data in base64) and value_wo (a secret kept out of the state).", protocol.JoinAnd(set)))
	case len(set) == 0:
		config.AddAttrError(tftypes.NewAttributePath().WithAttributeName("value"), "Missing value",
			"Set exactly one of value (text, may be empty), value_base64 (binary data in base64) and value_wo (a secret kept out of the state).")
	}
	if !attrs["value_wo_version"].IsNull() && wo.IsNull() {
		config.AddAttrError(woVersionPath, "value_wo_version without value_wo",
			"value_wo_version is set but value_wo is not: value_wo_version only says when to write value_wo again. Set value_wo, or remove value_wo_version.")
	}
	if !config.HasError() && attrs["key"].IsKnown() && value.IsKnown() && b64.IsKnown() && wo.IsKnown() && rawErr == nil {
		switch set[0] {
		case "value":
			raw, _ = protocol.KnownString(value)
		case "value_wo":
			raw, _ = protocol.KnownString(wo)
		}
		if err := etcdclient.CheckPutSize(key, len(raw)); err != nil {
			config.AddAttrError(pathOf(set[0]), "Value too large", err.Error()+".")
		}
	}
	return append(diags, config...)
}

func (s *server) read(ctx context.Context, req *tfprotov6.ReadResourceRequest) *tfprotov6.ReadResourceResponse {
	var diags protocol.Diagnostics
	resp := &tfprotov6.ReadResourceResponse{NewState: req.CurrentState, Private: req.Private}
	defer func() { resp.Diagnostics = diags }()
	st, err := decode(req.CurrentState)
	if err != nil || st == nil {
		if err == nil {
			err = errors.New("the state is null")
		}
		diags.AddError("Cannot read etcd_key state", err.Error())
		return resp
	}
	conn, ok := s.connect.Connect(&diags)
	if !ok {
		return resp
	}
	resp.NewIdentity = identity.Encode(st.Key, &diags)
	kv, err := conn.Client.Get(ctx, st.Key)
	if errors.Is(err, etcdclient.ErrKeyNotFound) {
		// Gone: Terraform drops it from the state (and plans to create it).
		resp.NewState, resp.Private = nullState(), nil
		return resp
	}
	if err != nil {
		diags.AddError("Cannot read etcd key", err.Error())
		return resp
	}
	wo := readWriteOnly(req.Private)
	if wo != nil {
		// Compare with the fingerprint of what Terraform wrote, on every
		// refresh: an unchanged mod revision does not prove an unchanged
		// value (a restored snapshot, or another etcd with the same
		// cluster ID, can hold other values at the same revisions).
		wo.Drift = !wo.Fingerprint.Matches(kv.Value)
	}
	resp.Private = wo.private()
	st.setFrom(kv, wo != nil)
	resp.NewState = st.encode(&diags)
	return resp
}

// plan plans a change. A create plans every computed attribute unknown,
// id included: etcd tells the revisions once the key is written, and an
// unknown id defers what refers to it (an ephemeral read of the key, say)
// to apply, after the write. An update keeps id and create_revision
// (keptOnWrite); the others are unknown when apply is to write the key, and
// kept otherwise. value_wo is never planned (write-only).
func plan(req *tfprotov6.PlanResourceChangeRequest) *tfprotov6.PlanResourceChangeResponse {
	var diags protocol.Diagnostics
	resp := &tfprotov6.PlanResourceChangeResponse{PlannedPrivate: req.PriorPrivate, PlannedIdentity: req.PriorIdentity}
	defer func() { resp.Diagnostics = diags }()
	attrs, err := objectAttrs(req.ProposedNewState)
	if err != nil {
		diags.AddError("Cannot plan etcd_key", err.Error())
		return resp
	}
	if attrs == nil { // destroy
		resp.PlannedState = req.ProposedNewState
		return resp
	}
	prior, err1 := objectAttrs(req.PriorState)
	config, err2 := objectAttrs(req.Config)
	if err := errors.Join(err1, err2); err != nil {
		diags.AddError("Cannot plan etcd_key", err.Error())
		return resp
	}
	attrs["value_wo"] = tftypes.NewValue(tftypes.String, nil)
	if prior == nil {
		unknownComputed(attrs)
	} else {
		attrs["id"] = attrs["key"]
		if !prior["key"].Equal(attrs["key"]) {
			attrs["id"] = tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
			resp.RequiresReplace = append(resp.RequiresReplace, keyPath)
		}
		if plansWrite(attrs, prior, config, req.PriorPrivate, &diags) {
			unknownComputed(attrs, keptOnWrite...)
		}
		for _, name := range keptOnWrite { // null in a state from before the attribute
			if attrs[name].IsNull() {
				attrs[name] = tftypes.NewValue(objectType.AttributeTypes[name], tftypes.UnknownValue)
			}
		}
	}
	planned, err := tfprotov6.NewDynamicValue(objectType, tftypes.NewValue(objectType, attrs))
	if err != nil {
		diags.AddError("Cannot plan etcd_key", err.Error())
	}
	resp.PlannedState = &planned
	if key, ok := protocol.KnownString(attrs["key"]); ok {
		resp.PlannedIdentity = identity.Encode(key, &diags)
	}
	return resp
}

// keptOnWrite are the computed attributes a write of the key never changes;
// every other computed attribute is planned unknown when apply writes it.
var keptOnWrite = []string{"id", "create_revision"}

// unknownComputed plans every computed attribute but those in keep as
// unknown.
func unknownComputed(attrs map[string]tftypes.Value, keep ...string) {
	for _, name := range computed {
		if !slices.Contains(keep, name) {
			attrs[name] = tftypes.NewValue(objectType.AttributeTypes[name], tftypes.UnknownValue)
		}
	}
}

// plansWrite reports whether an update writes the key: its value or lease
// changed, or value_wo is to be written (a new value_wo_version, drift, or
// a value Terraform has not written yet). For the last two it warns, since
// the plan shows no change of value_wo; the warnings name the key, never
// the value.
func plansWrite(planned, prior, config map[string]tftypes.Value, private []byte, diags *protocol.Diagnostics) bool {
	if config == nil || config["value_wo"].IsNull() {
		return !planned["value"].Equal(prior["value"]) || !planned["value_base64"].Equal(prior["value_base64"]) ||
			!planned["lease_id"].Equal(prior["lease_id"])
	}
	key, _ := protocol.KnownString(prior["key"])
	switch wo := readWriteOnly(private); {
	case wo == nil:
		diags.AddAttrWarning(pathOf("value_wo"), "value_wo will be written",
			fmt.Sprintf("Terraform has not written value_wo to the key %q yet (it was imported, or set with value before), so it cannot tell whether etcd holds it: apply writes it.", key))
		return true
	case wo.Drift:
		diags.AddAttrWarning(pathOf("value_wo"), "Value changed outside Terraform",
			fmt.Sprintf("The key %q no longer holds the value_wo Terraform wrote: it was changed outside Terraform. Apply writes value_wo back.", key))
		return true
	}
	return !planned["value_wo_version"].Equal(prior["value_wo_version"]) || !planned["lease_id"].Equal(prior["lease_id"])
}

func importState(req *tfprotov6.ImportResourceStateRequest) *tfprotov6.ImportResourceStateResponse {
	var diags protocol.Diagnostics
	resp := &tfprotov6.ImportResourceStateResponse{}
	defer func() { resp.Diagnostics = diags }()
	key := identity.ImportedName(req, &diags)
	if key == "" && !diags.HasError() {
		diags.AddError("Invalid import ID", "Import an etcd_key by its key, for example:\n  terraform import etcd_key.db_host /app/config/db_host")
	}
	if diags.HasError() {
		return resp
	}
	// The read that follows fills in the rest, or finds nothing to import.
	st := &object{Key: key}
	resp.ImportedResources = []*tfprotov6.ImportedResource{{
		TypeName: TypeName,
		State:    st.encode(&diags),
		Identity: identity.Encode(key, &diags),
	}}
	return resp
}

// generateConfig is the configuration `terraform query
// -generate-config-out` (and `plan -generate-config-out`) writes for an
// etcd_key: its state without the computed attributes.
func generateConfig(req *tfprotov6.GenerateResourceConfigRequest) *tfprotov6.GenerateResourceConfigResponse {
	var diags protocol.Diagnostics
	attrs, err := objectAttrs(req.State)
	if err != nil || attrs == nil {
		if err == nil {
			err = errors.New("the state is null")
		}
		diags.AddError("Cannot generate etcd_key configuration", err.Error())
		return &tfprotov6.GenerateResourceConfigResponse{Diagnostics: diags}
	}
	for _, name := range computed {
		attrs[name] = tftypes.NewValue(objectType.AttributeTypes[name], nil)
	}
	dv, err := tfprotov6.NewDynamicValue(objectType, tftypes.NewValue(objectType, attrs))
	if err != nil {
		diags.AddError("Cannot generate etcd_key configuration", err.Error())
		return &tfprotov6.GenerateResourceConfigResponse{Diagnostics: diags}
	}
	return &tfprotov6.GenerateResourceConfigResponse{Config: &dv}
}

// pathOf is the path a diagnostic about the attribute name points to; none
// for value_wo: Terraform prints the configuration line a path points to,
// and a literal secret would be on it.
func pathOf(name string) *tftypes.AttributePath {
	if name == "value_wo" {
		return nil
	}
	return tftypes.NewAttributePath().WithAttributeName(name)
}
