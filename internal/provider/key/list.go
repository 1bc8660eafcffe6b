package key

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/protocol"
)

// The etcd_key list resource is served here, beside etcd_key itself: the
// mux routes a list resource to the server that declares it, and this
// server has the resource's identity and state encoding.

var (
	listConfigType = protocol.ObjectType(listSchema())
	prefixPath     = tftypes.NewAttributePath().WithAttributeName("prefix")
	rangeEndPath   = tftypes.NewAttributePath().WithAttributeName("range_end")
	limitPath      = tftypes.NewAttributePath().WithAttributeName("limit")
)

func listSchema() *tfprotov6.Schema {
	md := tfprotov6.StringKindMarkdown
	return &tfprotov6.Schema{
		Version: 0,
		Block: &tfprotov6.SchemaBlock{
			DescriptionKind: md,
			Description: "Lists etcd keys, each as an `etcd_key` to import: every key under `prefix`, or the keys of the range [`key`, `range_end`). " +
				"Keys are read in pages at one revision, so any number of keys can be listed; the list block's `limit` (Terraform's default is 100) " +
				"stops the read after that many keys.",
			Attributes: []*tfprotov6.SchemaAttribute{
				{Name: "include_values", Type: tftypes.Bool, Optional: true, DescriptionKind: md,
					Description: "Read the values too and show each in the result's display name (`key = \"value\"`). " +
						"Defaults to `false`: only keys are read, unless the list block sets `include_resource = true`, which always reads the values."},
				{Name: "key", Type: tftypes.String, Optional: true, DescriptionKind: md,
					Description: "List the single key `key`, or with `range_end` the keys of the range [`key`, `range_end`)."},
				{Name: "limit", Type: tftypes.Number, Optional: true, DescriptionKind: md,
					Description: "Read at most this many keys, at least 1. The list block's own `limit` applies too; the smaller one wins. " +
						"Unlike the block's, this one also holds for tools that send no limit."},
				{Name: "prefix", Type: tftypes.String, Optional: true, DescriptionKind: md,
					Description: "List every key starting with this prefix, such as `/app/config/`. `\"\"` lists the whole keyspace. Conflicts with `key` and `range_end`."},
				{Name: "range_end", Type: tftypes.String, Optional: true, DescriptionKind: md,
					Description: "The end of the range [`key`, `range_end`), as etcd defines it: `\"\\u0000\"` means every key from `key` on. Needs `key`."},
			},
		},
	}
}

// listConfig is a decoded list configuration.
type listConfig struct {
	rng        etcdclient.Range
	withValues bool
	limit      int64 // 0: none of its own
	known      bool  // every value is known, so rng is the range to read
}

func decodeListConfig(dv *tfprotov6.DynamicValue, diags *protocol.Diagnostics) listConfig {
	var cfg listConfig
	attrs, err := protocol.ObjectAttrs(dv, listConfigType)
	if err != nil {
		diags.AddError("Invalid etcd_key list configuration", err.Error())
		return cfg
	}
	if attrs == nil {
		attrs = map[string]tftypes.Value{}
	}
	prefix, key, end := attrs["prefix"], attrs["key"], attrs["range_end"]
	isNull := func(v tftypes.Value) bool { return v.Type() == nil || v.IsNull() }
	switch {
	case !isNull(prefix) && (!isNull(key) || !isNull(end)):
		diags.AddAttrError(prefixPath, "Conflicting attributes", "Set either prefix, or key (with range_end for a range), not both.")
	case isNull(prefix) && isNull(key):
		if !isNull(end) {
			diags.AddAttrError(rangeEndPath, "Missing key", "range_end needs key: the range is [key, range_end).")
			break
		}
		diags.AddAttrError(prefixPath, "Missing attribute",
			"Set prefix to list every key under it (\"\" for the whole keyspace), or key (with range_end for a range).")
	case !isNull(prefix):
		if p, ok := protocol.KnownString(prefix); ok {
			cfg.rng, cfg.known = etcdclient.PrefixRange(p), true
		}
	case !key.IsKnown() || (!isNull(end) && !end.IsKnown()):
	default:
		k, _ := protocol.KnownString(key)
		e, _ := protocol.KnownString(end)
		if k == "" {
			diags.AddAttrError(keyPath, "Empty key", "key must not be empty; to list the whole keyspace set prefix = \"\".")
			break
		}
		if e != "" && e != "\x00" && e <= k {
			diags.AddAttrError(rangeEndPath, "Empty key range",
				fmt.Sprintf("range_end %q does not sort after key %q, so the range [key, range_end) holds no key. "+
					"Leave range_end unset for the single key, or use \"\\u0000\" for every key from key on.", e, k))
			break
		}
		cfg.rng, cfg.known = etcdclient.Range{Key: k, RangeEnd: e}, true
	}
	if v := attrs["include_values"]; v.IsKnown() && !isNull(v) {
		_ = v.As(&cfg.withValues)
	} else if !v.IsKnown() {
		cfg.known = false
	}
	if l, err := int64Ptr(attrs["limit"]); err != nil {
		diags.AddAttrError(limitPath, "Invalid limit", err.Error())
	} else if l != nil {
		if *l < 1 {
			diags.AddAttrError(limitPath, "Invalid limit", fmt.Sprintf("limit must be at least 1, not %d; leave it unset for no limit of its own.", *l))
		}
		cfg.limit = *l
	} else if !attrs["limit"].IsKnown() {
		cfg.known = false
	}
	return cfg
}

