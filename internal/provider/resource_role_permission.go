package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

var (
	_ resource.ResourceWithConfigure      = (*rolePermissionResource)(nil)
	_ resource.ResourceWithImportState    = (*rolePermissionResource)(nil)
	_ resource.ResourceWithValidateConfig = (*rolePermissionResource)(nil)
	_ resource.ResourceWithIdentity       = (*rolePermissionResource)(nil)
)

// NewRolePermissionResource returns the etcd_role_permission resource.
func NewRolePermissionResource() resource.Resource { return &rolePermissionResource{} }

type rolePermissionResource struct {
	data *ProviderData
}

type rolePermissionModel struct {
	ID         types.String `tfsdk:"id"`
	Role       types.String `tfsdk:"role"`
	Key        types.String `tfsdk:"key"`
	RangeEnd   types.String `tfsdk:"range_end"`
	Prefix     types.Bool   `tfsdk:"prefix"`
	Permission types.String `tfsdk:"permission"`
}

func (r *rolePermissionResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_role_permission"
}

func (r *rolePermissionResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = rolePermissionSchema()
}

func rolePermissionSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "One permission of an etcd role: what the role may do on a key or a key range, as `etcdctl role grant-permission` grants it. " +
			"A role may have several permissions, each its own resource; a resource only ever grants, changes and revokes its own permission " +
			"(the same role, key and range end) and leaves the role's other permissions alone.\n\n" +
			"Import with a JSON object naming the role, the key and the range end (`\"\"`, or left out, for a single key), for example:\n\n" +
			"```\nterraform import etcd_role_permission.app_read '{\"key\":\"/app/\",\"range_end\":\"/app0\",\"role\":\"app\"}'\n```\n\n" +
			"In an `import` block, `jsonencode({ role = \"app\", key = \"/app/\", range_end = \"/app0\" })` writes it for keys with any character. " +
			"The `id` attribute has this format, with the members in this order.",
		Attributes: map[string]schema.Attribute{
			"role": requiredReplaceString("The role to grant the permission to. Reference `etcd_role.<name>.name` so the role is created first. Changing it replaces the permission."),
			"key":  requiredReplaceString("The key, or the first key of the range. Changing it replaces the permission."),
			"range_end": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "The end of the range [`key`, `range_end`), as etcd defines it. Leave it unset for the single key `key`, " +
					"`\"\\u0000\"` means every key from `key` on. Conflicts with `prefix`, unless it is the end of that prefix. When unset, it is computed: empty for a single key, " +
					"or the end of the prefix with `prefix = true`. Changing it replaces the permission.",
				PlanModifiers: []planmodifier.String{rangeEndModifier{}, stringplanmodifier.RequiresReplace()},
			},
			"prefix": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "`true` grants the permission on every key starting with `key` (as `etcdctl role grant-permission --prefix`): " +
					"`range_end` becomes the end of that prefix, such as `/app0` for `/app/`. Conflicts with a `range_end` other than that.",
			},
			"permission": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "`READ`, `WRITE` or `READWRITE`. Changing it updates the permission in place.",
				Validators:          []validator.String{stringvalidator.OneOf("READ", "WRITE", "READWRITE")},
			},
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The permission as the import ID: a JSON object `{\"key\":...,\"range_end\":...,\"role\":...}`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

// rangeEndModifier plans range_end when it is not configured: the prefix
// end of key with prefix = true, otherwise empty (the single key).
type rangeEndModifier struct{}

func (rangeEndModifier) Description(context.Context) string {
	return "computes the range end from key and prefix when it is not set"
}

func (m rangeEndModifier) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (rangeEndModifier) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if !req.ConfigValue.IsNull() {
		return
	}
	var key types.String
	var prefix types.Bool
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("key"), &key)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("prefix"), &prefix)...)
	switch {
	case key.IsUnknown() || prefix.IsUnknown():
		resp.PlanValue = types.StringUnknown()
	case prefix.ValueBool():
		resp.PlanValue = types.StringValue(etcdclient.PrefixRangeEnd(key.ValueString()))
	default:
		resp.PlanValue = types.StringValue("")
	}
}

