package provider

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

var (
	_ list.ListResourceWithConfigure      = (*rolePermissionList)(nil)
	_ list.ListResourceWithValidateConfig = (*rolePermissionList)(nil)
)

// NewRolePermissionList returns the etcd_role_permission list resource.
func NewRolePermissionList() list.ListResource { return &rolePermissionList{} }

type rolePermissionList struct {
	data *ProviderData
}

type rolePermissionListModel struct {
	Role types.String `tfsdk:"role"`
}

func (l *rolePermissionList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_role_permission"
}

func (l *rolePermissionList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the permissions of every etcd role, or of one role, each as an `etcd_role_permission` to import, " +
			"in role order and, within a role, in the order etcd keeps them. A permission whose range is exactly a prefix " +
			"(such as [`/app/`, `/app0`)) is listed with `prefix = true`, as after `terraform import`.",
		Attributes: map[string]schema.Attribute{
			"role": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "List only the permissions of this role. A role that does not exist is an error.",
			},
		},
	}
}

func (l *rolePermissionList) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (l *rolePermissionList) ValidateListResourceConfig(ctx context.Context, req list.ValidateConfigRequest, resp *list.ValidateConfigResponse) {
	var m rolePermissionListModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	m.check(&resp.Diagnostics)
}

func (m *rolePermissionListModel) check(diags *diag.Diagnostics) {
	if !m.Role.IsNull() && !m.Role.IsUnknown() && m.Role.ValueString() == "" {
		diags.AddAttributeError(path.Root("role"), "Empty role", "role must name a role; leave it unset to list the permissions of every role.")
	}
}

func (l *rolePermissionList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var m rolePermissionListModel
	streamList(ctx, l.data, req, stream, &m, (*rolePermissionListModel).check, func(client *etcdclient.Client, s *listStream) {
		roles := []string{m.Role.ValueString()}
		if m.Role.IsNull() {
			var err error
			if roles, err = client.ListRoles(ctx); err != nil {
				s.failAuth("Cannot list etcd roles", err)
				return
			}
			sort.Strings(roles)
		}
		for _, name := range roles {
			role, err := client.GetRole(ctx, name)
			switch {
			case errors.Is(err, etcdclient.ErrRoleNotFound) && m.Role.IsNull():
				continue // deleted since the list was read
			case errors.Is(err, etcdclient.ErrRoleNotFound):
				var diags diag.Diagnostics
				diags.AddAttributeError(path.Root("role"), "Role not found", fmt.Sprintf("The role %q does not exist.", name))
				s.push(list.ListResult{Diagnostics: diags})
				return
			case err != nil:
				s.failAuth("Cannot read etcd role", err)
				return
			}
			for _, p := range role.Permissions {
				if !s.emit(permissionResult(ctx, req, name, p)) {
					return
				}
			}
		}
	})
}

// permissionResult is one permission as a list result: its identity and,
// when asked, the resource as an import of it reads it.
func permissionResult(ctx context.Context, req list.ListRequest, role string, p etcdclient.Permission) list.ListResult {
	id := permissionID{Role: role, Key: p.Key, RangeEnd: p.RangeEnd}
	r := req.NewListResult(ctx)
	r.DisplayName = fmt.Sprintf("%s: %s on %s", role, p.Type, describeRange(p.Key, p.RangeEnd))
	setPermissionIdentity(ctx, r.Identity, id, &r.Diagnostics)
	if req.IncludeResource {
		m := rolePermissionModel{
			ID: types.StringValue(id.String()), Role: types.StringValue(role), Key: types.StringValue(p.Key),
			RangeEnd: types.StringValue(p.RangeEnd), Prefix: types.BoolNull(), Permission: types.StringValue(p.Type.String()),
		}
		if p.RangeEnd != "" && p.RangeEnd == etcdclient.PrefixRangeEnd(p.Key) {
			m.Prefix = types.BoolValue(true)
		}
		r.Diagnostics.Append(r.Resource.Set(ctx, &m)...)
	}
	return r
}
