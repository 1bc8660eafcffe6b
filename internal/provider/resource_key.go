package provider

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

var (
	_ resource.ResourceWithConfigure      = (*keyResource)(nil)
	_ resource.ResourceWithImportState    = (*keyResource)(nil)
	_ resource.ResourceWithValidateConfig = (*keyResource)(nil)
	_ resource.ResourceWithIdentity       = (*keyResource)(nil)
)

// NewKeyResource returns the etcd_key resource.
func NewKeyResource() resource.Resource { return &keyResource{} }

type keyResource struct {
	data *ProviderData
}

type keyModel struct {
	ID             types.String `tfsdk:"id"`
	Key            types.String `tfsdk:"key"`
	Value          types.String `tfsdk:"value"`
	ValueBase64    types.String `tfsdk:"value_base64"`
	LeaseID        types.Int64  `tfsdk:"lease_id"`
	CreateRevision types.Int64  `tfsdk:"create_revision"`
	ModRevision    types.Int64  `tfsdk:"mod_revision"`
	Version        types.Int64  `tfsdk:"version"`
}

func (r *keyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_key"
}

func (r *keyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = keySchema()
}

func keySchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "One etcd key and its value. Creating fails if the key already exists with another value or lease (import it instead); a key that already holds exactly the configured value and lease, as an interrupted apply leaves it, is adopted. " +
			"Updates are guarded by the key's `mod_revision` from the last refresh, so a change made by someone else in between is never overwritten: the apply fails instead.",
		Attributes: map[string]schema.Attribute{
			"key": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The key, such as `/app/config/db_host`. Changing it replaces the resource.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"value": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The value as text. May be empty. Exactly one of `value` and `value_base64` must be set.",
			},
			"value_base64": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The value as standard base64, for binary data (for example `filebase64(\"cert.der\")`).",
				Validators:          []validator.String{base64Validator{}},
			},
			"lease_id": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Attach the key to this lease (`etcd_lease.<name>.lease_id`). The key is deleted when the lease expires or is revoked. " +
					"Unset means no lease; changing it re-attaches the key.",
			},
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The key.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"create_revision": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "The etcd revision at which the key was created.",
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"mod_revision": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "The etcd revision of the key's last write. The next update only happens if the key still has this revision.",
			},
			"version": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "How many times the key was written since it was created.",
			},
		},
	}
}

func (r *keyResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = stringIdentitySchema("key", "The key.")
}

func (r *keyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig checks value / value_base64 itself rather than with
// ExactlyOneOf validators: with hundreds of keys, the framework's path
// matching for those was a visible share of every plan.
func (r *keyResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m keyModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	switch {
	case !m.Value.IsNull() && !m.ValueBase64.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root("value_base64"), "Conflicting attributes",
			"value and value_base64 are both set: set exactly one (value for text, value_base64 for binary data).")
	case m.Value.IsNull() && m.ValueBase64.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root("value"), "Missing value",
			"Set exactly one of value (text, may be empty) and value_base64 (binary data in base64).")
	}
	if resp.Diagnostics.HasError() || m.Key.IsUnknown() || m.Value.IsUnknown() || m.ValueBase64.IsUnknown() {
		return
	}
	raw, err := m.rawValue()
	if err != nil {
		return // reported by the base64 validator
	}
	if err := etcdclient.CheckPutSize(m.Key.ValueString(), len(raw)); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("value"), "Value too large", err.Error()+".")
	}
}

func (m *keyModel) rawValue() (string, error) {
	if !m.ValueBase64.IsNull() {
		b, err := base64.StdEncoding.DecodeString(m.ValueBase64.ValueString())
		return string(b), err
	}
	return m.Value.ValueString(), nil
}

func (m *keyModel) putOptions() []etcdclient.PutOption {
	if m.LeaseID.IsNull() {
		return nil
	}
	return []etcdclient.PutOption{etcdclient.WithLease(etcdclient.LeaseID(m.LeaseID.ValueInt64()))}
}

// holds reports whether kv is what the model declares: the value and the
// lease. An interrupted create leaves such a key behind, and the next
// create adopts it instead of failing.
func (m *keyModel) holds(kv *etcdclient.KeyValue) bool {
	value, err := m.rawValue()
	return err == nil && kv != nil && string(kv.Value) == value && kv.Lease == etcdclient.LeaseID(m.LeaseID.ValueInt64())
}