func (r *rolePermissionResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *rolePermissionResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m rolePermissionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.Key.IsUnknown() {
		return
	}
	key := m.Key.ValueString()
	if m.Prefix.ValueBool() {
		// Both may be set when they agree, as configuration generated from
		// an imported or listed prefix permission has them.
		if !m.RangeEnd.IsNull() && !m.RangeEnd.IsUnknown() && m.RangeEnd.ValueString() != etcdclient.PrefixRangeEnd(key) {
			resp.Diagnostics.AddAttributeError(path.Root("range_end"), "Conflicting range settings",
				fmt.Sprintf("range_end %q and prefix = true both say where the range ends, and disagree (the prefix ends at %q): set only one.",
					m.RangeEnd.ValueString(), etcdclient.PrefixRangeEnd(key)))
		} else if end := etcdclient.PrefixRangeEnd(key); !utf8.ValidString(end) {
			resp.Diagnostics.AddAttributeError(path.Root("prefix"), "Prefix end is not text",
				fmt.Sprintf("The end of the prefix %q is the byte string %q, which is not valid UTF-8 and so cannot be held by a Terraform string. "+
					"Set range_end instead of prefix.", key, end))
		}
		return
	}
	if m.RangeEnd.IsNull() || m.RangeEnd.IsUnknown() {
		return
	}
	if end := m.RangeEnd.ValueString(); end != "" && end != "\x00" && end <= key {
		resp.Diagnostics.AddAttributeError(path.Root("range_end"), "Empty key range",
			fmt.Sprintf("range_end %q does not sort after key %q, so the range [key, range_end) holds no key and etcd refuses it. "+
				"Leave range_end unset for the single key, use prefix = true for every key starting with key, or \"\\u0000\" for every key from key on.", end, key))
	}
}

// permissionID identifies one permission of a role. Its JSON form, with the
// members in this (sorted) order, is the resource ID and the import ID.
type permissionID struct {
	Key      string `json:"key"`
	RangeEnd string `json:"range_end"`
	Role     string `json:"role"`
}

const permissionIDFormat = `{"key":"/app/","range_end":"/app0","role":"app"}`

func (p permissionID) String() string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(p) // three strings always encode
	return strings.TrimSuffix(b.String(), "\n")
}

// parsePermissionID reads an import ID: a JSON object with the role, the key
// and optionally the range end, and nothing else.
func parsePermissionID(id string) (permissionID, error) {
	var raw struct {
		Key      *string `json:"key"`
		RangeEnd *string `json:"range_end"`
		Role     *string `json:"role"`
	}
	dec := json.NewDecoder(strings.NewReader(id))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return permissionID{}, fmt.Errorf("not a JSON object with role, key and range_end: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return permissionID{}, errors.New("unexpected text after the JSON object")
	}
	switch {
	case raw.Role == nil || *raw.Role == "":
		return permissionID{}, errors.New(`"role" is missing or empty`)
	case raw.Key == nil || *raw.Key == "":
		return permissionID{}, errors.New(`"key" is missing or empty`)
	}
	p := permissionID{Role: *raw.Role, Key: *raw.Key}
	if raw.RangeEnd != nil {
		p.RangeEnd = *raw.RangeEnd
	}
	return p, nil
}

func (m *rolePermissionModel) permissionID() permissionID {
	return permissionID{Role: m.Role.ValueString(), Key: m.Key.ValueString(), RangeEnd: m.RangeEnd.ValueString()}
}

func (m *rolePermissionModel) permissionType() etcdclient.PermissionType {
	t, _ := etcdclient.ParsePermissionType(m.Permission.ValueString()) // validated by the schema
	return t
}

