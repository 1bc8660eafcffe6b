package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

var _ list.ListResourceWithConfigure = (*memberList)(nil)

// NewMemberList returns the etcd_member list resource.
func NewMemberList() list.ListResource { return &memberList{} }

type memberList struct {
	data *ProviderData
}

func (l *memberList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_member"
}

func (l *memberList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists every member of the etcd cluster, learners included, each as an `etcd_member` to import, in the order etcd lists them. " +
			"A member added but not started yet is shown by its hex ID, since etcd learns its name only when its daemon starts.",
	}
}

func (l *memberList) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (l *memberList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	streamList(ctx, l.data, req, stream, &emptyListModel{}, nil, func(client *etcdclient.Client, s *listStream) {
		members, err := client.ListMembers(ctx)
		if err != nil {
			s.failAuth("Cannot list etcd members", err)
			return
		}
		var leader uint64
		if req.IncludeResource {
			if leader, err = client.LeaderID(ctx); err != nil {
				s.failAuth("Cannot find the etcd leader", err)
				return
			}
		}
		for i := range members {
			m := &members[i]
			id := etcdclient.HexID(m.ID)
			r := stringIdentityResult(ctx, req, "id", id)
			if m.Name != "" {
				r.DisplayName = m.Name
			}
			if req.IncludeResource {
				model := memberModel{ID: types.StringValue(id), Name: types.StringNull(), MoveLeaderOnDestroy: types.BoolValue(true)}
				if m.Name != "" {
					model.Name = types.StringValue(m.Name)
				}
				(&memberResource{}).setFrom(&model, m, leader)
				r.Diagnostics.Append(r.Resource.Set(ctx, &model)...)
			}
			if !s.emit(r) {
				return
			}
		}
	})
}
