package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
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
	var m roleModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	setIdentity(ctx, resp.Identity, "name", m.Name, &resp.Diagnostics)
}

func (r *roleResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m roleModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	client := r.data.clientOrDiag(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || client == nil {
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
	importByName(ctx, req, resp, "etcd_role", "terraform import etcd_role.app app")
}

// importByName imports a user or role by its name, which is also its id,
// given as the import ID or as the identity's name.
func importByName(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse, typeName, example string) {
	name := importedString(ctx, req, "name", &resp.Diagnostics)
	if name == "" && !resp.Diagnostics.HasError() {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("Import an %s by its name, for example:\n  %s", typeName, example))
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), name)...)
}

// addExistsError reports that Create found what it was to create already in
// etcd, and how to import it instead.
func addExistsError(diags *diag.Diagnostics, summary, what, typeName, id string) {
	diags.AddError(summary, fmt.Sprintf("%s already exists in etcd, so it was left alone. To manage it with Terraform, import it:\n  terraform import %s.<name> '%s'\nor add an import block with id = %q.",
		what, typeName, id, id))
}

// addAuthError reports a failed call of the etcd auth API, explaining what
// permission denied means there.
func addAuthError(diags *diag.Diagnostics, summary string, err error) {
	detail := err.Error()
	if errors.Is(err, etcdclient.ErrPermissionDenied) {
		detail += "\n\nOnce authentication is on, only a user with the root role may manage users, roles, permissions and authentication itself: " +
			"configure the provider with such a user (username and password, or a client certificate whose common name is that user)."
	}
	diags.AddError(summary, detail)
}
