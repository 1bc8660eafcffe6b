package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

var _ action.ActionWithConfigure = (*snapshotAction)(nil)

// NewSnapshotAction is etcd_snapshot: `etcdctl snapshot save`, written so
// that a failure never leaves a partial file.
func NewSnapshotAction() action.Action { return &snapshotAction{} }

type snapshotAction struct{ maintenanceAction }

type snapshotModel struct {
	Path     types.String `tfsdk:"path"`
	Endpoint types.String `tfsdk:"endpoint"`
	Timeout  types.String `tfsdk:"timeout"`
}

const snapshotTimeout = "10m"

func (a *snapshotAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_snapshot"
}

func (a *snapshotAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Saves a snapshot of etcd's database to a file, as `etcdctl snapshot save` does, from the leader unless `endpoint` names a member. " +
			"The snapshot is streamed to a temporary file beside `path`, synced, read back and checked against the SHA-256 checksum etcd appends to it, " +
			"and only then renamed to `path`: a failure never leaves a partial file there, and an earlier file at `path` stays until the new one replaces it. " +
			"The progress messages report the snapshot's revision, size and checksum. " +
			"The file restores with `etcdctl snapshot restore` (`etcdutl snapshot restore` from etcd 3.5). " +
			"The action refuses to start when the cluster has no leader or has lost quorum.",
		Attributes: map[string]schema.Attribute{
			"path": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "File to write the snapshot to, on the machine that runs Terraform; a relative path is relative to the working directory. " +
					"Its directory must exist. A file already there is replaced once the new snapshot is complete.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"endpoint": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Client URL of the member to take the snapshot from, such as `\"https://10.0.0.2:2379\"`. " +
					"Defaults to the leader, at the first client URL it advertises.",
				Validators: []validator.String{endpointValidator{}},
			},
			"timeout": timeoutAttribute("streaming the snapshot", snapshotTimeout),
		},
	}
}

func (a *snapshotAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var m snapshotModel
	c, st := a.start(ctx, req, resp, &m, "etcd_snapshot", false)
	if st == nil {
		return
	}
	endpoint, from := m.Endpoint.ValueString(), "member at "+m.Endpoint.ValueString()
	if m.Endpoint.IsNull() {
		leader, err := leaderOf(st)
		if err == nil {
			endpoint, err = memberEndpoint(leader)
		}
		if err != nil {
			resp.Diagnostics.AddError("etcd_snapshot: no member to take the snapshot from", err.Error()+". Set endpoint to a member's client URL.")
			return
		}
		from = "leader " + memberLabel(leader) + " at " + endpoint
	}
	path := m.Path.ValueString()
	progress(resp, "etcd_snapshot: streaming a snapshot from the %s to %s", from, path)
	ctx, cancel := context.WithTimeout(ctx, timeoutOf(m.Timeout, snapshotTimeout))
	defer cancel()
	info, err := c.Snapshot(ctx, endpoint, path, func(n int64) { progress(resp, "etcd_snapshot: received %s", mib(n)) })
	if err != nil {
		resp.Diagnostics.AddError("etcd_snapshot: the snapshot failed",
			fmt.Sprintf("No snapshot was written to %s (a file already there is unchanged): %v", path, err))
		return
	}
	progress(resp, "etcd_snapshot: wrote %s: revision %d, %d bytes, sha256 %s (etcd's checksum, verified)", path, info.Revision, info.Size, info.SHA256)
}

// leaderOf is the member that leads.
func leaderOf(st *etcdclient.ClusterStatus) (etcdclient.MemberStatus, error) {
	for _, m := range st.Members {
		if m.ID == st.LeaderID {
			return m, nil
		}
	}
	return etcdclient.MemberStatus{}, fmt.Errorf("no member of cluster %s leads", etcdclient.HexID(st.ClusterID))
}
