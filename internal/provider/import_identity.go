package provider

import (
	"context"
	"fmt"

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

// removeResource drops a resource that no longer exists from the state. The
// identity is still set: the framework requires one after every read of a
// resource with identity, including the read that follows an import of
// something that does not exist.
func removeResource(ctx context.Context, resp *resource.ReadResponse, attr string, value types.String) {
	setIdentity(ctx, resp.Identity, attr, value, &resp.Diagnostics)
	resp.State.RemoveResource(ctx)
}

// importByString imports a resource named by one string, its id, given as
// the import ID or as the identity attribute attr: for example an etcd_key
// by its key or an etcd_role by its name.
func importByString(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse, attr, typeName, example string) {
	value := importedString(ctx, req, attr, &resp.Diagnostics)
	if value == "" && !resp.Diagnostics.HasError() {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("Import an %s by its %s, for example:\n  %s", typeName, attr, example))
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attr), value)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), value)...)
}
