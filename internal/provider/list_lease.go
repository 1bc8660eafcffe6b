package provider

import (
	"context"
	"errors"
	"slices"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

var _ list.ListResourceWithConfigure = (*leaseList)(nil)

// NewLeaseList returns the etcd_lease list resource.
func NewLeaseList() list.ListResource { return &leaseList{} }

type leaseList struct {
	data *ProviderData
}

func (l *leaseList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_lease"
}

func (l *leaseList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists every live etcd lease, each as an `etcd_lease` to import, in ID order. " +
			"The display name shows the ID as `etcdctl lease list` prints it, the remaining TTL and how many keys are attached. " +
			"A listed lease's resource has `ttl` set to the granted TTL and `refresh_keepalive = false`, as after `terraform import`.",
	}
}

func (l *leaseList) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (l *leaseList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	streamList(ctx, l.data, req, stream, &emptyListModel{}, nil, func(client *etcdclient.Client, s *listStream) {
		ids, err := client.ListLeases(ctx)
		if err != nil {
			s.fail("Cannot list etcd leases", err.Error())
			return
		}
		slices.Sort(ids)
		for _, id := range ids {
			info, err := client.GetLeaseInfo(ctx, id)
			if errors.Is(err, etcdclient.ErrLeaseNotFound) {
				continue // expired since the list was read
			}
			if err != nil {
				s.fail("Cannot read etcd lease", err.Error())
				return
			}
			decimal := strconv.FormatInt(int64(id), 10)
			r := stringIdentityResult(ctx, req, "id", decimal)
			r.DisplayName = id.Hex() + " (ttl " + strconv.FormatInt(info.TTL, 10) + "s, " + strconv.Itoa(len(info.Keys)) + " keys)"
			if req.IncludeResource {
				m := leaseModel{TTL: types.Int64Value(info.GrantedTTL), RefreshKeepalive: types.BoolValue(false)}
				m.setID(id, info.GrantedTTL)
				r.Diagnostics.Append(r.Resource.Set(ctx, &m)...)
			}
			if !s.emit(r) {
				return
			}
		}
	})
}
