package provider

import (
	"context"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

var _ action.ActionWithConfigure = (*moveLeaderAction)(nil)

// NewMoveLeaderAction is etcd_move_leader: `etcdctl move-leader`.
func NewMoveLeaderAction() action.Action { return &moveLeaderAction{} }

type moveLeaderAction struct{ maintenanceAction }

type moveLeaderModel struct {
	Member types.String `tfsdk:"member"`
}

func (a *moveLeaderAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_move_leader"
}

func (a *moveLeaderAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Hands the leadership to another member, as `etcdctl move-leader` does, for example before the leader's machine goes down for maintenance. " +
			"Without `member`, the healthiest follower leads: a voting member that answers with no alarm, the most caught up (highest raft index), then by name. " +
			"Nothing happens when the chosen member already leads. " +
			"The action refuses to start when the cluster has no leader or has lost quorum, or when the member to lead does not answer.",
		Attributes: map[string]schema.Attribute{
			"member": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Name or hexadecimal ID (as `etcdctl member list` prints it) of the member to lead. Defaults to the healthiest follower.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
		},
	}
}

func (a *moveLeaderAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var m moveLeaderModel
	c, st := a.start(ctx, req, resp, &m, "etcd_move_leader", false)
	if st == nil {
		return
	}
	leader, _ := leaderOf(st) // the gate saw a leader
	target, err := chooseLeader(st, m.Member)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("member"), "etcd_move_leader: no member to lead", err.Error())
		return
	}
	if target.ID == st.LeaderID {
		progress(resp, "etcd_move_leader: %s already leads: nothing to do", memberLabel(target))
		return
	}
	progress(resp, "etcd_move_leader: moving the leadership from %s to %s", memberLabel(leader), memberLabel(target))
	if err := c.MoveLeader(ctx, target.ID); err != nil {
		resp.Diagnostics.AddError("etcd_move_leader: the move failed", err.Error())
		return
	}
	after, err := c.GetClusterStatus(ctx)
	if err != nil || after.LeaderID != target.ID {
		resp.Diagnostics.AddError("etcd_move_leader: the leadership did not stay with the member",
			fmt.Sprintf("etcd accepted the move to %s, but the cluster now reports leader %s (%v).", memberLabel(target), etcdclient.HexID(leaderID(after)), err))
		return
	}
	progress(resp, "etcd_move_leader: %s leads", memberLabel(target))
}

func leaderID(st *etcdclient.ClusterStatus) uint64 {
	if st == nil {
		return 0
	}
	return st.LeaderID
}

// chooseLeader is the member named, which must answer and vote, or the
// healthiest follower.
func chooseLeader(st *etcdclient.ClusterStatus, named types.String) (etcdclient.MemberStatus, error) {
	if !named.IsNull() {
		want := named.ValueString()
		for _, m := range st.Members {
			if m.Name != want && etcdclient.HexID(m.ID) != want {
				continue
			}
			switch {
			case m.IsLearner:
				return m, fmt.Errorf("member %s is a learner, which cannot lead: promote it first", memberLabel(m))
			case !m.Serving:
				return m, fmt.Errorf("member %s does not answer: %v", memberLabel(m), m.Errors)
			}
			return m, nil
		}
		return etcdclient.MemberStatus{}, fmt.Errorf("no member of cluster %s is named %q or has that ID; members: %s", etcdclient.HexID(st.ClusterID), want, memberNames(st))
	}
	var candidates []etcdclient.MemberStatus
	for _, m := range st.Members {
		if m.ID != st.LeaderID && !m.IsLearner && m.Healthy {
			candidates = append(candidates, m)
		}
	}
	if len(candidates) == 0 {
		return etcdclient.MemberStatus{}, fmt.Errorf("no follower of cluster %s is healthy (a voting member that answers with no alarm); members: %s", etcdclient.HexID(st.ClusterID), memberNames(st))
	}
	sort.SliceStable(candidates, func(i, j int) bool { return candidates[i].RaftIndex > candidates[j].RaftIndex })
	return candidates[0], nil
}

func memberNames(st *etcdclient.ClusterStatus) string {
	s := ""
	for i, m := range st.Members {
		if i > 0 {
			s += ", "
		}
		s += memberLabel(m)
	}
	return s
}
