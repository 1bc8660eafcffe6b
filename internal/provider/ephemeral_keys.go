package provider

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

var _ ephemeral.EphemeralResourceWithConfigure = (*keysEphemeral)(nil)

// NewKeysEphemeral returns the etcd_keys ephemeral resource: a prefix or a
// key range read into maps of values that are never stored.
func NewKeysEphemeral() ephemeral.EphemeralResource { return &keysEphemeral{} }

type keysEphemeral struct {
	data *ProviderData
}

type keysEphemeralModel struct {
	Prefix       types.String `tfsdk:"prefix"`
	Key          types.String `tfsdk:"key"`
	RangeEnd     types.String `tfsdk:"range_end"`
	Revision     types.Int64  `tfsdk:"revision"`
	Limit        types.Int64  `tfsdk:"limit"`
	Values       types.Map    `tfsdk:"values"`
	ValuesBase64 types.Map    `tfsdk:"values_base64"`
	Count        types.Int64  `tfsdk:"key_count"`
}

func (e *keysEphemeral) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_keys"
}

func (e *keysEphemeral) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	oneOf := stringvalidator.ExactlyOneOf(path.MatchRoot("prefix"), path.MatchRoot("key"))
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the keys under a prefix, or in a key range, all at one revision, without storing them: the values are in no state and no plan file. " +
			"Use it to feed secrets kept in etcd to write-only arguments (such as `etcd_key.value_wo`) or to other providers' configurations. " +
			"Needs Terraform 1.10+ or OpenTofu 1.11+. See the guide \"Secrets in etcd\".\n\n" +
			"To read keys the same configuration writes, derive an argument from the id of an `etcd_key` or `etcd_prefix` it writes (for example `key = etcd_key.<name>.id`, or `prefix = etcd_prefix.<name>.id`): the id is unknown until the keys are created, so the read waits for the apply. " +
			"Terraform opens an ephemeral resource whose arguments are known while it plans, even with `depends_on`, before the keys exist; OpenTofu waits for the writes either way.",
		Attributes: map[string]schema.Attribute{
			"prefix": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Read every key starting with this prefix (as `etcdctl get --prefix`). Exactly one of `prefix` and `key` must be set.",
				Validators:          []validator.String{oneOf},
			},
			"key": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Read from this key: only this key, or up to `range_end` when it is set.",
				Validators:          []validator.String{oneOf},
			},
			"range_end": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "With `key`, read the range [`key`, `range_end`) as etcd defines it; `\"\\u0000\"` means every key from `key` on.",
				Validators:          []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("key"))},
			},
			"revision": schema.Int64Attribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "Read the keys as they were at this revision (fails when it was compacted). When unset, reads the current keys and reports the store revision they were read at.",
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"limit": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "Read at most this many keys (the first ones in key order). Unset reads all.",
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"values": schema.MapAttribute{
				Computed:            true,
				Sensitive:           true,
				ElementType:         types.StringType,
				MarkdownDescription: "Map of full key to value, for the keys whose values are UTF-8 text (every key is in `values_base64`).",
			},
			"values_base64": schema.MapAttribute{
				Computed:            true,
				Sensitive:           true,
				ElementType:         types.StringType,
				MarkdownDescription: "Map of full key to value in standard base64, for every key read.",
			},
			"key_count": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "How many keys were read.",
			},
		},
	}
}

func (e *keysEphemeral) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (e *keysEphemeral) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m keysEphemeralModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	client := e.data.clientOrDiag(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || client == nil {
		return
	}
	r := etcdclient.Range{Key: m.Key.ValueString(), RangeEnd: m.RangeEnd.ValueString()}
	if !m.Prefix.IsNull() {
		r = etcdclient.PrefixRange(m.Prefix.ValueString())
	}
	r.Revision, r.Limit = m.Revision.ValueInt64(), m.Limit.ValueInt64()
	values, encoded := map[string]string{}, map[string]string{}
	rev, err := client.ForEach(ctx, r, func(kv etcdclient.KeyValue) error {
		if !utf8.ValidString(kv.Key) {
			return fmt.Errorf("the key %+q has a name that is not valid UTF-8 text, so it cannot be a map key; read it with ephemeral \"etcd_key\", or narrow the range", kv.Key)
		}
		if utf8.Valid(kv.Value) {
			values[kv.Key] = string(kv.Value)
		}
		encoded[kv.Key] = base64.StdEncoding.EncodeToString(kv.Value)
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
	var d diag.Diagnostics
	m.Values, d = types.MapValueFrom(ctx, types.StringType, values)
	resp.Diagnostics.Append(d...)
	m.ValuesBase64, d = types.MapValueFrom(ctx, types.StringType, encoded)
	resp.Diagnostics.Append(d...)
	m.Count, m.Revision = types.Int64Value(int64(len(encoded))), types.Int64Value(rev)
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
}
