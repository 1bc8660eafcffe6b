package provider

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
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
	_ resource.ResourceWithModifyPlan     = (*keyResource)(nil)
)

// NewKeyResource returns the etcd_key resource.
func NewKeyResource() resource.Resource { return &keyResource{} }

type keyResource struct {
	data *ProviderData
}

type keyModel struct {
	ID              types.String `tfsdk:"id"`
	Key             types.String `tfsdk:"key"`
	Value           types.String `tfsdk:"value"`
	ValueBase64     types.String `tfsdk:"value_base64"`
	ValueWO         types.String `tfsdk:"value_wo"`
	ValueWOVersion  types.Int64  `tfsdk:"value_wo_version"`
	DeleteOnDestroy types.Bool   `tfsdk:"delete_on_destroy"`
	LeaseID         types.Int64  `tfsdk:"lease_id"`
	CreateRevision  types.Int64  `tfsdk:"create_revision"`
	ModRevision     types.Int64  `tfsdk:"mod_revision"`
	Version         types.Int64  `tfsdk:"version"`
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
			"Updates are guarded by the key's `mod_revision` from the last refresh, so a change made by someone else in between is never overwritten: the apply fails instead.\n\n" +
			"For secrets, set `value_wo` instead of `value`: the value is written to etcd but never stored in the state or in plan files. " +
			"Terraform keeps only a salted argon2id fingerprint of it in the resource's private state, so a value changed in etcd still shows on the next plan (as an update of `mod_revision`, with a warning naming the key) and apply writes it back. See the guide \"Secrets in etcd\".",
		Attributes: map[string]schema.Attribute{
			"key": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The key, such as `/app/config/db_host`. Changing it replaces the resource.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"value": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The value as text. May be empty. Exactly one of `value`, `value_base64` and `value_wo` must be set. It is stored in the state in plain text: use `value_wo` for secrets.",
			},
			"value_base64": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The value as standard base64, for binary data (for example `filebase64(\"cert.der\")`).",
				Validators:          []validator.String{base64Validator{}},
			},
			"value_wo": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				WriteOnly: true,
				MarkdownDescription: "The value as text, write-only: it is written to etcd but never stored in the state or in plan files. Needs Terraform 1.11+ or OpenTofu 1.11+. " +
					"It is written when the key is created, whenever `value_wo_version` changes, and whenever the value in etcd no longer matches the one last written (drift). " +
					"Changing only `value_wo` does nothing: change `value_wo_version` too. Binary data: `value_wo = base64decode(...)` cannot hold it, store such secrets as text (for example base64).",
			},
			"value_wo_version": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "Any number; change it (for example increment it) to write `value_wo` again. Requires `value_wo`.",
			},
			"delete_on_destroy": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "When `false`, destroying this resource (or removing it from the configuration) leaves the key and its value in etcd and only removes it from the Terraform state. " +
					"Defaults to `true`: destroy deletes the key. The setting in effect is the one in the state, so apply a change to `false` before the destroy it is meant for.",
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
	var set []string
	for _, a := range []struct {
		name string
		v    types.String
	}{{"value", m.Value}, {"value_base64", m.ValueBase64}, {"value_wo", m.ValueWO}} {
		if !a.v.IsNull() {
			set = append(set, a.name)
		}
	}
	switch {
	case len(set) > 1:
		resp.Diagnostics.AddAttributeError(path.Root(set[1]), "Conflicting attributes",
			fmt.Sprintf("%s are set: set exactly one of value (text, may be empty), value_base64 (binary data in base64) and value_wo (a secret kept out of the state).", joinAnd(set)))
	case len(set) == 0:
		resp.Diagnostics.AddAttributeError(path.Root("value"), "Missing value",
			"Set exactly one of value (text, may be empty), value_base64 (binary data in base64) and value_wo (a secret kept out of the state).")
	}
	if !m.ValueWOVersion.IsNull() && m.ValueWO.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("value_wo_version"), "value_wo_version without value_wo",
			"value_wo_version is set but value_wo is not: value_wo_version only says when to write value_wo again. Set value_wo, or remove value_wo_version.")
	}
	if resp.Diagnostics.HasError() || m.Key.IsUnknown() || m.Value.IsUnknown() || m.ValueBase64.IsUnknown() || m.ValueWO.IsUnknown() {
		return
	}
	raw, err := m.rawValue()
	if err != nil {
		return // reported by the base64 validator
	}
	if err := etcdclient.CheckPutSize(m.Key.ValueString(), len(raw)); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root(set[0]), "Value too large", err.Error()+".")
	}
}

