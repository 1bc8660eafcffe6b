package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

// What the etcd maintenance actions (etcd_snapshot, etcd_compact,
// etcd_defrag, etcd_alarm_disarm, etcd_move_leader) share: the provider's
// client, the health gate each runs before it starts, progress messages
// and the timeout argument.

// maintenanceAction is embedded by each action for its Configure.
type maintenanceAction struct {
	data *ProviderData
}

func (a *maintenanceAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// progress sends one progress message to Terraform.
func progress(resp *action.InvokeResponse, format string, args ...any) {
	if resp.SendProgress != nil {
		resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf(format, args...)})
	}
}

// start reads an action's configuration into m, and the client, and passes
// the gate; a nil status means the action must not go on (resp says why).
func (a *maintenanceAction) start(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse, m any, typeName string, allMembers bool) (*etcdclient.Client, *etcdclient.ClusterStatus) {
	resp.Diagnostics.Append(req.Config.Get(ctx, m)...)
	c := a.data.clientOrDiag(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return nil, nil
	}
	return c, gate(ctx, c, typeName, allMembers, resp)
}

// gate checks that the cluster can be operated on before an action starts
// (see etcdclient.RequireQuorum): a leader and a quorum of voting members,
// and with allMembers every voting member answering. It returns nil after
// adding an error diagnostic when it cannot.
func gate(ctx context.Context, c *etcdclient.Client, typeName string, allMembers bool, resp *action.InvokeResponse) *etcdclient.ClusterStatus {
	st, err := c.RequireQuorum(ctx, allMembers)
	if err != nil {
		what := "the cluster has no leader or has lost quorum"
		if st != nil && st.Quorum {
			what = "a member of the cluster does not answer"
		}
		resp.Diagnostics.AddError(typeName+": the cluster is not healthy",
			fmt.Sprintf("%s did not start: %s. Bring the members back (`etcdctl endpoint status --cluster` shows them), then run it again.\n\n%v", typeName, what, err))
		return nil
	}
	return st
}

// timeoutAttribute is the timeout argument of the actions that may run
// long.
func timeoutAttribute(what, def string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: fmt.Sprintf("How long %s may take, as a duration such as `\"30m\"`. Defaults to `\"%s\"`.", what, def),
		Validators:          []validator.String{durationValidator{}},
	}
}

// timeoutOf is the timeout argument's value, or def.
func timeoutOf(v types.String, def string) time.Duration {
	s := def
	if !v.IsNull() && !v.IsUnknown() {
		s = v.ValueString()
	}
	d, err := parseDuration(s)
	if err != nil {
		d, _ = parseDuration(def) // the validator has refused it already
	}
	return d
}

// memberLabel names a member as the progress messages do.
func memberLabel(m etcdclient.MemberStatus) string {
	return fmt.Sprintf("%s (%s)", m.Name, etcdclient.HexID(m.ID))
}

// memberEndpoint is the client URL an action reaches a member at: the
// first it advertises.
func memberEndpoint(m etcdclient.MemberStatus) (string, error) {
	if len(m.ClientURLs) == 0 {
		return "", fmt.Errorf("member %s advertises no client URL", memberLabel(m))
	}
	return m.ClientURLs[0], nil
}

// mib formats a byte count.
func mib(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}
