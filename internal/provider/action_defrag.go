package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

var _ action.ActionWithConfigure = (*defragAction)(nil)

// NewDefragAction is etcd_defrag: `etcdctl defrag`, one member at a time.
func NewDefragAction() action.Action { return &defragAction{} }

type defragAction struct{ maintenanceAction }

type defragModel struct {
	MinReclaimBytes types.Int64  `tfsdk:"min_reclaim_bytes"`
	Timeout         types.String `tfsdk:"timeout"`
}

const defragTimeout = "10m"

// defragSettle is how long, after a member's defragmentation, the action
// waits for every member to answer again before it gives up.
const defragSettle = 30 * time.Second

func (a *defragAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_defrag"
}

func (a *defragAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Defragments the members' databases, as `etcdctl defrag` does, one member at a time: the followers first, the leader last. " +
			"A member answers no request while it defragments; between two members the action waits until every member answers again and checks that " +
			"no new alarm was raised, and stops otherwise, so the cluster keeps its quorum throughout. " +
			"Members with less reclaimable space (database size minus the size in use) than `min_reclaim_bytes` are skipped. " +
			"The progress messages report each member's database size before and after. Compact first (`etcd_compact`): " +
			"defragmentation gives back the space compaction freed. Each member is reached at the first client URL it advertises. " +
			"The action refuses to start when a voting member does not answer, the cluster has no leader or has lost quorum, or a CORRUPT alarm is active.",
		Attributes: map[string]schema.Attribute{
			"min_reclaim_bytes": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Skip members whose database has less reclaimable space than this, in bytes, as the member reports it (database size minus size in use). " +
					"Defaults to `0`: every member is defragmented. etcd (3.4 at least) counts the space a compaction freed as reclaimable only after its next writes, " +
					"so right after a compaction on an idle cluster a member may report little to reclaim: leave this at `0` there.",
				Validators: []validator.Int64{int64validator.AtLeast(0)},
			},
			"timeout": timeoutAttribute("the defragmentation of one member", defragTimeout),
		},
	}
}

func (a *defragAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var m defragModel
	c, st := a.start(ctx, req, resp, &m, "etcd_defrag", true)
	if st == nil {
		return
	}
	before, err := c.Alarms(ctx)
	if err != nil {
		resp.Diagnostics.AddError("etcd_defrag: cannot list the alarms", err.Error())
		return
	}
	if corrupt := alarmsOfType(before, "CORRUPT"); len(corrupt) > 0 {
		resp.Diagnostics.AddError("etcd_defrag: a CORRUPT alarm is active",
			fmt.Sprintf("etcd_defrag did not start: %s. A member's data differs from the others'; replace that member before maintenance.", alarmList(corrupt)))
		return
	}
	d := &defragRun{c: c, resp: resp, min: m.MinReclaimBytes.ValueInt64(), timeout: timeoutOf(m.Timeout, defragTimeout), alarms: before}
	d.run(ctx, st)
}

// defragRun is one invocation of etcd_defrag.
type defragRun struct {
	c       *etcdclient.Client
	resp    *action.InvokeResponse
	min     int64
	timeout time.Duration
	alarms  []etcdclient.Alarm // active when the action started
	done    []string           // one line per member
}

func (d *defragRun) run(ctx context.Context, st *etcdclient.ClusterStatus) {
	remaining := map[uint64]bool{}
	for _, m := range st.Members {
		remaining[m.ID] = true
	}
	for len(remaining) > 0 {
		m := nextToDefrag(st, remaining)
		delete(remaining, m.ID)
		if reclaim := m.DBSize - m.DBSizeInUse; reclaim < d.min {
			progress(d.resp, "etcd_defrag: skipping member %s: %s reclaimable of %s, under min_reclaim_bytes", memberLabel(m), mib(reclaim), mib(m.DBSize))
			d.done = append(d.done, fmt.Sprintf("%s: skipped (%d bytes)", memberLabel(m), m.DBSize))
			continue
		}
		if st = d.defragment(ctx, m); st == nil {
			return
		}
	}
	progress(d.resp, "etcd_defrag: done: %s", strings.Join(d.done, "; "))
}