func (m *keyModel) rawValue() (string, error) {
	if !m.ValueBase64.IsNull() {
		b, err := base64.StdEncoding.DecodeString(m.ValueBase64.ValueString())
		return string(b), err
	}
	if !m.ValueWO.IsNull() {
		return m.ValueWO.ValueString(), nil
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
// value_base64) the configuration uses. With writeOnly the value is not
// recorded at all.
func (m *keyModel) setFrom(kv *etcdclient.KeyValue, writeOnly bool) {
	m.ID, m.Key = types.StringValue(kv.Key), types.StringValue(kv.Key)
	m.ValueWO = types.StringNull()
	if writeOnly {
		m.Value, m.ValueBase64 = types.StringNull(), types.StringNull()
	} else {
		m.Value, m.ValueBase64 = valueAttrs(kv.Value, !m.ValueBase64.IsNull())
	}
	m.LeaseID = leaseAttr(kv.Lease)
	m.CreateRevision = types.Int64Value(kv.CreateRevision)
	m.ModRevision = types.Int64Value(kv.ModRevision)
	m.Version = types.Int64Value(kv.Version)
}

func (r *keyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m keyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("value_wo"), &m.ValueWO)...)
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
	writeOnly := !m.ValueWO.IsNull()
	setWriteOnlyPrivate(ctx, resp.Private, writeOnly, value, &resp.Diagnostics)
	m.setFrom(res.KV, writeOnly)
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
	wo := readWriteOnlyPrivate(ctx, req.Private, &resp.Diagnostics)
	if wo != nil && kv.ModRevision != m.ModRevision.ValueInt64() {
		// Written since Terraform last saw it: compare with the fingerprint
		// of what Terraform wrote (slow on purpose, so only when needed).
		wo.Drift = !wo.Fingerprint.Matches(kv.Value)
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateWriteOnly, wo.encode())...)
	}
	m.setFrom(kv, wo != nil)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	setIdentity(ctx, resp.Identity, "key", m.Key, &resp.Diagnostics)
}

// ModifyPlan plans a write of value_wo when etcd no longer holds what
// Terraform wrote, or when Terraform never wrote it (after an import or a
// switch from value). The plan shows it as a new mod_revision, and a
// warning names the key; the value itself is in no plan.
func (r *keyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var wo types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("value_wo"), &wo)...)
	if wo.IsNull() {
		return
	}
	var key types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("key"), &key)...)
	priv := readWriteOnlyPrivate(ctx, req.Private, &resp.Diagnostics)
	switch {
	case priv == nil:
		resp.Diagnostics.AddAttributeWarning(path.Root("value_wo"), "value_wo will be written",
			fmt.Sprintf("Terraform has not written value_wo to the key %q yet (it was imported, or set with value before), so it cannot tell whether etcd holds it: apply writes it.", key.ValueString()))
	case priv.Drift:
		resp.Diagnostics.AddAttributeWarning(path.Root("value_wo"), "Value changed outside Terraform",
			fmt.Sprintf("The key %q no longer holds the value_wo Terraform wrote: it was changed outside Terraform. Apply writes value_wo back.", key.ValueString()))
	default:
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("mod_revision"), types.Int64Unknown())...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("version"), types.Int64Unknown())...)
}

func (r *keyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state keyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("value_wo"), &plan.ValueWO)...)
	client := r.data.clientOrDiag(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || client == nil {
		return
	}
	writeOnly := !plan.ValueWO.IsNull()
	if !needsWrite(ctx, plan, state, req.Private, &resp.Diagnostics) {
		// Only Terraform's own settings (delete_on_destroy) changed.
		plan.ModRevision, plan.Version = state.ModRevision, state.Version
		plan.ValueWO = types.StringNull()
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		setIdentity(ctx, resp.Identity, "key", plan.Key, &resp.Diagnostics)
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
	setWriteOnlyPrivate(ctx, resp.Private, writeOnly, value, &resp.Diagnostics)
	plan.setFrom(res.KV, writeOnly)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setIdentity(ctx, resp.Identity, "key", plan.Key, &resp.Diagnostics)
}

// needsWrite reports whether an update has to write the key: its value or
// lease changed, or value_wo is to be written (new version, drift, or not
// yet written by Terraform).
func needsWrite(ctx context.Context, plan, state keyModel, priv privateGetter, diags *diag.Diagnostics) bool {
	if plan.ValueWO.IsNull() {
		return !plan.Value.Equal(state.Value) || !plan.ValueBase64.Equal(state.ValueBase64) || !plan.LeaseID.Equal(state.LeaseID)
	}
	wo := readWriteOnlyPrivate(ctx, priv, diags)
	return wo == nil || wo.Drift || !plan.ValueWOVersion.Equal(state.ValueWOVersion) || !plan.LeaseID.Equal(state.LeaseID)
}

func (r *keyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state keyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || keptOnDestroy(ctx, state.DeleteOnDestroy, "etcd_key", state.Key.ValueString()) {
		return
	}
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
