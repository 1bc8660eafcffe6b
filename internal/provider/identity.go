package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// stringIdentitySchema is the identity of a resource named by one string.
func stringIdentitySchema(attr, desc string) identityschema.Schema {
	return identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		attr: identityschema.StringAttribute{RequiredForImport: true, Description: desc},
	}}
}

// setIdentity records one identity attribute, when the client supports
// resource identity (Terraform 1.12+, OpenTofu 1.12+).
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, attr string, value types.String, diags *diag.Diagnostics) {
	if identity == nil {
		return
	}
	diags.Append(identity.SetAttribute(ctx, path.Root(attr), value)...)
}

// importedString is the import ID, or the identity attribute attr when the
// import uses an identity instead of an ID.
func importedString(ctx context.Context, req resource.ImportStateRequest, attr string, diags *diag.Diagnostics) string {
	if req.ID != "" || req.Identity == nil {
		return req.ID
	}
	var v types.String
	diags.Append(req.Identity.GetAttribute(ctx, path.Root(attr), &v)...)
	return v.ValueString()
}
