package provider

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

var _ datasource.DataSourceWithConfigure = (*keyDataSource)(nil)

// NewKeyDataSource returns the etcd_key data source.
func NewKeyDataSource() datasource.DataSource { return &keyDataSource{} }

type keyDataSource struct {
	data *ProviderData
}

type keyDataModel struct {
	Key            types.String `tfsdk:"key"`
	Revision       types.Int64  `tfsdk:"revision"`
	MustExist      types.Bool   `tfsdk:"must_exist"`
	Value          types.String `tfsdk:"value"`
	ValueBase64    types.String `tfsdk:"value_base64"`
	Exists         types.Bool   `tfsdk:"exists"`
	CreateRevision types.Int64  `tfsdk:"create_revision"`
	ModRevision    types.Int64  `tfsdk:"mod_revision"`
	Version        types.Int64  `tfsdk:"version"`
	LeaseID        types.Int64  `tfsdk:"lease_id"`
}

func (d *keyDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_key"
}

func (d *keyDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one etcd key, now or as it was at a past revision.",
		Attributes: map[string]schema.Attribute{
			"key": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The key to read.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"revision": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "Read the key as it was at this etcd revision. Fails when etcd has compacted that revision away. Unset reads the current value.",
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"must_exist": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "When `true` (the default) a missing key is an error. When `false`, a missing key gives `exists = false` and null values.",
			},
			"value":           schema.StringAttribute{Computed: true, MarkdownDescription: "The value as text; null when it is not valid UTF-8 (use `value_base64`) or the key does not exist."},
			"value_base64":    schema.StringAttribute{Computed: true, MarkdownDescription: "The value in standard base64, whatever its bytes."},
			"exists":          schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the key exists (at `revision`, when set)."},
			"create_revision": schema.Int64Attribute{Computed: true, MarkdownDescription: "The revision at which the key was created."},
			"mod_revision":    schema.Int64Attribute{Computed: true, MarkdownDescription: "The revision of the key's last write."},
			"version":         schema.Int64Attribute{Computed: true, MarkdownDescription: "How many times the key was written since it was created."},
			"lease_id":        schema.Int64Attribute{Computed: true, MarkdownDescription: "The lease the key is attached to; null when none."},
		},
	}
}

func (d *keyDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *keyDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m keyDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	client := d.data.clientOrDiag(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || client == nil {
		return
	}
	if !readKeyInto(ctx, client, &m, &resp.Diagnostics) {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// readKeyInto reads the key m names (at m's revision, when set) into m, for
// the data source and the ephemeral resource alike. It reports whether it
// succeeded; a missing key is an error unless must_exist = false.
func readKeyInto(ctx context.Context, client *etcdclient.Client, m *keyDataModel, diags *diag.Diagnostics) bool {
	kv, err := client.GetWithRevision(ctx, m.Key.ValueString(), m.Revision.ValueInt64())
	switch {
	case errors.Is(err, etcdclient.ErrKeyNotFound) && !m.MustExist.IsNull() && !m.MustExist.ValueBool():
		m.setMissing()
	case errors.Is(err, etcdclient.ErrKeyNotFound):
		diags.AddAttributeError(path.Root("key"), "Key not found",
			fmt.Sprintf("The key %q does not exist%s. Set must_exist = false to read a key that may be missing.", m.Key.ValueString(), atRevision(m.Revision)))
		return false
	case errors.Is(err, etcdclient.ErrCompacted), errors.Is(err, etcdclient.ErrFutureRevision):
		diags.AddAttributeError(path.Root("revision"), "Revision not available", err.Error())
		return false
	case err != nil:
		diags.AddError("Cannot read etcd key", err.Error())
		return false
	default:
		m.setFrom(kv)
	}
	return true
}

func atRevision(rev types.Int64) string {
	if rev.IsNull() {
		return ""
	}
	return fmt.Sprintf(" at revision %d", rev.ValueInt64())
}

func (m *keyDataModel) setFrom(kv *etcdclient.KeyValue) {
	m.Exists = types.BoolValue(true)
	m.Value = textAttr(kv.Value)
	m.ValueBase64 = types.StringValue(base64.StdEncoding.EncodeToString(kv.Value))
	m.CreateRevision = types.Int64Value(kv.CreateRevision)
	m.ModRevision = types.Int64Value(kv.ModRevision)
	m.Version = types.Int64Value(kv.Version)
	m.LeaseID = leaseAttr(kv.Lease)
}

func (m *keyDataModel) setMissing() {
	m.Exists = types.BoolValue(false)
	m.Value, m.ValueBase64 = types.StringNull(), types.StringNull()
	m.CreateRevision, m.ModRevision, m.Version, m.LeaseID = types.Int64Null(), types.Int64Null(), types.Int64Null(), types.Int64Null()
}
