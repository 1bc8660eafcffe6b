package provider

import (
	"context"
	"errors"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

var (
	_ resource.ResourceWithConfigure   = (*authResource)(nil)
	_ resource.ResourceWithImportState = (*authResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*authResource)(nil)
	_ resource.ResourceWithIdentity    = (*authResource)(nil)
)

// authID is the id of etcd_auth: a cluster has one authentication switch.
const authID = "auth"

// NewAuthResource returns the etcd_auth resource.
func NewAuthResource() resource.Resource { return &authResource{} }

type authResource struct {
	data *ProviderData
}

type authModel struct {
	ID      types.String `tfsdk:"id"`
	Enabled types.Bool   `tfsdk:"enabled"`
}

func (r *authResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_auth"
}

func (r *authResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = authSchema()
}

func authSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "Whether the cluster requires authentication (`etcdctl auth enable` / `auth disable`). Manage it once per cluster.\n\n" +
			"etcd turns authentication on only when a user named `root` with the role `root` exists, so that someone can still manage it afterwards. " +
			"Create that user with `etcd_user` (and the role with `etcd_role`) and add them to `depends_on` of this resource: " +
			"Terraform then enables authentication after creating them, and on destroy disables it before deleting them (etcd refuses to delete `root` while authentication is on). " +
			"When etcd has no such user and the plan does not create one before this resource (an `etcd_user` named `root` with the role `root`, listed in `depends_on`), " +
			"the plan warns \"No root user yet\", and the apply fails with an error naming what is missing; nothing is changed. " +
			"With the user in `depends_on` there is no warning: Terraform plans it before this resource, and the provider notes it.\n\n" +
			"Configure the provider with the root user's credentials (or a client certificate for `root`) from the start: etcd accepts them while authentication is still off, " +
			"and every later call needs them. Destroying this resource disables authentication, which also needs the root role.\n\n" +
			"Import with any ID, such as `auth`: the current setting is read from etcd.",
		Attributes: map[string]schema.Attribute{
			"enabled": schema.BoolAttribute{
				Required:            true,
				MarkdownDescription: "`true` turns authentication on, `false` turns it off. A change made outside Terraform shows as a difference.",
			},
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Always `" + authID + "`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *authResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan warns when authentication is to be turned on but etcd has no
// root user with the root role yet, and this plan does not create one
// first. It cannot be an error: something outside this configuration may
// create the user before the apply. An etcd_user named root with the role
// root that this etcd_auth lists in depends_on is planned before it (see
// ProviderData.noteRootPlanned), so that configuration gets no warning.
func (r *authResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan authModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !plan.Enabled.ValueBool() || r.data.plansRoot() {
		return
	}
	client, err := r.data.Client()
	if err != nil {
		return // not configured yet, or unknown provider settings: checked at apply
	}
	if st, err := client.AuthStatus(ctx); err != nil || st.Enabled {
		return
	}
	if missing, err := rootProblem(ctx, client); err == nil && missing != "" {
		resp.Diagnostics.AddAttributeWarning(path.Root("enabled"), "No root user yet", missing+rootNotPlanned)
	}
}

const rootNotPlanned = " Nor is an etcd_user named root with the role root planned before this etcd_auth, so enabling authentication will fail " +
	"unless something outside this configuration creates that user first. " +
	"If this configuration creates it, list it in depends_on of this etcd_auth (depends_on = [etcd_user.root]): " +
	"Terraform then creates it first, and this warning goes away."

// rootProblem says what is missing for etcd to enable authentication: a user
// named root that has the role root. It returns "" when nothing is.
func rootProblem(ctx context.Context, client *etcdclient.Client) (string, error) {
	u, err := client.GetUser(ctx, "root")
	if errors.Is(err, etcdclient.ErrUserNotFound) {
		return "etcd has no user named root.", nil
	}
	if err != nil {
		return "", err
	}
	if !slices.Contains(u.Roles, "root") {
		return "The user root exists but does not have the role root.", nil
	}
	return "", nil
}

const rootNeeded = "\n\netcd enables authentication only when a user named root with the role root exists, so that someone can still manage the cluster afterwards. " +
	"Authentication was left off. Create the user, for example:\n" +
	"  resource \"etcd_role\" \"root\" { name = \"root\" }\n" +
	"  resource \"etcd_user\" \"root\" {\n" +
	"    name                = \"root\"\n" +
	"    password_wo         = var.root_password\n" +
	"    password_wo_version = 1\n" +
	"    roles               = [etcd_role.root.name]\n" +
	"  }\n" +
	"and add depends_on = [etcd_user.root] to the etcd_auth resource."

// setEnabled turns authentication on or off, checking first that turning it
// on cannot lock everyone out.
func (r *authResource) setEnabled(ctx context.Context, client *etcdclient.Client, enabled bool, diags *diag.Diagnostics) {
	if !enabled {
		if err := client.DisableAuth(ctx); err != nil {
			addAuthError(diags, "Cannot disable authentication", err)
		}
		return
	}
	st, err := client.AuthStatus(ctx)
	if err != nil {
		addAuthError(diags, "Cannot read the authentication status", err)
		return
	}
	if st.Enabled {
		return
	}
	missing, err := rootProblem(ctx, client)
	if err != nil {
		addAuthError(diags, "Cannot read the root user", err)
		return
	}
	if missing != "" {
		diags.AddAttributeError(path.Root("enabled"), "Root user missing", missing+rootNeeded)
		return
	}
	err = client.EnableAuth(ctx)
	if errors.Is(err, etcdclient.ErrRootMissing) { // the root user changed since the check
		diags.AddAttributeError(path.Root("enabled"), "Root user missing", err.Error()+rootNeeded)
		return
	}
	if err != nil {
		addAuthError(diags, "Cannot enable authentication", err)
	}
}

func (r *authResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.write(ctx, req.Plan, &resp.State, &resp.Diagnostics)
	setIdentity(ctx, resp.Identity, "id", types.StringValue(authID), &resp.Diagnostics)
}

func (r *authResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.write(ctx, req.Plan, &resp.State, &resp.Diagnostics)
	setIdentity(ctx, resp.Identity, "id", types.StringValue(authID), &resp.Diagnostics)
}

func (r *authResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = stringIdentitySchema("id", "Always `"+authID+"`: a cluster has one authentication switch.")
}

// write applies the planned setting and records it.
func (r *authResource) write(ctx context.Context, plan tfsdk.Plan, state *tfsdk.State, diags *diag.Diagnostics) {
	var m authModel
	diags.Append(plan.Get(ctx, &m)...)
	client := r.data.clientOrDiag(diags)
	if diags.HasError() || client == nil {
		return
	}
	r.setEnabled(ctx, client, m.Enabled.ValueBool(), diags)
	if diags.HasError() {
		return
	}
	m.ID = types.StringValue(authID)
	diags.Append(state.Set(ctx, &m)...)
}

func (r *authResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m authModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	client := r.data.clientOrDiag(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || client == nil {
		return
	}
	st, err := client.AuthStatus(ctx)
	if err != nil {
		addAuthError(&resp.Diagnostics, "Cannot read the authentication status", err)
		return
	}
	m.ID, m.Enabled = types.StringValue(authID), types.BoolValue(st.Enabled)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	setIdentity(ctx, resp.Identity, "id", m.ID, &resp.Diagnostics)
}

// Delete disables authentication.
func (r *authResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	client := r.data.clientOrDiag(&resp.Diagnostics)
	if client == nil {
		return
	}
	r.setEnabled(ctx, client, false, &resp.Diagnostics)
}

func (r *authResource) ImportState(ctx context.Context, _ resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), authID)...)
}
