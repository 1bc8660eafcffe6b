package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

var (
	_ resource.ResourceWithConfigure   = (*memberResource)(nil)
	_ resource.ResourceWithImportState = (*memberResource)(nil)
	_ resource.ResourceWithIdentity    = (*memberResource)(nil)
)

// NewMemberResource returns the etcd_member resource.
func NewMemberResource() resource.Resource { return &memberResource{} }

type memberResource struct {
	data *ProviderData
}

type memberModel struct {
	ID                  types.String `tfsdk:"id"`
	Name                types.String `tfsdk:"name"`
	PeerURLs            []string     `tfsdk:"peer_urls"`
	Learner             types.Bool   `tfsdk:"learner"`
	MoveLeaderOnDestroy types.Bool   `tfsdk:"move_leader_on_destroy"`
	ClientURLs          types.List   `tfsdk:"client_urls"`
	IsLeader            types.Bool   `tfsdk:"is_leader"`
}

func (r *memberResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_member"
}

func (r *memberResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = memberSchema()
}

func memberSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "A member of the etcd cluster (`etcdctl member add/promote/update/remove`). " +
			"Creating adds the member, as a learner when `learner = true`, and does not wait for its daemon: " +
			"start the daemon afterwards, with `--initial-cluster-state existing`. " +
			"Setting `learner = false` promotes it once it has caught up with the leader; until then the apply fails, says how far behind it is, and can be retried. " +
			"Destroying removes the member, and refuses (changing nothing) when that would remove the last member, " +
			"leave fewer healthy voting members than a quorum of the rest, or remove the leader without handing leadership over first. " +
			"See the guide \"Scaling an etcd cluster\" for the order of steps.",
		Attributes: map[string]schema.Attribute{
			"name": requiredReplaceString("The member's name: the `--name` its daemon is started with. " +
				"etcd learns it only when the daemon starts, so until then it is what the configuration says; " +
				"a daemon started under another name shows as a change that replaces the member."),
			"peer_urls": schema.ListAttribute{
				ElementType:         types.StringType,
				Required:            true,
				MarkdownDescription: "The URLs the other members reach this one at (`--initial-advertise-peer-urls`). Changing them updates the member in place (`etcdctl member update`); the daemon must already listen on the new URLs. On etcd 3.4 the peer URLs of a learner are not changed (3.4 would list it as a voting member afterwards): promote it first, in the same apply or before.",
				Validators:          []validator.List{listvalidator.SizeAtLeast(1), listvalidator.UniqueValues()},
			},
			"learner": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "Whether the member is a non-voting learner. Add new members as learners and set this to `false` once the daemon runs, " +
					"to promote it when it has caught up. Default `false`. A voting member cannot become a learner again: setting `true` on one replaces it.",
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplaceIf(demotes,
					"A voting member cannot become a learner: it is replaced.", "A voting member cannot become a learner: it is replaced.")},
			},
			"move_leader_on_destroy": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
				MarkdownDescription: "When the member to destroy is the leader, first hand leadership to a healthy voting member (`etcdctl move-leader`). " +
					"With `false`, destroying the leader is refused. Default `true`.",
			},
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The member ID in hexadecimal, as `etcdctl member list` prints it.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"client_urls": schema.ListAttribute{
				ElementType:         types.StringType,
				Computed:            true,
				MarkdownDescription: "The client URLs the member publishes; empty until its daemon has started.",
			},
			"is_leader": schema.BoolAttribute{
				Computed:            true,
				MarkdownDescription: "Whether the member was the raft leader when last read.",
			},
		},
	}
}

// demotes is true when a voting member would become a learner.
func demotes(_ context.Context, req planmodifier.BoolRequest, resp *boolplanmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = !req.StateValue.IsNull() && !req.StateValue.ValueBool() && req.PlanValue.ValueBool()
}