// setFrom records what etcd holds, keeping the attribute (value or
// value_base64) the configuration uses.
func (m *keyModel) setFrom(kv *etcdclient.KeyValue) {
	m.ID, m.Key = types.StringValue(kv.Key), types.StringValue(kv.Key)
	m.Value, m.ValueBase64 = valueAttrs(kv.Value, !m.ValueBase64.IsNull())
	m.LeaseID = leaseAttr(kv.Lease)
	m.CreateRevision = types.Int64Value(kv.CreateRevision)
	m.ModRevision = types.Int64Value(kv.ModRevision)
	m.Version = types.Int64Value(kv.Version)
}

func (r *keyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m keyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	client := r.data.clientOrDiag(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || client == nil {
		return
	}
	value, _ := m.rawValue()
	res, err := client.CreateIfNotExists(ctx, m.Key.ValueString(), value, m.putOptions()...)
	if err != nil {
		addWriteError(&resp.Diagnostics, "Cannot create etcd key", m.LeaseID, err)
		return
	}
	if !res.Succeeded && !m.holds(res.KV) {
		resp.Diagnostics.AddAttributeError(path.Root("key"), "Key already exists",
			fmt.Sprintf("The key %q already exists in etcd (mod revision %d), so it was left alone. To manage it with Terraform, import it with an import block "+
				"(it works in OpenTofu and Terraform), naming this resource:\n%s",
				m.Key.ValueString(), res.KV.ModRevision, importBlock("etcd_key", m.Key.ValueString())))
		return
	}
	m.setFrom(res.KV)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	setIdentity(ctx, resp.Identity, "key", m.Key, &resp.Diagnostics)
}

func (r *keyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m keyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	client := r.data.clientOrDiag(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || client == nil {
		return
	}
	kv, err := client.Get(ctx, m.Key.ValueString())
	if errors.Is(err, etcdclient.ErrKeyNotFound) {
		removeResource(ctx, resp, "key", m.Key)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read etcd key", err.Error())
		return
	}
	m.setFrom(kv)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	setIdentity(ctx, resp.Identity, "key", m.Key, &resp.Diagnostics)
}

func (r *keyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state keyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := r.data.clientOrDiag(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || client == nil {
		return
	}
	value, _ := plan.rawValue()
	res, err := client.PutIfModRevision(ctx, plan.Key.ValueString(), value, state.ModRevision.ValueInt64(), plan.putOptions()...)
	if err != nil {
		addWriteError(&resp.Diagnostics, "Cannot update etcd key", plan.LeaseID, err)
		return
	}
	if !res.Succeeded {
		resp.Diagnostics.AddError("Key changed outside Terraform", changedOutsideDetail(plan.Key.ValueString(), state.ModRevision.ValueInt64(), res.KV))
		return
	}
	plan.setFrom(res.KV)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setIdentity(ctx, resp.Identity, "key", plan.Key, &resp.Diagnostics)
}

func (r *keyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state keyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := r.data.clientOrDiag(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || client == nil {
		return
	}
	res, err := client.DeleteIfModRevision(ctx, state.Key.ValueString(), state.ModRevision.ValueInt64())
	if err != nil {
		resp.Diagnostics.AddError("Cannot delete etcd key", err.Error())
		return
	}
	if !res.Succeeded && res.KV != nil {
		resp.Diagnostics.AddError("Key changed outside Terraform", changedOutsideDetail(state.Key.ValueString(), state.ModRevision.ValueInt64(), res.KV))
	}
}

func (r *keyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByString(ctx, req, resp, "key", "etcd_key", "terraform import etcd_key.db_host /app/config/db_host")
}

func changedOutsideDetail(key string, known int64, now *etcdclient.KeyValue) string {
	current := "it has been deleted"
	if now != nil {
		current = fmt.Sprintf("it is now at mod revision %d", now.ModRevision)
	}
	return fmt.Sprintf("The key %q was written by someone else since Terraform last read it (at mod revision %d; %s). Nothing was written. "+
		"Run plan again to see the current value, then apply.", key, known, current)
}
