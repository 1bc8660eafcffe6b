package provider

import (
	"context"
	"errors"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/protocol"
)

var (
	_ resource.ResourceWithConfigure   = (*leaseResource)(nil)
	_ resource.ResourceWithImportState = (*leaseResource)(nil)
	_ resource.ResourceWithIdentity    = (*leaseResource)(nil)
)

// NewLeaseResource returns the etcd_lease resource.
func NewLeaseResource() resource.Resource { return &leaseResource{} }

type leaseResource struct {
	data *ProviderData
}

type leaseModel struct {
	ID               types.String `tfsdk:"id"`
	TTL              types.Int64  `tfsdk:"ttl"`
	RefreshKeepalive types.Bool   `tfsdk:"refresh_keepalive"`
	LeaseID          types.Int64  `tfsdk:"lease_id"`
	LeaseIDHex       types.String `tfsdk:"lease_id_hex"`
	GrantedTTL       types.Int64  `tfsdk:"granted_ttl"`
	DeleteOnDestroy  types.Bool   `tfsdk:"delete_on_destroy"`
}

func (r *leaseResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_lease"
}

func (r *leaseResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keepID := []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "An etcd lease: keys attached to it (`etcd_key.lease_id`) are deleted when it expires or is revoked. " +
			"A lease lives `ttl` seconds unless renewed; with `refresh_keepalive` every refresh renews it.",
		Attributes: map[string]schema.Attribute{
			"ttl": schema.Int64Attribute{
				Required:            true,
				MarkdownDescription: "Time to live in seconds, at least 1 (etcd may round it up to its minimum). Changing it replaces the lease, which deletes the keys attached to it.",
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"refresh_keepalive": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "When `true`, every refresh (plan, apply, refresh) renews the lease, so it lives as long as Terraform runs at least once per `ttl`. " +
					"Defaults to `false`: the lease expires `ttl` seconds after it was granted.",
			},
			"delete_on_destroy": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "When `false`, destroying this resource (or removing it from the configuration) leaves the lease alive in etcd, with the keys attached to it, and only removes it from the Terraform state; it still expires after its TTL unless something renews it. " +
					"Defaults to `true`: destroy revokes the lease, which deletes its keys. The setting in effect is the one in the state, so apply a change to `false` before the destroy it is meant for.",
			},
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The lease ID in decimal.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"lease_id": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "The lease ID as a number, what `etcd_key.lease_id` takes.",
				PlanModifiers:       keepID,
			},
			"lease_id_hex": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The lease ID in hexadecimal, as `etcdctl lease list` prints it.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"granted_ttl": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "The TTL etcd granted, in seconds.",
				PlanModifiers:       keepID,
			},
		},
	}
}

func (r *leaseResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = stringIdentitySchema("id", "The lease ID in decimal.")
}

func (r *leaseResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (m *leaseModel) setID(id etcdclient.LeaseID, granted int64) {
	m.ID = types.StringValue(strconv.FormatInt(int64(id), 10))
	m.LeaseID = types.Int64Value(int64(id))
	m.LeaseIDHex = types.StringValue(id.Hex())
	m.GrantedTTL = types.Int64Value(granted)
}

func (r *leaseResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m leaseModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	client := r.data.clientOrDiag(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || client == nil {
		return
	}
	lease, err := client.GrantLease(ctx, m.TTL.ValueInt64())
	if err != nil {
		resp.Diagnostics.AddError("Cannot grant etcd lease", err.Error())
		return
	}
	m.setID(lease.ID, lease.TTL)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	setIdentity(ctx, resp.Identity, "id", m.ID, &resp.Diagnostics)
}

func (r *leaseResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m leaseModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	client := r.data.clientOrDiag(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || client == nil {
		return
	}
	id := etcdclient.LeaseID(m.LeaseID.ValueInt64())
	if m.RefreshKeepalive.ValueBool() {
		if _, err := client.KeepAliveOnce(ctx, id); err != nil && !errors.Is(err, etcdclient.ErrLeaseNotFound) {
			resp.Diagnostics.AddError("Cannot renew etcd lease", err.Error())
			return
		}
	}
	info, err := client.GetLeaseInfo(ctx, id)
	if errors.Is(err, etcdclient.ErrLeaseNotFound) {
		removeResource(ctx, resp, "id", types.StringValue(strconv.FormatInt(int64(id), 10)))
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read etcd lease", err.Error())
		return
	}
	m.setID(id, info.GrantedTTL)
	if m.TTL.IsNull() { // import
		m.TTL = types.Int64Value(info.GrantedTTL)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	setIdentity(ctx, resp.Identity, "id", m.ID, &resp.Diagnostics)
}

// Update only changes refresh_keepalive and delete_on_destroy, which live in the state alone.
func (r *leaseResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	updateFromPlan[leaseModel](ctx, req, resp, "id")
}

func (r *leaseResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m leaseModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || protocol.KeptOnDestroy(ctx, m.DeleteOnDestroy.ValueBoolPointer(), "etcd_lease", m.ID.ValueString()) {
		return
	}
	client := r.data.clientOrDiag(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || client == nil {
		return
	}
	err := client.RevokeLease(ctx, etcdclient.LeaseID(m.LeaseID.ValueInt64()))
	if err != nil && !errors.Is(err, etcdclient.ErrLeaseNotFound) {
		resp.Diagnostics.AddError("Cannot revoke etcd lease", err.Error())
	}
}

func (r *leaseResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, err := etcdclient.ParseLeaseID(importedString(ctx, req, "id", &resp.Diagnostics))
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID",
			err.Error()+"\n\nImport an etcd_lease by its ID in decimal or as etcdctl prints it in hex, for example:\n  terraform import etcd_lease.session 7587852521871779338\n  terraform import etcd_lease.session 0x694d77aa9e38260a")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("lease_id"), int64(id))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("refresh_keepalive"), false)...)
}