func (r *memberResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *memberResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m memberModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	client := r.data.clientOrDiag(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || client == nil {
		return
	}
	added, err := client.AddMember(ctx, m.PeerURLs, m.Learner.ValueBool())
	if err != nil {
		addAuthError(&resp.Diagnostics, "Cannot add etcd member", err)
		return
	}
	m.ID = types.StringValue(etcdclient.HexID(added.ID))
	m.ClientURLs = stringList(added.ClientURLs)
	m.IsLeader = types.BoolValue(false)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	setIdentity(ctx, resp.Identity, "id", m.ID, &resp.Diagnostics)
}

func (r *memberResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m memberModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	client := r.data.clientOrDiag(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || client == nil {
		return
	}
	members, err := client.ListMembers(ctx)
	if err != nil {
		addAuthError(&resp.Diagnostics, "Cannot list etcd members", err)
		return
	}
	// After an import the id is what was imported (a hex ID or a name) and
	// the name is still null.
	found := findMember(members, m.ID.ValueString(), m.Name.IsNull())
	if found == nil {
		removeResource(ctx, resp, "id", m.ID)
		return
	}
	leader, err := client.LeaderID(ctx)
	if err != nil {
		addAuthError(&resp.Diagnostics, "Cannot find the etcd leader", err)
		return
	}
	r.setFrom(&m, found, leader)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	setIdentity(ctx, resp.Identity, "id", m.ID, &resp.Diagnostics)
}

// findMember finds the member whose hex ID is ref or, when byName, whose
// name is ref.
func findMember(members []etcdclient.Member, ref string, byName bool) *etcdclient.Member {
	if id, err := etcdclient.ParseHexID(ref); err == nil {
		for i := range members {
			if members[i].ID == id {
				return &members[i]
			}
		}
	}
	if byName {
		for i := range members {
			if members[i].Name == ref && ref != "" {
				return &members[i]
			}
		}
	}
	return nil
}

// setFrom fills m from what etcd lists. A member whose daemon has not
// started has no name yet: m keeps the configured one.
func (r *memberResource) setFrom(m *memberModel, found *etcdclient.Member, leader uint64) {
	m.ID = types.StringValue(etcdclient.HexID(found.ID))
	if found.Name != "" {
		m.Name = types.StringValue(found.Name)
	}
	if !sameStrings(m.PeerURLs, found.PeerURLs) {
		m.PeerURLs = found.PeerURLs
	}
	m.Learner = types.BoolValue(found.IsLearner)
	if m.MoveLeaderOnDestroy.IsNull() {
		m.MoveLeaderOnDestroy = types.BoolValue(true)
	}
	m.ClientURLs = stringList(found.ClientURLs)
	m.IsLeader = types.BoolValue(leader == found.ID)
}

func sameStrings(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// Update changes the peer URLs, then promotes a learner. The state starts
// from the prior one, so that a refused promotion leaves learner = true.
func (r *memberResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, prior memberModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	client := r.data.clientOrDiag(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || client == nil {
		return
	}
	resp.State.Raw = req.State.Raw.Copy()
	id, err := etcdclient.ParseHexID(prior.ID.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Invalid member ID", fmt.Sprintf("The state holds the member ID %q, which is not hexadecimal.", prior.ID.ValueString()))
		return
	}
	promote := prior.Learner.ValueBool() && !plan.Learner.ValueBool()
	// A promotion comes first: etcd 3.4 would make a learner whose peer URLs
	// change a voting member (refuseLearnerUpdate).
	if promote {
		if err := client.PromoteMember(ctx, id); err != nil {
			promotionError(ctx, client, id, err, &resp.Diagnostics)
			return
		}
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("learner"), false)...)
	}
	if !sameStrings(plan.PeerURLs, prior.PeerURLs) {
		if prior.Learner.ValueBool() && !promote && refuseLearnerUpdate(ctx, client, &resp.Diagnostics) {
			return
		}
		if err := client.UpdateMemberPeerURLs(ctx, id, plan.PeerURLs); err != nil {
			addAuthError(&resp.Diagnostics, "Cannot update the etcd member's peer URLs", err)
			return
		}
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("peer_urls"), plan.PeerURLs)...)
	}
	members, err := client.ListMembers(ctx)
	if err != nil {
		addAuthError(&resp.Diagnostics, "Cannot list etcd members", err)
		return
	}
	found := findMember(members, prior.ID.ValueString(), false)
	if found == nil {
		resp.Diagnostics.AddError("etcd member disappeared", fmt.Sprintf("Member %s was removed from the cluster during the update.", prior.ID.ValueString()))
		return
	}
	leader, err := client.LeaderID(ctx)
	if err != nil {
		addAuthError(&resp.Diagnostics, "Cannot find the etcd leader", err)
		return
	}
	// The member list is served by one member, which may not have applied
	// the change yet: what etcd accepted above is what the member now is.
	updated := *found
	updated.PeerURLs, updated.IsLearner = plan.PeerURLs, plan.Learner.ValueBool()
	r.setFrom(&plan, &updated, leader)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setIdentity(ctx, resp.Identity, "id", plan.ID, &resp.Diagnostics)
}