func (r *rolePermissionResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m rolePermissionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	client := r.data.clientOrDiag(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || client == nil {
		return
	}
	id := m.permissionID()
	p, err := findPermission(ctx, client, id)
	if errors.Is(err, etcdclient.ErrRoleNotFound) {
		resp.Diagnostics.AddAttributeError(path.Root("role"), "Role not found",
			fmt.Sprintf("The role %q does not exist. Create it with an etcd_role and set role = etcd_role.<name>.name, so that Terraform creates the role first.", id.Role))
		return
	}
	if err != nil {
		addAuthError(&resp.Diagnostics, "Cannot read etcd role", err)
		return
	}
	if p != nil && p.Type != m.permissionType() {
		addExistsError(&resp.Diagnostics, "Permission already exists",
			fmt.Sprintf("The role %q already has a %s permission on %s", id.Role, p.Type, describeRange(id.Key, id.RangeEnd)), "etcd_role_permission", id.String())
		return
	}
	if p == nil { // else an interrupted create granted it already: adopt it
		if err := client.GrantPermission(ctx, id.Role, id.Key, id.RangeEnd, m.permissionType()); err != nil {
			addAuthError(&resp.Diagnostics, "Cannot grant permission", err)
			return
		}
	}
	m.ID = types.StringValue(id.String())
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	setPermissionIdentity(ctx, resp.Identity, id, &resp.Diagnostics)
}

func (r *rolePermissionResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m rolePermissionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	client := r.data.clientOrDiag(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || client == nil {
		return
	}
	id := m.permissionID()
	p, err := findPermission(ctx, client, id)
	if err != nil && !errors.Is(err, etcdclient.ErrRoleNotFound) {
		addAuthError(&resp.Diagnostics, "Cannot read etcd role", err)
		return
	}
	setPermissionIdentity(ctx, resp.Identity, id, &resp.Diagnostics)
	if p == nil { // the permission, or its whole role, is gone
		resp.State.RemoveResource(ctx)
		return
	}
	m.ID = types.StringValue(id.String())
	m.RangeEnd = types.StringValue(id.RangeEnd)
	m.Permission = types.StringValue(p.Type.String())
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// findPermission returns the permission of id's role on exactly id's range,
// or nil. A missing role is an error wrapping etcdclient.ErrRoleNotFound.
func findPermission(ctx context.Context, client *etcdclient.Client, id permissionID) (*etcdclient.Permission, error) {
	role, err := client.GetRole(ctx, id.Role)
	if err != nil {
		return nil, err
	}
	return role.FindPermission(id.Key, id.RangeEnd), nil
}

// Update changes the permission type (granting the same range again replaces
// it in etcd) or only prefix, which does not change the range.
func (r *rolePermissionResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state rolePermissionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := r.data.clientOrDiag(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || client == nil {
		return
	}
	if !plan.Permission.Equal(state.Permission) {
		id := plan.permissionID()
		if err := client.GrantPermission(ctx, id.Role, id.Key, id.RangeEnd, plan.permissionType()); err != nil {
			addAuthError(&resp.Diagnostics, "Cannot change permission", err)
			return
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setPermissionIdentity(ctx, resp.Identity, plan.permissionID(), &resp.Diagnostics)
}

func (r *rolePermissionResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m rolePermissionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	client := r.data.clientOrDiag(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || client == nil {
		return
	}
	id := m.permissionID()
	err := client.RevokePermission(ctx, id.Role, id.Key, id.RangeEnd)
	if err != nil && !errors.Is(err, etcdclient.ErrPermNotGranted) && !errors.Is(err, etcdclient.ErrRoleNotFound) {
		addAuthError(&resp.Diagnostics, "Cannot revoke permission", err)
	}
}

func (r *rolePermissionResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"role":      identityschema.StringAttribute{RequiredForImport: true, Description: "The role."},
		"key":       identityschema.StringAttribute{RequiredForImport: true, Description: "The key, or the start of the key range."},
		"range_end": identityschema.StringAttribute{OptionalForImport: true, Description: "The end of the key range; empty or unset for the single key."},
	}}
}

// permissionIdentity is the resource identity of etcd_role_permission.
type permissionIdentity struct {
	Role     types.String `tfsdk:"role"`
	Key      types.String `tfsdk:"key"`
	RangeEnd types.String `tfsdk:"range_end"`
}

func setPermissionIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, id permissionID, diags *diag.Diagnostics) {
	if identity != nil {
		diags.Append(identity.Set(ctx, permissionIdentity{
			Role: types.StringValue(id.Role), Key: types.StringValue(id.Key), RangeEnd: types.StringValue(id.RangeEnd),
		})...)
	}
}

// importedPermissionID reads the import ID, or the identity when the
// import uses one.
func importedPermissionID(ctx context.Context, req resource.ImportStateRequest, diags *diag.Diagnostics) (permissionID, error) {
	if req.ID != "" || req.Identity == nil {
		return parsePermissionID(req.ID)
	}
	var ident permissionIdentity
	diags.Append(req.Identity.Get(ctx, &ident)...)
	if ident.Role.ValueString() == "" || ident.Key.ValueString() == "" {
		return permissionID{}, errors.New("the identity needs role and key")
	}
	return permissionID{Role: ident.Role.ValueString(), Key: ident.Key.ValueString(), RangeEnd: ident.RangeEnd.ValueString()}, nil
}

func (r *rolePermissionResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, err := importedPermissionID(ctx, req, &resp.Diagnostics)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("The import ID %q is not valid: %v.\n\n"+
				"Import an etcd_role_permission with a JSON object naming the role, the key and the range end (\"\" or left out for a single key), for example:\n"+
				"  terraform import etcd_role_permission.app_read '%s'\n"+
				"or, in an import block:\n"+
				"  id = jsonencode({ role = \"app\", key = \"/app/\", range_end = \"/app0\" })",
				req.ID, err, permissionIDFormat))
		return
	}
	m := rolePermissionModel{
		ID:       types.StringValue(id.String()),
		Role:     types.StringValue(id.Role),
		Key:      types.StringValue(id.Key),
		RangeEnd: types.StringValue(id.RangeEnd),
		// A range that is exactly a prefix was most likely granted as one.
		Prefix:     types.BoolNull(),
		Permission: types.StringNull(),
	}
	if id.RangeEnd != "" && id.RangeEnd == etcdclient.PrefixRangeEnd(id.Key) {
		m.Prefix = types.BoolValue(true)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	setPermissionIdentity(ctx, resp.Identity, id, &resp.Diagnostics)
}

// describeRange names a key or key range as etcdctl people say it.
func describeRange(key, rangeEnd string) string {
	switch {
	case rangeEnd == "":
		return fmt.Sprintf("the key %q", key)
	case rangeEnd == etcdclient.PrefixRangeEnd(key):
		return fmt.Sprintf("the prefix %q", key)
	case rangeEnd == "\x00":
		return fmt.Sprintf("every key from %q on", key)
	}
	return fmt.Sprintf("the range [%q, %q)", key, rangeEnd)
}
