package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

var _ list.ListResourceWithConfigure = (*roleList)(nil)

// NewRoleList returns the etcd_role list resource.
func NewRoleList() list.ListResource { return &roleList{} }

type roleList struct {
	data *ProviderData
}

func (l *roleList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_role"
}

func (l *roleList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists every etcd role, each as an `etcd_role` to import, in name order. " +
			"List their permissions with the `etcd_role_permission` list resource.",
	}
}

func (l *roleList) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (l *roleList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	streamList(ctx, l.data, req, stream, &emptyListModel{}, nil, func(client *etcdclient.Client, s *listStream) {
		names, err := client.ListRoles(ctx)
		if err != nil {
			s.failAuth("Cannot list etcd roles", err)
			return
		}
		for _, name := range names {
			r := stringIdentityResult(ctx, req, "name", name)
			if req.IncludeResource {
				r.Diagnostics.Append(r.Resource.Set(ctx, &roleModel{ID: types.StringValue(name), Name: types.StringValue(name)})...)
			}
			if !s.emit(r) {
				return
			}
		}
	})
}
