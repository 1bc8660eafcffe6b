package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

var (
	_ action.ActionWithConfigure      = (*compactAction)(nil)
	_ action.ActionWithValidateConfig = (*compactAction)(nil)
)

// NewCompactAction is etcd_compact: `etcdctl compact`.
func NewCompactAction() action.Action { return &compactAction{} }

type compactAction struct{ maintenanceAction }

type compactModel struct {
	Revision      types.Int64  `tfsdk:"revision"`
	KeepRevisions types.Int64  `tfsdk:"keep_revisions"`
	Physical      types.Bool   `tfsdk:"physical"`
	Timeout       types.String `tfsdk:"timeout"`
}

const compactTimeout = "5m"

func (a *compactAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_compact"
}

func (a *compactAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Compacts etcd's history, as `etcdctl compact` does: the versions of keys older than a revision are discarded, " +
			"so reads and watches at those revisions fail from then on. Set `revision`, or `keep_revisions` to keep the most recent revisions. " +
			"Compaction frees space inside the database for new writes; `etcd_defrag` then gives it back to the file system. " +
			"Compacting to a revision already compacted does nothing. " +
			"The action refuses to start when the cluster has no leader or has lost quorum.",
		Attributes: map[string]schema.Attribute{
			"revision": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "Discard the history before this revision. Conflicts with `keep_revisions`; one of them is required.",
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"keep_revisions": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Keep this many of the most recent revisions: compact to the current revision minus `keep_revisions`. " +
					"Nothing is compacted while etcd has no more revisions than that. Conflicts with `revision`.",
				Validators: []validator.Int64{int64validator.AtLeast(0)},
			},
			"physical": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Wait until every member has removed the compacted history from its database (`etcdctl compact --physical`), " +
					"so that a defragmentation right after reclaims it. Defaults to `false`: the action returns once etcd has accepted the compaction.",
			},
			"timeout": timeoutAttribute("the compaction", compactTimeout),
		},
	}
}

func (a *compactAction) ValidateConfig(ctx context.Context, req action.ValidateConfigRequest, resp *action.ValidateConfigResponse) {
	var m compactModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.Revision.IsUnknown() || m.KeepRevisions.IsUnknown() {
		return
	}
	switch {
	case m.Revision.IsNull() && m.KeepRevisions.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root("revision"), "Missing compaction target",
			"etcd_compact needs revision (compact to that revision) or keep_revisions (keep that many recent revisions).")
	case !m.Revision.IsNull() && !m.KeepRevisions.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root("keep_revisions"), "Conflicting compaction targets",
			"Set revision or keep_revisions, not both.")
	}
}

func (a *compactAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var m compactModel
	c, st := a.start(ctx, req, resp, &m, "etcd_compact", false)
	if st == nil {
		return
	}
	current := st.Revision // the newest any member reported
	target := m.Revision.ValueInt64()
	if m.Revision.IsNull() {
		target = current - m.KeepRevisions.ValueInt64()
		if target < 1 {
			progress(resp, "etcd_compact: etcd is at revision %d, within the %d revisions to keep: nothing to compact", current, m.KeepRevisions.ValueInt64())
			return
		}
	}
	if target > current {
		resp.Diagnostics.AddAttributeError(path.Root("revision"), "etcd_compact: revision beyond the current one",
			fmt.Sprintf("etcd is at revision %d; it cannot compact to revision %d, which it has not reached.", current, target))
		return
	}
	physical := m.Physical.ValueBool()
	progress(resp, "etcd_compact: compacting history before revision %d (etcd is at revision %d)%s", target, current, map[bool]string{true: ", waiting for it to reach the database"}[physical])
	ctx, cancel := context.WithTimeout(ctx, timeoutOf(m.Timeout, compactTimeout))
	defer cancel()
	switch err := c.Compact(ctx, target, physical); {
	case errors.Is(err, etcdclient.ErrCompacted):
		progress(resp, "etcd_compact: history is already compacted to revision %d or later: nothing to do", target)
	case err != nil:
		resp.Diagnostics.AddError("etcd_compact: the compaction failed", err.Error())
	default:
		progress(resp, "etcd_compact: compacted history before revision %d", target)
	}
}
