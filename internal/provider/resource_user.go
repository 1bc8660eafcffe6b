package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/protocol"
)

var (
	_ resource.ResourceWithConfigure      = (*userResource)(nil)
	_ resource.ResourceWithImportState    = (*userResource)(nil)
	_ resource.ResourceWithValidateConfig = (*userResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*userResource)(nil)
	_ resource.ResourceWithIdentity       = (*userResource)(nil)
)

// privateImported marks a user imported since its last apply: etcd cannot
// tell whether a user has a password, so no_password is taken from the
// configuration instead of replacing the user.
const privateImported = "imported"

// NewUserResource returns the etcd_user resource.
func NewUserResource() resource.Resource { return &userResource{} }

type userResource struct {
	data *ProviderData
}

type userModel struct {
	ID                types.String `tfsdk:"id"`
	Name              types.String `tfsdk:"name"`
	Password          types.String `tfsdk:"password"`
	PasswordWO        types.String `tfsdk:"password_wo"`
	PasswordWOVersion types.Int64  `tfsdk:"password_wo_version"`
	NoPassword        types.Bool   `tfsdk:"no_password"`
	Roles             types.Set    `tfsdk:"roles"`
}

func (r *userResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user"
}

func (r *userResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = userSchema()
}

func userSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "An etcd user and the roles granted to it. Creating fails if the user already exists (import it instead).\n\n" +
			"etcd never returns passwords, so a password changed outside Terraform (for example with `etcdctl user passwd`) is **not detected**: " +
			"Terraform sets the password only when the user is created and when `password` or `password_wo_version` changes. " +
			"Roles are read back: a role granted or revoked outside Terraform shows as a difference and the next apply undoes it.\n\n" +
			"Set at most one of `password`, `password_wo` and `no_password`. One of them is needed to create a user (etcd would otherwise accept an empty password); " +
			"an imported user may have none, which leaves its password alone. " +
			"After an import the password is unknown to Terraform, so the first apply sets it from the configuration.\n\n" +
			"Changing the password of the user the provider itself connects as ends that user's sessions: later calls in the same run fail to authenticate, " +
			"so change it in a run of its own and update the provider configuration afterwards.",
		Attributes: map[string]schema.Attribute{
			"name": requiredReplaceString("The user name. Changing it replaces the user. A client certificate authenticates as the user named by its common name (CN)."),
			"password": schema.StringAttribute{
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
				MarkdownDescription: "The password. It is kept in the state and in plan files (marked sensitive); prefer `password_wo` to keep it out of them. " +
					"Changing it sets the new password; removing it leaves the password in etcd as it is.",
			},
			"password_wo": schema.StringAttribute{
				Optional:   true,
				Sensitive:  true,
				WriteOnly:  true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
				MarkdownDescription: "The password, write-only: it is never stored in the state or in plan files. Needs Terraform 1.11+ or OpenTofu 1.11+. " +
					"It is sent when the user is created and whenever `password_wo_version` changes; changing only `password_wo` does nothing.",
			},
			"password_wo_version": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Any number; change it (for example increment it) to set `password_wo` again. " +
					"Requires `password_wo`.",
				Validators: []validator.Int64{int64validator.AlsoRequires(path.MatchRoot("password_wo"))},
			},
			"no_password": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "`true` creates a user without a password that can only authenticate with a client certificate whose common name is the user's name. " +
					"Needs etcd 3.5+. Changing it replaces the user. Defaults to `false`.",
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplaceIf(requiresReplaceUnlessImported,
					"Changing no_password replaces the user, except right after an import.",
					"Changing `no_password` replaces the user, except right after an import.")},
			},
			"roles": schema.SetAttribute{
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Default:     setdefault.StaticValue(types.SetValueMust(types.StringType, []attr.Value{})),
				MarkdownDescription: "Names of the roles the user has. Missing roles are granted and others revoked, so that the user has exactly these. " +
					"Defaults to none. The roles must exist: reference `etcd_role.<name>.name`. The role `root` makes the user an administrator.",
				Validators: []validator.Set{setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
			},
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The user name.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func requiresReplaceUnlessImported(ctx context.Context, req planmodifier.BoolRequest, resp *boolplanmodifier.RequiresReplaceIfFuncResponse) {
	imported, diags := req.Private.GetKey(ctx, privateImported)
	resp.Diagnostics.Append(diags...)
	resp.RequiresReplace = len(imported) == 0
}

func (r *userResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *userResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m userModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var set []string
	if !m.Password.IsNull() {
		set = append(set, "password")
	}
	if !m.PasswordWO.IsNull() {
		set = append(set, "password_wo")
	}
	if m.NoPassword.ValueBool() {
		set = append(set, "no_password = true")
	}
	if len(set) > 1 { // on the resource: Terraform would print the line of a literal password
		resp.Diagnostics.AddError("Conflicting password settings",
			fmt.Sprintf("%s are set; set at most one of password, password_wo and no_password = true.", protocol.JoinAnd(set)))
	}
}

// ModifyPlan refuses to create a user without any password setting: etcd
// would create it with the empty password, which anyone could log in with.
// A user is created when there is none yet, and when it is replaced (a new
// name or no_password).
func (r *userResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var config, plan, state userModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	creating := req.State.Raw.IsNull() || !plan.Name.Equal(state.Name) || !plan.NoPassword.Equal(state.NoPassword)
	if creating && config.Password.IsNull() && config.PasswordWO.IsNull() && !config.NoPassword.IsUnknown() && !config.NoPassword.ValueBool() {
		resp.Diagnostics.AddAttributeError(path.Root("password"), "No password for the new user", noPasswordSetting(plan.Name.String()))
	}
	if creating && plan.NoPassword.ValueBool() {
		r.checkNoPasswordAtPlan(ctx, &resp.Diagnostics)
	}
	if plan.Name.ValueString() == "root" && slices.ContainsFunc(plan.Roles.Elements(), types.StringValue("root").Equal) {
		r.data.noteRootPlanned() // for etcd_auth's plan warning
	}
}

// checkNoPasswordAtPlan fails the plan of a user without a password on a
// server older than etcd 3.5, with the error the apply would fail with.
// The provider is connected at plan time once its settings are known;
// when they are not, or the version cannot be read now, the apply checks.
func (r *userResource) checkNoPasswordAtPlan(ctx context.Context, diags *diag.Diagnostics) {
	client, err := r.data.Client()
	if err != nil {
		return
	}
	if ok, version, err := client.SupportsNoPassword(ctx); err == nil && !ok {
		addNoPasswordUnsupported(diags, version)
	}
}

func noPasswordSetting(user string) string {
	return fmt.Sprintf("The user %s would be created without any password setting, and etcd would then accept the empty password for it. "+
		"Set password_wo (with password_wo_version), password, or no_password = true for a user that authenticates only with a client certificate.", user)
}

// password returns the password to set: password from the plan, or the
// write-only password_wo from the configuration.
func (r *userResource) password(ctx context.Context, plan userModel, config tfsdk.Config, diags *diag.Diagnostics) string {
	if !plan.Password.IsNull() {
		return plan.Password.ValueString()
	}
	var wo types.String
	diags.Append(config.GetAttribute(ctx, path.Root("password_wo"), &wo)...)
	return wo.ValueString()
}

func (r *userResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	// Creating a user and granting its roles are several calls: a stop
	// (Ctrl-C) lets them finish, each within the request timeout, rather
	// than leave a user without its roles.
	ctx = context.WithoutCancel(ctx)
	var m userModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	client := r.data.clientOrDiag(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || client == nil {
		return
	}
	name := m.Name.ValueString()
	roles := stringSet(ctx, m.Roles, &resp.Diagnostics)
	if !rolesExist(ctx, client, name, roles, &resp.Diagnostics) {
		return // nothing created
	}
	var err error
	if m.NoPassword.ValueBool() {
		if !noPasswordSupported(ctx, client, &resp.Diagnostics) {
			return
		}
		err = client.CreateUserWithoutPassword(ctx, name)
	} else {
		password := r.password(ctx, m, req.Config, &resp.Diagnostics)
		if password == "" { // checked at plan unless it was unknown then
			resp.Diagnostics.AddAttributeError(path.Root("password"), "No password for the new user", noPasswordSetting(m.Name.String()))
		}
		if resp.Diagnostics.HasError() {
			return
		}
		err = client.CreateUser(ctx, name, password)
	}
	if errors.Is(err, etcdclient.ErrUserExists) {
		addExistsError(&resp.Diagnostics, "User already exists", fmt.Sprintf("The user %q", name), "etcd_user", name)
		return
	}
	if err != nil {
		addAuthError(&resp.Diagnostics, "Cannot create etcd user", err)
		return
	}
	m.ID = types.StringValue(name)
	m.Roles = r.syncRoles(ctx, client, name, nil, roles, &resp.Diagnostics)
	if resp.Diagnostics.HasError() && rollBackUser(ctx, client, name, &resp.Diagnostics) {
		return // nothing recorded, nothing left behind: the next apply creates the user again
	}
	// A user left half-made is recorded, and Terraform marks it tainted.
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	setIdentity(ctx, resp.Identity, "name", m.Name, &resp.Diagnostics)
}

// rollBackUser deletes a user whose roles could not all be granted, and
// reports whether it is gone.
func rollBackUser(ctx context.Context, client *etcdclient.Client, name string, diags *diag.Diagnostics) bool {
	if err := client.DeleteUser(ctx, name); err != nil && !errors.Is(err, etcdclient.ErrUserNotFound) {
		diags.AddWarning("User left half-made", fmt.Sprintf("The user %q was created, but not all its roles were granted, and deleting it again failed: %v. "+
			"It is recorded in the state, and the next apply replaces it.", name, err))
		return false
	}
	return true
}

func noPasswordSupported(ctx context.Context, client *etcdclient.Client, diags *diag.Diagnostics) bool {
	ok, version, err := client.SupportsNoPassword(ctx)
	if err != nil {
		addAuthError(diags, "Cannot read the etcd version", err)
		return false
	}
	if !ok {
		addNoPasswordUnsupported(diags, version)
		return false
	}
	return true
}

func addNoPasswordUnsupported(diags *diag.Diagnostics, version string) {
	diags.AddAttributeError(path.Root("no_password"), "Users without password need etcd 3.5",
		fmt.Sprintf("etcd %s does not know users without a password (added in etcd 3.5); it would create the user with an empty password instead. "+
			"Upgrade etcd, or give the user a password.", version))
}

func (r *userResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m userModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	client := r.data.clientOrDiag(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || client == nil {
		return
	}
	u, err := client.GetUser(ctx, m.Name.ValueString())
	if errors.Is(err, etcdclient.ErrUserNotFound) {
		removeResource(ctx, resp, "name", m.Name)
		return
	}
	if err != nil {
		addAuthError(&resp.Diagnostics, "Cannot read etcd user", err)
		return
	}
	// The password cannot be read back: password and password_wo_version
	// keep what the state holds.
	m.ID = m.Name
	m.Roles = stringSetValue(u.Roles)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	setIdentity(ctx, resp.Identity, "name", m.Name, &resp.Diagnostics)
}

func (r *userResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state userModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := r.data.clientOrDiag(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || client == nil {
		return
	}
	name := plan.Name.ValueString()
	passwordChanged := !plan.Password.IsNull() && !plan.Password.Equal(state.Password)
	versionChanged := !plan.PasswordWOVersion.IsNull() && !plan.PasswordWOVersion.Equal(state.PasswordWOVersion)
	if passwordChanged || versionChanged {
		password := r.password(ctx, plan, req.Config, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
		if err := client.ChangePassword(ctx, name, password); err != nil {
			addAuthError(&resp.Diagnostics, "Cannot change the password of the etcd user", err)
			return
		}
	}
	plan.Roles = r.syncRoles(ctx, client, name, stringSet(ctx, state.Roles, &resp.Diagnostics), stringSet(ctx, plan.Roles, &resp.Diagnostics), &resp.Diagnostics)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, nil)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setIdentity(ctx, resp.Identity, "name", plan.Name, &resp.Diagnostics)
}

func (r *userResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m userModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	client := r.data.clientOrDiag(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || client == nil {
		return
	}
	if refuseRootRemoval(ctx, client, "user", m.Name.ValueString(), &resp.Diagnostics) {
		return
	}
	err := client.DeleteUser(ctx, m.Name.ValueString())
	if err != nil && !errors.Is(err, etcdclient.ErrUserNotFound) {
		addAuthError(&resp.Diagnostics, "Cannot delete etcd user", err)
	}
}

func (r *userResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = stringIdentitySchema("name", "The user name.")
}

func (r *userResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByString(ctx, req, resp, "name", "etcd_user", "terraform import etcd_user.app app")
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("no_password"), false)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, []byte("true"))...)
}

// syncRoles grants the roles in want the user lacks and revokes those in
// have it should not have, and returns the roles the user has afterwards.
// It stops at the first failure, which it reports.
func (r *userResource) syncRoles(ctx context.Context, client *etcdclient.Client, user string, have, want map[string]bool, diags *diag.Diagnostics) types.Set {
	now := map[string]bool{}
	for role := range have {
		now[role] = true
	}
	for _, role := range sortedKeys(have) {
		if want[role] {
			continue
		}
		err := client.RevokeRole(ctx, user, role)
		if err != nil && !errors.Is(err, etcdclient.ErrRoleNotGranted) && !errors.Is(err, etcdclient.ErrRoleNotFound) {
			addAuthError(diags, "Cannot revoke role", err)
			return stringSetValue(sortedKeys(now))
		}
		delete(now, role)
	}
	for _, role := range sortedKeys(want) {
		if now[role] {
			continue
		}
		err := client.GrantRole(ctx, user, role)
		if errors.Is(err, etcdclient.ErrRoleNotFound) {
			addRoleNotFound(diags, role, user)
			return stringSetValue(sortedKeys(now))
		}
		if err != nil {
			addAuthError(diags, "Cannot grant role", err)
			return stringSetValue(sortedKeys(now))
		}
		now[role] = true
	}
	return stringSetValue(sortedKeys(now))
}

// rolesExist checks, before a user is created, that every role to grant
// exists, so that a missing role leaves nothing behind.
func rolesExist(ctx context.Context, client *etcdclient.Client, user string, roles map[string]bool, diags *diag.Diagnostics) bool {
	for _, role := range sortedKeys(roles) {
		_, err := client.GetRole(ctx, role)
		if errors.Is(err, etcdclient.ErrRoleNotFound) {
			addRoleNotFound(diags, role, user)
			return false
		}
		if err != nil {
			addAuthError(diags, "Cannot read role", err)
			return false
		}
	}
	return true
}