// nextToDefrag is the first remaining follower by name, or else the leader.
func nextToDefrag(st *etcdclient.ClusterStatus, remaining map[uint64]bool) etcdclient.MemberStatus {
	var leader *etcdclient.MemberStatus
	for i, m := range st.Members { // sorted by name
		if !remaining[m.ID] {
			continue
		}
		if m.ID != st.LeaderID {
			return m
		}
		leader = &st.Members[i]
	}
	return *leader
}

// defragment defragments one member, then waits for the cluster to settle
// and checks the alarms; it returns the new status, or nil after adding an
// error diagnostic.
func (d *defragRun) defragment(ctx context.Context, m etcdclient.MemberStatus) *etcdclient.ClusterStatus {
	ep, err := memberEndpoint(m)
	if err != nil {
		d.resp.Diagnostics.AddError("etcd_defrag: cannot reach a member", err.Error()+d.sofar())
		return nil
	}
	role := "follower"
	if m.IsLeader {
		role = "leader"
	}
	progress(d.resp, "etcd_defrag: defragmenting %s %s at %s: %s, %s in use", role, memberLabel(m), ep, mib(m.DBSize), mib(m.DBSizeInUse))
	dctx, cancel := context.WithTimeout(ctx, d.timeout)
	err = d.c.Defragment(dctx, ep)
	cancel()
	if err != nil {
		d.resp.Diagnostics.AddError("etcd_defrag: defragmentation failed", fmt.Sprintf("Defragmenting member %s: %v.%s", memberLabel(m), err, d.sofar()))
		return nil
	}
	st, err := d.settle(ctx)
	if err != nil {
		d.resp.Diagnostics.AddError("etcd_defrag: stopped: the cluster did not recover",
			fmt.Sprintf("After member %s was defragmented, not every member answered within %v: %v.%s", memberLabel(m), defragSettle, err, d.sofar()))
		return nil
	}
	if fresh := newAlarms(d.alarms, d.alarmsNow(ctx)); len(fresh) > 0 {
		d.resp.Diagnostics.AddError("etcd_defrag: stopped: an alarm was raised",
			fmt.Sprintf("After member %s was defragmented: %s.%s", memberLabel(m), alarmList(fresh), d.sofar()))
		return nil
	}
	after := m
	for _, now := range st.Members {
		if now.ID == m.ID {
			after = now
		}
	}
	progress(d.resp, "etcd_defrag: %s defragmented: %s before, %s after", memberLabel(m), mib(m.DBSize), mib(after.DBSize))
	d.done = append(d.done, fmt.Sprintf("%s: %d -> %d bytes", memberLabel(m), m.DBSize, after.DBSize))
	return st
}

// settle waits until every voting member answers again.
func (d *defragRun) settle(ctx context.Context) (*etcdclient.ClusterStatus, error) {
	deadline := time.Now().Add(defragSettle)
	for {
		st, err := d.c.RequireQuorum(ctx, true)
		if err == nil || time.Now().After(deadline) {
			return st, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// alarmsNow lists the alarms; an alarm list that fails counts as an alarm.
func (d *defragRun) alarmsNow(ctx context.Context) []etcdclient.Alarm {
	alarms, err := d.c.Alarms(ctx)
	if err != nil {
		return []etcdclient.Alarm{{Type: "unknown (the alarm list failed: " + err.Error() + ")"}}
	}
	return alarms
}

func (d *defragRun) sofar() string {
	if len(d.done) == 0 {
		return " No member had been defragmented."
	}
	return " Done before: " + strings.Join(d.done, "; ") + "."
}

func newAlarms(before, now []etcdclient.Alarm) []etcdclient.Alarm {
	var fresh []etcdclient.Alarm
	for _, a := range now {
		if !slices.Contains(before, a) {
			fresh = append(fresh, a)
		}
	}
	return fresh
}

func alarmsOfType(alarms []etcdclient.Alarm, typ string) []etcdclient.Alarm {
	var out []etcdclient.Alarm
	for _, a := range alarms {
		if a.Type == typ {
			out = append(out, a)
		}
	}
	return out
}

func alarmList(alarms []etcdclient.Alarm) string {
	s := make([]string, len(alarms))
	for i, a := range alarms {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}