// refuseLearnerUpdate refuses to change a learner's peer URLs on etcd 3.4,
// whose `member update` lists the learner as a voting member afterwards.
func refuseLearnerUpdate(ctx context.Context, client *etcdclient.Client, diags *diag.Diagnostics) bool {
	drops, err := client.UpdateDropsLearnerFlag(ctx)
	if err != nil {
		addAuthError(diags, "Cannot read the etcd server version", err)
		return true
	}
	if drops {
		diags.AddAttributeError(path.Root("peer_urls"), "Cannot change a learner's peer URLs on etcd 3.4",
			"etcd 3.4 lists a learner whose peer URLs are updated as a voting member (etcd 3.5 fixed this). Nothing was changed. "+
				"Promote the member first (learner = false) and change peer_urls in the same or a later apply, "+
				"or replace the member (remove it, then add it with the new URLs).")
		return true
	}
	return false
}

// promotionError explains a refused promotion: how far the learner is
// behind the leader, when both answer, and to apply again.
func promotionError(ctx context.Context, client *etcdclient.Client, id uint64, err error, diags *diag.Diagnostics) {
	if !errors.Is(err, etcdclient.ErrLearnerNotReady) {
		addAuthError(diags, "Cannot promote the etcd learner", err)
		return
	}
	diags.AddAttributeError(path.Root("learner"), "etcd learner not ready for promotion",
		fmt.Sprintf("etcd refused to promote member %s: %s.\n\n%s\n\n"+
			"Nothing was changed: the member stays a learner. Wait until it has caught up, then run apply again.",
			etcdclient.HexID(id), err.Error(), learnerLag(ctx, client, id)))
}

// learnerLag compares the learner's applied raft index and revision with
// the leader's, both from the Status RPC of their client URLs.
func learnerLag(ctx context.Context, client *etcdclient.Client, id uint64) string {
	members, err := client.ListMembers(ctx)
	if err != nil {
		return "Its progress is unknown: " + err.Error()
	}
	learner := findMember(members, etcdclient.HexID(id), false)
	if learner == nil || len(learner.ClientURLs) == 0 {
		return "The learner has published no client URLs: its daemon has not started (with --initial-cluster-state existing), or has not joined yet."
	}
	lp, err := client.MemberProgressAt(ctx, learner.ClientURLs[0])
	if err != nil {
		return fmt.Sprintf("The learner does not answer at %s: %v", learner.ClientURLs[0], err)
	}
	leader := findMember(members, etcdclient.HexID(lp.Leader), false)
	if leader == nil || len(leader.ClientURLs) == 0 {
		return fmt.Sprintf("The learner has applied raft index %d (revision %d); the leader could not be asked.", lp.AppliedIndex, lp.Revision)
	}
	ldp, err := client.MemberProgressAt(ctx, leader.ClientURLs[0])
	if err != nil {
		return fmt.Sprintf("The learner has applied raft index %d (revision %d); the leader does not answer at %s: %v", lp.AppliedIndex, lp.Revision, leader.ClientURLs[0], err)
	}
	behind := int64(ldp.AppliedIndex) - int64(lp.AppliedIndex) //nolint:gosec // raft indexes are far below 2^63
	return fmt.Sprintf("The learner is %d raft entries behind the leader (%s).", behind, etcdclient.FormatLag(lp, ldp))
}

