package provider

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

var (
	_ list.ListResourceWithConfigure      = (*keyList)(nil)
	_ list.ListResourceWithValidateConfig = (*keyList)(nil)
)

// NewKeyList returns the etcd_key list resource.
func NewKeyList() list.ListResource { return &keyList{} }

type keyList struct {
	data *ProviderData
}

type keyListModel struct {
	Prefix        types.String `tfsdk:"prefix"`
	Key           types.String `tfsdk:"key"`
	RangeEnd      types.String `tfsdk:"range_end"`
	IncludeValues types.Bool   `tfsdk:"include_values"`
	Limit         types.Int64  `tfsdk:"limit"`
}

func (l *keyList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_key"
}

func (l *keyList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists etcd keys, each as an `etcd_key` to import: every key under `prefix`, or the keys of the range [`key`, `range_end`). " +
			"Keys are read in pages at one revision, so any number of keys can be listed; the list block's `limit` (Terraform's default is 100) " +
			"stops the read after that many keys.",
		Attributes: map[string]schema.Attribute{
			"prefix": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "List every key starting with this prefix, such as `/app/config/`. `\"\"` lists the whole keyspace. Conflicts with `key` and `range_end`.",
			},
			"key": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "List the single key `key`, or with `range_end` the keys of the range [`key`, `range_end`).",
			},
			"range_end": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The end of the range [`key`, `range_end`), as etcd defines it: `\"\\u0000\"` means every key from `key` on. Needs `key`.",
			},
			"include_values": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Read the values too and show each in the result's display name (`key = \"value\"`). " +
					"Defaults to `false`: only keys are read, unless the list block sets `include_resource = true`, which always reads the values.",
			},
			"limit": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Read at most this many keys, at least 1. The list block's own `limit` applies too; the smaller one wins. " +
					"Unlike the block's, this one also holds for tools that send no limit.",
			},
		},
	}
}

func (l *keyList) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (l *keyList) ValidateListResourceConfig(ctx context.Context, req list.ValidateConfigRequest, resp *list.ValidateConfigResponse) {
	var m keyListModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if !resp.Diagnostics.HasError() {
		m.keyRange(&resp.Diagnostics)
		m.checkLimit(&resp.Diagnostics)
	}
}

// checkLimit reports a limit below 1.
func (m *keyListModel) checkLimit(diags *diag.Diagnostics) {
	if !m.Limit.IsNull() && !m.Limit.IsUnknown() && m.Limit.ValueInt64() < 1 {
		diags.AddAttributeError(path.Root("limit"), "Invalid limit", fmt.Sprintf("limit must be at least 1, not %d; leave it unset for no limit of its own.", m.Limit.ValueInt64()))
	}
}

// keyRange is the range the configuration selects; with unknown values it
// only reports what is already wrong.
func (m *keyListModel) keyRange(diags *diag.Diagnostics) etcdclient.Range {
	switch {
	case !m.Prefix.IsNull() && (!m.Key.IsNull() || !m.RangeEnd.IsNull()):
		diags.AddAttributeError(path.Root("prefix"), "Conflicting attributes",
			"Set either prefix, or key (with range_end for a range), not both.")
	case m.Prefix.IsNull() && m.Key.IsNull():
		if !m.RangeEnd.IsNull() {
			diags.AddAttributeError(path.Root("range_end"), "Missing key", "range_end needs key: the range is [key, range_end).")
			break
		}
		diags.AddAttributeError(path.Root("prefix"), "Missing attribute",
			"Set prefix to list every key under it (\"\" for the whole keyspace), or key (with range_end for a range).")
	case !m.Prefix.IsNull():
		if m.Prefix.IsUnknown() {
			break
		}
		return etcdclient.PrefixRange(m.Prefix.ValueString())
	case m.Key.IsUnknown() || m.RangeEnd.IsUnknown():
	case m.Key.ValueString() == "":
		diags.AddAttributeError(path.Root("key"), "Empty key", "key must not be empty; to list the whole keyspace set prefix = \"\".")
	default:
		key, end := m.Key.ValueString(), m.RangeEnd.ValueString()
		if end != "" && end != "\x00" && end <= key {
			diags.AddAttributeError(path.Root("range_end"), "Empty key range",
				fmt.Sprintf("range_end %q does not sort after key %q, so the range [key, range_end) holds no key. "+
					"Leave range_end unset for the single key, or use \"\\u0000\" for every key from key on.", end, key))
			break
		}
		return etcdclient.Range{Key: key, RangeEnd: end}
	}
	return etcdclient.Range{}
}

func (l *keyList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var m keyListModel
	var rng etcdclient.Range
	check := func(m *keyListModel, diags *diag.Diagnostics) {
		rng = m.keyRange(diags)
		m.checkLimit(diags)
	}
	streamList(ctx, l.data, req, stream, &m, check, func(client *etcdclient.Client, s *listStream) {
		withValues := m.IncludeValues.ValueBool()
		rng.KeysOnly = !withValues && !req.IncludeResource
		rng.Limit = req.Limit
		if n := m.Limit.ValueInt64(); n > 0 && (rng.Limit <= 0 || n < rng.Limit) {
			rng.Limit = n
		}
		_, err := client.ForEach(ctx, rng, func(kv etcdclient.KeyValue) error {
			r := stringIdentityResult(ctx, req, "key", kv.Key)
			if withValues {
				r.DisplayName = kv.Key + " = " + displayValue(kv.Value)
			}
			if req.IncludeResource {
				var km keyModel
				km.setFrom(&kv, false)
				r.Diagnostics.Append(r.Resource.Set(ctx, &km)...)
			}
			if !s.emit(r) {
				return errStopListing
			}
			return nil
		})
		if err != nil && !errors.Is(err, errStopListing) {
			s.fail("Cannot list etcd keys", err.Error())
		}
	})
}

// displayValue shows a value in a display name: quoted text, shortened, or
// base64 for binary data.
func displayValue(v []byte) string {
	const most = 60
	if !utf8.Valid(v) {
		s := base64.StdEncoding.EncodeToString(v)
		if len(s) > most {
			s = s[:most] + "..."
		}
		return "base64:" + s
	}
	s := string(v)
	if utf8.RuneCountInString(s) > most {
		s = string([]rune(s)[:most]) + "..."
	}
	return strconv.Quote(s)
}
