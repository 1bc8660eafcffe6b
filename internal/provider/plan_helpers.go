package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// requiredReplaceString is a required, non-empty string whose change replaces
// the resource: a user or role name, a permission's role or key.
func requiredReplaceString(desc string) schema.StringAttribute {
	return schema.StringAttribute{
		Required:            true,
		MarkdownDescription: desc,
		PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
	}
}

// updateFromPlan is Update for a resource whose in-place changes touch only
// Terraform's own settings: the plan becomes the state, and identityAttr
// (a string) its identity.
func updateFromPlan[M any](ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse, identityAttr string) {
	var m M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	var id types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root(identityAttr), &id)...)
	setIdentity(ctx, resp.Identity, identityAttr, id, &resp.Diagnostics)
}
