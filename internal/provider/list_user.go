package provider

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

var _ list.ListResourceWithConfigure = (*userList)(nil)

// NewUserList returns the etcd_user list resource.
func NewUserList() list.ListResource { return &userList{} }

type userList struct {
	data *ProviderData
}

// emptyListModel is the configuration of a list resource without settings.
type emptyListModel struct{}

func (l *userList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user"
}

func (l *userList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists every etcd user, each as an `etcd_user` to import, in name order. " +
			"Passwords cannot be read back: a listed user's resource has `no_password = false` and no password, as after `terraform import`.",
	}
}

func (l *userList) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (l *userList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	streamList(ctx, l.data, req, stream, &emptyListModel{}, nil, func(client *etcdclient.Client, s *listStream) {
		names, err := client.ListUsers(ctx)
		if err != nil {
			s.failAuth("Cannot list etcd users", err)
			return
		}
		for _, name := range names {
			r := stringIdentityResult(ctx, req, "name", name)
			if req.IncludeResource {
				u, err := client.GetUser(ctx, name)
				if errors.Is(err, etcdclient.ErrUserNotFound) {
					continue // deleted since the list was read
				}
				if err != nil {
					s.failAuth("Cannot read etcd user", err)
					return
				}
				m := userModel{
					ID: types.StringValue(name), Name: types.StringValue(name), NoPassword: types.BoolValue(false), Roles: stringSetValue(u.Roles),
					Password: types.StringNull(), PasswordWO: types.StringNull(), PasswordWOVersion: types.Int64Null(),
				}
				r.Diagnostics.Append(r.Resource.Set(ctx, &m)...)
			}
			if !s.emit(r) {
				return
			}
		}
	})
}
