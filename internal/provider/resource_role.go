package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

var (
	_ resource.ResourceWithConfigure   = (*roleResource)(nil)
	_ resource.ResourceWithImportState = (*roleResource)(nil)
	_ resource.ResourceWithIdentity    = (*roleResource)(nil)
)

// NewRoleResource returns the etcd_role resource.
func NewRoleResource() resource.Resource { return &roleResource{} }

type roleResource struct {
	data *ProviderData
}

type roleModel struct {
	ID   types.String `tfsdk:"id"`
	Name types.String `tfsdk:"name"`
}

func (r *roleResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_role"
}

func (r *roleResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = roleSchema()
}

func roleSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "An etcd role. Give it key-range permissions with `etcd_role_permission` and grant it to users with `etcd_user.roles`. " +
			"Creating fails if the role already exists (import it instead).\n\n" +
			"Destroying a role that users still have is allowed by etcd: the role disappears from every user that had it, together with the access it gave. " +
			"An `etcd_user` that lists the role then shows a difference on its next plan (and its apply fails until the role exists again), " +
			"so reference `etcd_role.<name>.name` in `etcd_user.roles` to let Terraform order the changes. " +
			"While authentication is on, etcd refuses to delete the `root` role.",
		Attributes: map[string]schema.Attribute{
			"name": requiredReplaceString("The role name. Changing it replaces the role (its permissions go with it)."),
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The role name.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *roleResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *roleResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m roleModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	client := r.data.clientOrDiag(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || client == nil {
		return
	}
	name := m.Name.ValueString()
	err := client.CreateRole(ctx, name)
	if errors.Is(err, etcdclient.ErrRoleExists) {
		addExistsError(&resp.Diagnostics, "Role already exists", fmt.Sprintf("The role %q", name), "etcd_role", name)
		return
	}
	if err != nil {
		addAuthError(&resp.Diagnostics, "Cannot create etcd role", err)
		return
	}
	m.ID = types.StringValue(name)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	setIdentity(ctx, resp.Identity, "name", m.Name, &resp.Diagnostics)
}

func (r *roleResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m roleModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	client := r.data.clientOrDiag(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || client == nil {
		return
	}
	_, err := client.GetRole(ctx, m.Name.ValueString())
	if errors.Is(err, etcdclient.ErrRoleNotFound) {
		removeResource(ctx, resp, "name", m.Name)
		return
	}
	if err != nil {
		addAuthError(&resp.Diagnostics, "Cannot read etcd role", err)
		return
	}
	m.ID = m.Name
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	setIdentity(ctx, resp.Identity, "name", m.Name, &resp.Diagnostics)
}

// Update has nothing to do: changing the name replaces the role.
func (r *roleResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	updateFromPlan[roleModel](ctx, req, resp, "name")
}

func (r *roleResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m roleModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	client := r.data.clientOrDiag(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || client == nil {
		return
	}
	if refuseRootRemoval(ctx, client, "role", m.Name.ValueString(), &resp.Diagnostics) {
		return
	}
	err := client.DeleteRole(ctx, m.Name.ValueString())
	if err != nil && !errors.Is(err, etcdclient.ErrRoleNotFound) {
		addAuthError(&resp.Diagnostics, "Cannot delete etcd role", err)
	}
}

func (r *roleResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = stringIdentitySchema("name", "The role name.")
}

func (r *roleResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByString(ctx, req, resp, "name", "etcd_role", "terraform import etcd_role.app app")
}
