package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

var _ datasource.DataSourceWithConfigure = (*clusterStatusDataSource)(nil)

// NewClusterStatusDataSource returns the etcd_cluster_status data source.
func NewClusterStatusDataSource() datasource.DataSource { return &clusterStatusDataSource{} }

type clusterStatusDataSource struct {
	data *ProviderData
}

type clusterStatusModel struct {
	ClusterID types.String `tfsdk:"cluster_id"`
	LeaderID  types.String `tfsdk:"leader_id"`
	Revision  types.Int64  `tfsdk:"revision"`
	Healthy   types.Bool   `tfsdk:"healthy"`
	Members   types.List   `tfsdk:"members"`
}

var memberObjectType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"id":          types.StringType,
	"name":        types.StringType,
	"peer_urls":   types.ListType{ElemType: types.StringType},
	"client_urls": types.ListType{ElemType: types.StringType},
	"is_leader":   types.BoolType,
	"is_learner":  types.BoolType,
	"healthy":     types.BoolType,
	"version":     types.StringType,
	"db_size":     types.Int64Type,
	"raft_term":   types.Int64Type,
	"raft_index":  types.Int64Type,
	"errors":      types.ListType{ElemType: types.StringType},
}}

func (d *clusterStatusDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cluster_status"
}

func (d *clusterStatusDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	num := func(desc string) schema.Int64Attribute {
		return schema.Int64Attribute{Computed: true, MarkdownDescription: desc}
	}
	flag := func(desc string) schema.BoolAttribute {
		return schema.BoolAttribute{Computed: true, MarkdownDescription: desc}
	}
	strs := func(desc string) schema.ListAttribute {
		return schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the cluster's members and the status each one reports, like `etcdctl member list` and `etcdctl endpoint status --cluster` together. " +
			"A member that is down is reported with `healthy = false` and the reason in `errors`; it does not fail the read.",
		Attributes: map[string]schema.Attribute{
			"cluster_id": str("The cluster ID in hex, as etcdctl prints it."),
			"leader_id":  str("The leader's member ID in hex; empty when no member reports a leader."),
			"revision":   num("The highest store revision any member reported."),
			"healthy":    flag("Whether the cluster has a leader and a majority of its voting members answer a quorum read."),
			"members": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The members, sorted by name.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":          str("Member ID in hex."),
					"name":        str("Member name."),
					"peer_urls":   strs("URLs the member serves its peers on."),
					"client_urls": strs("URLs the member serves clients on."),
					"is_leader":   flag("Whether the member is the raft leader."),
					"is_learner":  flag("Whether the member is a learner (a non-voting member catching up)."),
					"healthy":     flag("Whether the member answered its status and a quorum read."),
					"version":     str("etcd server version the member runs; empty when it did not answer."),
					"db_size":     num("Backend database size in bytes; 0 when it did not answer."),
					"raft_term":   num("The member's raft term."),
					"raft_index":  num("The member's raft index."),
					"errors":      strs("What went wrong reaching the member, or alarms it reports."),
				}},
			},
		},
	}
}

func (d *clusterStatusDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *clusterStatusDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	client := d.data.clientOrDiag(&resp.Diagnostics)
	if client == nil {
		return
	}
	st, err := client.GetClusterStatus(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Cannot read etcd cluster status", err.Error())
		return
	}
	members := make([]attr.Value, len(st.Members))
	for i, mem := range st.Members {
		members[i] = memberObject(mem)
	}
	list, diags := types.ListValue(memberObjectType, members)
	resp.Diagnostics.Append(diags...)
	leader := ""
	if st.LeaderID != 0 {
		leader = etcdclient.HexID(st.LeaderID)
	}
	m := clusterStatusModel{
		ClusterID: types.StringValue(etcdclient.HexID(st.ClusterID)),
		LeaderID:  types.StringValue(leader),
		Revision:  types.Int64Value(st.Revision),
		Healthy:   types.BoolValue(st.Healthy),
		Members:   list,
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func memberObject(m etcdclient.MemberStatus) attr.Value {
	return types.ObjectValueMust(memberObjectType.AttrTypes, map[string]attr.Value{
		"id":          types.StringValue(etcdclient.HexID(m.ID)),
		"name":        types.StringValue(m.Name),
		"peer_urls":   stringList(m.PeerURLs),
		"client_urls": stringList(m.ClientURLs),
		"is_leader":   types.BoolValue(m.IsLeader),
		"is_learner":  types.BoolValue(m.IsLearner),
		"healthy":     types.BoolValue(m.Healthy),
		"version":     types.StringValue(m.Version),
		"db_size":     types.Int64Value(m.DBSize),
		"raft_term":   types.Int64Value(int64(m.RaftTerm)),  //nolint:gosec // raft terms stay far below 2^63
		"raft_index":  types.Int64Value(int64(m.RaftIndex)), //nolint:gosec // as above
		"errors":      stringList(m.Errors),
	})
}

func stringList(ss []string) types.List {
	vals := make([]attr.Value, len(ss))
	for i, s := range ss {
		vals[i] = types.StringValue(s)
	}
	return types.ListValueMust(types.StringType, vals)
}
