package protocol

import (
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// StringIdentity is the identity of a resource named by one string
// attribute, such as etcd_key's key or etcd_prefix's prefix.
type StringIdentity struct {
	TypeName    string // the resource type, for diagnostics
	Attr        string // the identity attribute
	Description string
	typ         tftypes.Object
}

// NewStringIdentity returns the identity of typeName, named by attr.
func NewStringIdentity(typeName, attr, description string) StringIdentity {
	return StringIdentity{TypeName: typeName, Attr: attr, Description: description,
		typ: tftypes.Object{AttributeTypes: map[string]tftypes.Type{attr: tftypes.String}}}
}

// Schema is the identity schema.
func (i StringIdentity) Schema() *tfprotov6.ResourceIdentitySchema {
	return &tfprotov6.ResourceIdentitySchema{
		Version: 0,
		IdentityAttributes: []*tfprotov6.ResourceIdentitySchemaAttribute{
			{Name: i.Attr, Type: tftypes.String, RequiredForImport: true, Description: i.Description},
		},
	}
}

// Encode returns the identity of the resource named value.
func (i StringIdentity) Encode(value string, diags *Diagnostics) *tfprotov6.ResourceIdentityData {
	dv, err := tfprotov6.NewDynamicValue(i.typ, tftypes.NewValue(i.typ, map[string]tftypes.Value{
		i.Attr: tftypes.NewValue(tftypes.String, value),
	}))
	if err != nil {
		diags.AddError("Cannot encode "+i.TypeName+" identity", err.Error())
		return nil
	}
	return &tfprotov6.ResourceIdentityData{IdentityData: &dv}
}

// Decode returns the name an identity holds ("" when unknown or null).
func (i StringIdentity) Decode(id *tfprotov6.ResourceIdentityData, diags *Diagnostics) string {
	attrs, err := ObjectAttrs(id.IdentityData, i.typ)
	if err != nil {
		diags.AddError("Invalid "+i.TypeName+" identity", err.Error())
		return ""
	}
	s, _ := KnownString(attrs[i.Attr])
	return s
}

// Upgrade reads a stored identity.
func (i StringIdentity) Upgrade(req *tfprotov6.UpgradeResourceIdentityRequest) *tfprotov6.UpgradeResourceIdentityResponse {
	var diags Diagnostics
	dv, err := UpgradeJSON(req.RawIdentity, i.typ)
	if err != nil {
		diags.AddError("Cannot read "+i.TypeName+" identity", err.Error())
		return &tfprotov6.UpgradeResourceIdentityResponse{Diagnostics: diags}
	}
	return &tfprotov6.UpgradeResourceIdentityResponse{UpgradedIdentity: &tfprotov6.ResourceIdentityData{IdentityData: dv}}
}

// ImportedName is the name an import gives: the import ID, or the identity
// attribute when the import uses an identity instead of an ID.
func (i StringIdentity) ImportedName(req *tfprotov6.ImportResourceStateRequest, diags *Diagnostics) string {
	if req.Identity != nil && req.Identity.IdentityData != nil {
		return i.Decode(req.Identity, diags)
	}
	return req.ID
}