func (s *server) validateListConfig(req *tfprotov6.ValidateListResourceConfigRequest) *tfprotov6.ValidateListResourceConfigResponse {
	var diags protocol.Diagnostics
	if req.TypeName != TypeName {
		diags.AddError("Unknown list resource", fmt.Sprintf("This server lists only %s, not %s. This is a bug in the provider; please report it.", TypeName, req.TypeName))
	} else {
		decodeListConfig(req.Config, &diags)
	}
	return &tfprotov6.ValidateListResourceConfigResponse{Diagnostics: diags}
}

// errStop ends the range read once Terraform wants no more results.
var errStop = errors.New("listing stopped")

func (s *server) list(ctx context.Context, req *tfprotov6.ListResourceRequest) *tfprotov6.ListResourceServerStream {
	var diags protocol.Diagnostics
	cfg := decodeListConfig(req.Config, &diags)
	if !diags.HasError() && !cfg.known {
		diags.AddError("Configuration not known", "The etcd_key list configuration depends on values that are not known yet.")
	}
	var conn protocol.Conn
	if !diags.HasError() {
		conn, _ = s.connect.Connect(&diags)
	}
	if diags.HasError() {
		return &tfprotov6.ListResourceServerStream{Results: func(push func(tfprotov6.ListResourceResult) bool) {
			push(tfprotov6.ListResourceResult{Diagnostics: diags})
		}}
	}
	return &tfprotov6.ListResourceServerStream{Results: func(push func(tfprotov6.ListResourceResult) bool) {
		rng := cfg.rng
		rng.KeysOnly = !cfg.withValues && !req.IncludeResource
		rng.Limit = req.Limit
		if cfg.limit > 0 && (rng.Limit <= 0 || cfg.limit < rng.Limit) {
			rng.Limit = cfg.limit
		}
		var pushed int64
		_, err := conn.Client.ForEach(ctx, rng, func(kv etcdclient.KeyValue) error {
			var d protocol.Diagnostics
			r := tfprotov6.ListResourceResult{DisplayName: kv.Key, Identity: identity.Encode(kv.Key, &d)}
			if cfg.withValues {
				r.DisplayName = kv.Key + " = " + displayValue(kv.Value)
			}
			if req.IncludeResource {
				var o object
				o.setFrom(&kv, false)
				r.Resource = o.encode(&d)
			}
			r.Diagnostics = d
			if !push(r) {
				return errStop
			}
			if pushed++; req.Limit > 0 && pushed >= req.Limit {
				return errStop
			}
			return nil
		})
		if err != nil && !errors.Is(err, errStop) {
			var d protocol.Diagnostics
			d.AddError("Cannot list etcd keys", err.Error())
			push(tfprotov6.ListResourceResult{Diagnostics: d})
		}
	}}
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
