package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

var _ action.ActionWithConfigure = (*alarmDisarmAction)(nil)

// NewAlarmDisarmAction is etcd_alarm_disarm: `etcdctl alarm disarm`, which
// refuses to clear NOSPACE while a database is still at its quota (or
// within the margin of it that overQuota explains).
func NewAlarmDisarmAction() action.Action { return &alarmDisarmAction{} }

type alarmDisarmAction struct{ maintenanceAction }

type alarmDisarmModel struct {
	QuotaBytes     types.Int64 `tfsdk:"quota_bytes"`
	IncludeCorrupt types.Bool  `tfsdk:"include_corrupt"`
}

func (a *alarmDisarmAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_alarm_disarm"
}

func (a *alarmDisarmAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the active alarms and disarms them, as `etcdctl alarm list` and `etcdctl alarm disarm` do. " +
			"A NOSPACE alarm (a database reached its quota, and etcd refuses writes) is disarmed only when every member's database is below 95% of its quota again, " +
			"since etcd would raise it again within a few writes otherwise: compact (`etcd_compact`) and defragment (`etcd_defrag`) first. " +
			"etcd 3.6 and later report each member's quota; etcd 3.4 and 3.5 do not, and a NOSPACE alarm on them is disarmed only when `quota_bytes` is set. " +
			"CORRUPT alarms are listed but left armed unless `include_corrupt` is true. " +
			"The action refuses to start when the cluster has no leader or has lost quorum.",
		Attributes: map[string]schema.Attribute{
			"quota_bytes": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "The members' backend quota in bytes, their `--quota-backend-bytes` (2147483648, 2 GiB, when the flag is not set). " +
					"Needed to disarm a NOSPACE alarm on etcd 3.4 and 3.5, which do not report their quota; on etcd 3.6 and later the quota a member reports wins.",
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"include_corrupt": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Disarm CORRUPT alarms too. A CORRUPT alarm means a member's data differs from the others'; " +
					"disarm it only after that member has been replaced or restored. Defaults to `false`.",
			},
		},
	}
}

func (a *alarmDisarmAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var m alarmDisarmModel
	c, st := a.start(ctx, req, resp, &m, "etcd_alarm_disarm", false)
	if st == nil {
		return
	}
	alarms, err := c.Alarms(ctx)
	if err != nil {
		resp.Diagnostics.AddError("etcd_alarm_disarm: cannot list the alarms", err.Error())
		return
	}
	if len(alarms) == 0 {
		progress(resp, "etcd_alarm_disarm: no alarm is active")
		return
	}
	progress(resp, "etcd_alarm_disarm: active alarms: %s", alarmList(alarms))
	if len(alarmsOfType(alarms, etcdclient.AlarmNoSpace)) > 0 {
		if why := overQuota(st, m.QuotaBytes); why != "" {
			resp.Diagnostics.AddError("etcd_alarm_disarm: NOSPACE not disarmed", why)
			return
		}
	}
	for _, alarm := range alarms {
		if alarm.Type == "CORRUPT" && !m.IncludeCorrupt.ValueBool() {
			resp.Diagnostics.AddWarning("etcd_alarm_disarm: CORRUPT alarm left armed",
				alarm.String()+": the member's data differs from the others'. Replace or restore that member, then set include_corrupt = true to disarm it.")
			continue
		}
		if err := c.DisarmAlarm(ctx, alarm); err != nil {
			resp.Diagnostics.AddError("etcd_alarm_disarm: disarm failed", err.Error())
			return
		}
		progress(resp, "etcd_alarm_disarm: disarmed %s", alarm)
	}
}

// overQuota says why NOSPACE must stay armed: a member's database is at
// or above 95% of its quota, or a quota cannot be known. It returns ""
// when every member is below that. The margin is etcd's: it raises NOSPACE
// when the database's size plus the write's would pass the quota, so a
// database that raised it may be a write's size (up to
// --max-request-bytes, 1.5 MiB by default) below the quota, and still be
// there after a compaction, which frees pages without shrinking the file;
// 5% covers one write at any quota of 32 MiB or more.
func overQuota(st *etcdclient.ClusterStatus, configured types.Int64) string {
	var unknown, over []string
	for _, m := range st.Members {
		quota := m.DBSizeQuota // etcd 3.6+; negative: no quota
		if quota == 0 {
			quota = configured.ValueInt64()
		}
		switch {
		case len(m.ClientURLs) > 0 && m.Version == "":
			unknown = append(unknown, memberLabel(m)+" did not answer")
		case quota < 0:
		case quota == 0:
			unknown = append(unknown, fmt.Sprintf("%s runs etcd %s, which does not report its quota", memberLabel(m), m.Version))
		case m.DBSize >= quota-quota/20:
			over = append(over, fmt.Sprintf("%s: %d bytes, quota %d", memberLabel(m), m.DBSize, quota))
		}
	}
	switch {
	case len(over) > 0:
		return "A database is still at or above 95% of its quota, and etcd would raise NOSPACE again within a few writes: " + strings.Join(over, "; ") +
			". Compact the history (etcd_compact with physical = true) and defragment the members (etcd_defrag), then disarm."
	case len(unknown) > 0:
		return "Cannot tell whether every database is below its quota: " + strings.Join(unknown, "; ") +
			". Set quota_bytes to the members' --quota-backend-bytes (2147483648 when the flag is not set)."
	}
	return ""
}
