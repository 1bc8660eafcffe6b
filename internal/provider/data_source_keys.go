package provider

import (
	"context"
	"encoding/base64"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

var _ datasource.DataSourceWithConfigure = (*keysDataSource)(nil)

// NewKeysDataSource returns the etcd_keys data source.
func NewKeysDataSource() datasource.DataSource { return &keysDataSource{} }

type keysDataSource struct {
	data *ProviderData
}

type keysDataModel struct {
	Prefix   types.String `tfsdk:"prefix"`
	Key      types.String `tfsdk:"key"`
	RangeEnd types.String `tfsdk:"range_end"`
	Revision types.Int64  `tfsdk:"revision"`
	KeysOnly types.Bool   `tfsdk:"keys_only"`
	Limit    types.Int64  `tfsdk:"limit"`
	KVs      types.List   `tfsdk:"kvs"`
	Count    types.Int64  `tfsdk:"key_count"`
}

var kvObjectType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"key":             types.StringType,
	"value":           types.StringType,
	"value_base64":    types.StringType,
	"create_revision": types.Int64Type,
	"mod_revision":    types.Int64Type,
	"version":         types.Int64Type,
	"lease_id":        types.Int64Type,
}}

func (d *keysDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_keys"
}

func (d *keysDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	oneOf := stringvalidator.ExactlyOneOf(path.MatchRoot("prefix"), path.MatchRoot("key"))
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the keys under a prefix, or in a key range, in key order, all at one revision. " +
			"Large ranges are read in pages, never in one unbounded response.",
		Attributes: map[string]schema.Attribute{
			"prefix": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Read every key starting with this prefix (as `etcdctl get --prefix`). `\"\"` reads the whole keyspace. Exactly one of `prefix` and `key` must be set.",
				Validators:          []validator.String{oneOf},
			},
			"key": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Read from this key: only this key, or up to `range_end` when it is set.",
				Validators:          []validator.String{oneOf},
			},
			"range_end": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "With `key`, read the range [`key`, `range_end`) as etcd defines it; `\"\\u0000\"` means every key from `key` on. " +
					"`provider::etcd::prefix_range_end(...)` computes the end of a prefix.",
				Validators: []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("key"))},
			},
			"revision": schema.Int64Attribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Read the keys as they were at this revision (fails when it was compacted). " +
					"When unset, reads the current keys and reports the store revision they were read at.",
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"keys_only": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Leave values out (`value` and `value_base64` are null). Defaults to `false`.",
			},
			"limit": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "Read at most this many keys (the first ones in key order). Unset reads all.",
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"key_count": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "How many keys were read (the length of `kvs`). (Named `key_count` because Terraform reserves `count`.)",
			},
			"kvs": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The keys, in key order.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"key":             schema.StringAttribute{Computed: true, MarkdownDescription: "The key."},
					"value":           schema.StringAttribute{Computed: true, MarkdownDescription: "The value as text; null when it is not valid UTF-8 or with `keys_only`."},
					"value_base64":    schema.StringAttribute{Computed: true, MarkdownDescription: "The value in standard base64; null with `keys_only`."},
					"create_revision": schema.Int64Attribute{Computed: true, MarkdownDescription: "The revision at which the key was created."},
					"mod_revision":    schema.Int64Attribute{Computed: true, MarkdownDescription: "The revision of the key's last write."},
					"version":         schema.Int64Attribute{Computed: true, MarkdownDescription: "How many times the key was written since it was created."},
					"lease_id":        schema.Int64Attribute{Computed: true, MarkdownDescription: "The lease the key is attached to; null when none."},
				}},
			},
		},
	}
}

func (d *keysDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (m *keysDataModel) rangeToRead() etcdclient.Range {
	r := etcdclient.Range{Key: m.Key.ValueString(), RangeEnd: m.RangeEnd.ValueString()}
	if !m.Prefix.IsNull() {
		r = etcdclient.PrefixRange(m.Prefix.ValueString())
	}
	r.Revision, r.KeysOnly, r.Limit = m.Revision.ValueInt64(), m.KeysOnly.ValueBool(), m.Limit.ValueInt64()
	return r
}

func (d *keysDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m keysDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	client := d.data.clientOrDiag(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || client == nil {
		return
	}
	r := m.rangeToRead()
	var objs []attr.Value
	rev, err := client.ForEach(ctx, r, func(kv etcdclient.KeyValue) error {
		objs = append(objs, kvObject(kv, r.KeysOnly))
		return nil
	})
	if errors.Is(err, etcdclient.ErrCompacted) || errors.Is(err, etcdclient.ErrFutureRevision) {
		resp.Diagnostics.AddAttributeError(path.Root("revision"), "Revision not available", err.Error())
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read etcd keys", err.Error())
		return
	}
	list, diags := types.ListValue(kvObjectType, objs)
	resp.Diagnostics.Append(diags...)
	m.KVs, m.Count, m.Revision = list, types.Int64Value(int64(len(objs))), types.Int64Value(rev)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func kvObject(kv etcdclient.KeyValue, keysOnly bool) attr.Value {
	value, valueBase64 := types.StringNull(), types.StringNull()
	if !keysOnly {
		value = textAttr(kv.Value)
		valueBase64 = types.StringValue(base64.StdEncoding.EncodeToString(kv.Value))
	}
	return types.ObjectValueMust(kvObjectType.AttrTypes, map[string]attr.Value{
		"key":             types.StringValue(kv.Key),
		"value":           value,
		"value_base64":    valueBase64,
		"create_revision": types.Int64Value(kv.CreateRevision),
		"mod_revision":    types.Int64Value(kv.ModRevision),
		"version":         types.Int64Value(kv.Version),
		"lease_id":        leaseAttr(kv.Lease),
	})
}
