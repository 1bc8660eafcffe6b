package protocol

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// UpgradeState reads the stored state of typeName, of schema version 0 and
// type typ.
func UpgradeState(typeName string, typ tftypes.Type, req *tfprotov6.UpgradeResourceStateRequest) *tfprotov6.UpgradeResourceStateResponse {
	var diags Diagnostics
	if req.Version != 0 {
		diags.AddError("Unknown "+typeName+" state version", fmt.Sprintf("State version %d is newer than this provider knows; upgrade the provider.", req.Version))
		return &tfprotov6.UpgradeResourceStateResponse{Diagnostics: diags}
	}
	dv, err := UpgradeJSON(req.RawState, typ)
	if err != nil {
		diags.AddError("Cannot read "+typeName+" state", err.Error())
	}
	return &tfprotov6.UpgradeResourceStateResponse{UpgradedState: dv, Diagnostics: diags}
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
