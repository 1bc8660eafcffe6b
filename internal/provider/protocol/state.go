package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// UpgradeState reads the stored state of typeName, of schema version 0 and
// type typ.
//
// Stored JSON that names only attributes of typ is passed back as it is:
// Terraform (and OpenTofu) decode a JSON DynamicValue as they decode
// msgpack, null for an attribute the JSON leaves out, so decoding it here
// only to encode it again would be the provider's most expensive step of a
// refresh for nothing. JSON that names an attribute no longer in the
// schema is decoded, which drops it.
func UpgradeState(typeName string, typ tftypes.Object, req *tfprotov6.UpgradeResourceStateRequest) *tfprotov6.UpgradeResourceStateResponse {
	var diags Diagnostics
	if req.Version != 0 {
		diags.AddError("Unknown "+typeName+" state version", fmt.Sprintf("State version %d is newer than this provider knows; upgrade the provider.", req.Version))
		return &tfprotov6.UpgradeResourceStateResponse{Diagnostics: diags}
	}
	if raw := req.RawState; raw != nil && len(raw.JSON) > 0 && namesOnlyAttributes(raw.JSON, typ) {
		return &tfprotov6.UpgradeResourceStateResponse{UpgradedState: &tfprotov6.DynamicValue{JSON: raw.JSON}}
	}
	dv, err := UpgradeJSON(req.RawState, typ)
	if err != nil {
		diags.AddError("Cannot read "+typeName+" state", err.Error())
	}
	return &tfprotov6.UpgradeResourceStateResponse{UpgradedState: dv, Diagnostics: diags}
}

// namesOnlyAttributes reports whether data is a JSON object whose names
// are all attributes of typ. The values are only scanned.
func namesOnlyAttributes(data []byte, typ tftypes.Object) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return false
	}
	var skip json.RawMessage
	for dec.More() {
		t, err := dec.Token()
		name, ok := t.(string)
		if err != nil || !ok {
			return false
		}
		if _, ok := typ.AttributeTypes[name]; !ok {
			return false
		}
		if err := dec.Decode(&skip); err != nil {
			return false
		}
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('}') {
		return false
	}
	_, err := dec.Token()
	return errors.Is(err, io.EOF) // nothing after the object
}

// UpgradeJSON decodes stored JSON of typ, ignoring attributes that are no
// longer in the schema.
func UpgradeJSON(raw *tfprotov6.RawState, typ tftypes.Type) (*tfprotov6.DynamicValue, error) {
	v, err := raw.UnmarshalWithOpts(typ, tfprotov6.UnmarshalOpts{ValueFromJSONOpts: tftypes.ValueFromJSONOpts{IgnoreUndefinedAttributes: true}})
	if err != nil {
		return nil, err
	}
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	return &dv, err
}

// ObjectAttrs decodes an object of type typ; nil when it is null.
func ObjectAttrs(dv *tfprotov6.DynamicValue, typ tftypes.Object) (map[string]tftypes.Value, error) {
	if dv == nil {
		return nil, nil
	}
	v, err := dv.Unmarshal(typ)
	if err != nil || v.IsNull() {
		return nil, err
	}
	var attrs map[string]tftypes.Value
	return attrs, v.As(&attrs)
}

// KnownString returns a string value and whether it is known and not null.
func KnownString(v tftypes.Value) (string, bool) {
	if !v.IsKnown() || v.IsNull() {
		return "", false
	}
	var s string
	if err := v.As(&s); err != nil {
		return "", false
	}
	return s, true
}

// NullObject is the null value of typ, as a resource that does not exist.
func NullObject(typ tftypes.Object) *tfprotov6.DynamicValue {
	dv, _ := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, nil))
	return &dv
}