func (r *memberResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m memberModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	client := r.data.clientOrDiag(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || client == nil {
		return
	}
	id, err := etcdclient.ParseHexID(m.ID.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Invalid member ID", fmt.Sprintf("The state holds the member ID %q, which is not hexadecimal.", m.ID.ValueString()))
		return
	}
	st, err := client.GetClusterStatus(ctx)
	if err != nil {
		addAuthError(&resp.Diagnostics, "Cannot read the etcd cluster's status", err)
		return
	}
	target := statusOf(st, id)
	if target == nil {
		return // already removed
	}
	if refuseRemoval(st, target, m.MoveLeaderOnDestroy.ValueBool(), &resp.Diagnostics) {
		return
	}
	if target.ID == st.LeaderID {
		to := healthyVoter(st, id)
		if err := client.MoveLeader(ctx, to.ID); err != nil {
			addAuthError(&resp.Diagnostics, "Cannot hand leadership over before removing the etcd leader",
				fmt.Errorf("%w\n\nNothing was removed. Apply again, or hand leadership over by hand (etcdctl move-leader) first", err))
			return
		}
	}
	if err := client.RemoveMember(ctx, id); err != nil && !errors.Is(err, etcdclient.ErrMemberNotFound) {
		addAuthError(&resp.Diagnostics, "Cannot remove etcd member", err)
	}
}

func statusOf(st *etcdclient.ClusterStatus, id uint64) *etcdclient.MemberStatus {
	for i := range st.Members {
		if st.Members[i].ID == id {
			return &st.Members[i]
		}
	}
	return nil
}

// healthyVoter is a healthy voting member other than id, or nil.
func healthyVoter(st *etcdclient.ClusterStatus, id uint64) *etcdclient.MemberStatus {
	for i := range st.Members {
		m := &st.Members[i]
		if m.ID != id && !m.IsLearner && m.Healthy && len(m.ClientURLs) > 0 {
			return m
		}
	}
	return nil
}

// refuseRemoval adds an error and returns true when removing target would
// remove the last member, take the rest below quorum, or remove the leader
// without a member to hand leadership to.
func refuseRemoval(st *etcdclient.ClusterStatus, target *etcdclient.MemberStatus, moveLeader bool, diags *diag.Diagnostics) bool {
	name := memberName(target)
	const unchanged = "Nothing was changed."
	if len(st.Members) == 1 {
		diags.AddError("Refusing to remove the last etcd member",
			fmt.Sprintf("Member %s is the only member of the cluster: etcd cannot remove it. %s "+
				"To stop managing it, remove it from the state instead (terraform state rm, or a removed block).", name, unchanged))
		return true
	}
	if !target.IsLearner {
		rest, healthy := 0, 0
		var down []string
		for _, m := range st.Members {
			if m.ID == target.ID || m.IsLearner {
				continue
			}
			rest++
			if m.Healthy {
				healthy++
			} else {
				down = append(down, memberName(&m)+" ("+strings.Join(m.Errors, "; ")+")")
			}
		}
		if quorum := rest/2 + 1; healthy < quorum {
			diags.AddError("Refusing to remove an etcd member: quorum would be lost",
				fmt.Sprintf("Removing member %s would leave %d healthy voting member(s) of %d, fewer than their quorum of %d. Unhealthy: %s. %s "+
					"Bring the unhealthy members back first, then apply again.", name, healthy, rest, quorum, strings.Join(down, ", "), unchanged))
			return true
		}
	}
	if target.ID != st.LeaderID {
		return false
	}
	if !moveLeader {
		diags.AddError("Refusing to remove the etcd leader",
			fmt.Sprintf("Member %s is the leader and move_leader_on_destroy is false. %s "+
				"Set move_leader_on_destroy = true, or hand leadership over first (etcdctl move-leader), then apply again.", name, unchanged))
		return true
	}
	if healthyVoter(st, target.ID) == nil || len(target.ClientURLs) == 0 {
		diags.AddError("Refusing to remove the etcd leader",
			fmt.Sprintf("Member %s is the leader and there is no healthy voting member to hand leadership to. %s", name, unchanged))
		return true
	}
	return false
}

func memberName(m *etcdclient.MemberStatus) string {
	if m.Name == "" {
		return etcdclient.HexID(m.ID)
	}
	return fmt.Sprintf("%s (%s)", etcdclient.HexID(m.ID), m.Name)
}

func (r *memberResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = stringIdentitySchema("id", "The member ID in hexadecimal.")
}

// ImportState takes a hex member ID or a member name; Read resolves it.
func (r *memberResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	value := importedString(ctx, req, "id", &resp.Diagnostics)
	if value == "" && !resp.Diagnostics.HasError() {
		resp.Diagnostics.AddError("Invalid import ID", "Import an etcd_member by its hex ID or its name, for example:\n  terraform import etcd_member.etcd4 8e9e05c52164694d")
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), value)...)
}
