package prefix

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/protocol"
)

// The etcd_prefix list resource is served here, beside etcd_prefix itself,
// rather than by the framework provider through its raw-schema route: the
// mux routes a list resource to the server that declares it, this server
// already has the resource's schema, identity and state encoding, and the
// results stream from one etcd range read without the framework's
// per-attribute reflection over every key of every listed prefix.

var (
	listConfigType = protocol.ObjectType(listSchema())
	depthPath      = tftypes.NewAttributePath().WithAttributeName("depth")
)

const (
	defaultDepth = 1
	maxDepth     = 64
)

func listSchema() *tfprotov6.Schema {
	md := tfprotov6.StringKindMarkdown
	return &tfprotov6.Schema{
		Version: 0,
		Block: &tfprotov6.SchemaBlock{
			DescriptionKind: md,
			Description: "Lists the sub-prefixes of a parent prefix, each as an `etcd_prefix` to import: with `prefix = \"/apps/\"` and `depth = 1`, " +
				"one result for every `/apps/<name>/` that holds at least one key. Keys directly under the parent (such as `/apps/README`) belong to no sub-prefix and are not listed. " +
				"Keys are read in pages at one revision, holding one sub-prefix's keys at a time, so any number of keys can be listed. " +
				"With `include_resource = true`, each result's `etcd_prefix` holds the sub-prefix's keys in `keys`, with `exclusive = true`.",
			Attributes: []*tfprotov6.SchemaAttribute{
				{Name: "prefix", Type: tftypes.String, Required: true, DescriptionKind: md,
					Description: "The parent prefix, such as `/apps/`. End it with `/`. `\"\"` lists the top level of the whole keyspace."},
				{Name: "depth", Type: tftypes.Number, Optional: true, DescriptionKind: md,
					Description: fmt.Sprintf("How many `/`-separated segments below `prefix` each sub-prefix has: 1 (the default) lists `/apps/<name>/`, 2 lists `/apps/<name>/<part>/`. From 1 to %d.", maxDepth)},
			},
		},
	}
}

// listConfig is a decoded list configuration; known is false while a value
// is still unknown.
type listConfig struct {
	parent string
	depth  int
	known  bool
}

func decodeListConfig(dv *tfprotov6.DynamicValue, diags *protocol.Diagnostics) listConfig {
	cfg := listConfig{depth: defaultDepth}
	if dv == nil {
		diags.AddAttrError(prefixPath, "Missing prefix", "Set prefix, the parent prefix whose sub-prefixes to list, such as \"/apps/\".")
		return cfg
	}
	v, err := dv.Unmarshal(listConfigType)
	if err != nil {
		diags.AddError("Invalid etcd_prefix list configuration", err.Error())
		return cfg
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil || v.IsNull() {
		diags.AddAttrError(prefixPath, "Missing prefix", "Set prefix, the parent prefix whose sub-prefixes to list, such as \"/apps/\".")
		return cfg
	}
	cfg.known = attrs["prefix"].IsKnown() && attrs["depth"].IsKnown()
	switch p := attrs["prefix"]; {
	case p.IsNull():
		diags.AddAttrError(prefixPath, "Missing prefix", "Set prefix, the parent prefix whose sub-prefixes to list, such as \"/apps/\".")
	case p.IsKnown():
		cfg.parent, _ = protocol.KnownString(p)
		if cfg.parent != "" && !strings.HasSuffix(cfg.parent, "/") {
			diags.AddAttrWarning(prefixPath, "Prefix does not end with /",
				fmt.Sprintf("The sub-prefixes of %q are found by the / after it, so keys such as %q belong to the listed sub-prefixes too. End it with \"/\" unless that is what you want.",
					cfg.parent, cfg.parent+"x/y"))
		}
	}
	if d := attrs["depth"]; d.IsKnown() && !d.IsNull() {
		var f big.Float
		if err := d.As(&f); err != nil {
			diags.AddAttrError(depthPath, "Invalid depth", err.Error())
			return cfg
		}
		n, acc := f.Int64()
		if acc != big.Exact || n < 1 || n > maxDepth {
			diags.AddAttrError(depthPath, "Invalid depth",
				fmt.Sprintf("depth must be a whole number from 1 to %d (the number of segments below prefix), not %s.", maxDepth, f.Text('g', -1)))
			return cfg
		}
		cfg.depth = int(n)
	}
	return cfg
}

// subPrefix is the sub-prefix of key at depth below parent: the parent and
// the next depth segments, each closed by its "/". ok is false for a key
// with fewer segments.
func subPrefix(parent, key string, depth int) (string, bool) {
	rest := key[len(parent):]
	end := 0
	for range depth {
		i := strings.IndexByte(rest[end:], '/')
		if i < 0 {
			return "", false
		}
		end += i + 1
	}
	return key[:len(parent)+end], true
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
		diags.AddError("Configuration not known", "The etcd_prefix list configuration depends on values that are not known yet.")
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
		l := &lister{cfg: cfg, withKeys: req.IncludeResource, limit: req.Limit, push: push}
		rng := etcdclient.PrefixRange(cfg.parent)
		rng.KeysOnly = !req.IncludeResource
		_, err := conn.Client.ForEach(ctx, rng, l.add)
		if err == nil {
			l.flush()
			return
		}
		if !errors.Is(err, errStop) {
			var d protocol.Diagnostics
			d.AddError("Cannot list etcd prefixes", err.Error())
			push(tfprotov6.ListResourceResult{Diagnostics: d})
		}
	}}
}

// lister groups the keys of one range read into sub-prefixes, which are
// contiguous in key order, and pushes each when the next one begins.
type lister struct {
	cfg      listConfig
	withKeys bool
	limit    int64
	push     func(tfprotov6.ListResourceResult) bool

	pushed int64
	cur    string            // the sub-prefix being read ("" before the first)
	count  int               // its keys so far
	keys   map[string]string // its keys, relative, when withKeys
	binary string            // a key of it that is not UTF-8 text
}

func (l *lister) add(kv etcdclient.KeyValue) error {
	sub, ok := subPrefix(l.cfg.parent, kv.Key, l.cfg.depth)
	if !ok {
		return nil
	}
	if sub != l.cur || l.count == 0 {
		if !l.flush() {
			return errStop
		}
		l.cur, l.count, l.binary = sub, 0, ""
		if l.withKeys {
			l.keys = map[string]string{}
		}
	}
	l.count++
	if l.withKeys {
		rel := kv.Key[len(sub):]
		if !utf8.ValidString(rel) || !utf8.Valid(kv.Value) {
			l.binary = kv.Key
		}
		l.keys[rel] = string(kv.Value)
	}
	return nil
}

// flush pushes the sub-prefix read so far, if any, and reports whether
// Terraform wants more.
func (l *lister) flush() bool {
	if l.count == 0 {
		return true
	}
	var diags protocol.Diagnostics
	res := tfprotov6.ListResourceResult{
		DisplayName: l.cur + " (" + strconv.Itoa(l.count) + " keys)",
		Identity:    identity.Encode(l.cur, &diags),
	}
	if l.withKeys {
		if l.binary != "" {
			diags.Add(tfprotov6.DiagnosticSeverityWarning, nil, "Prefix holds binary data",
				fmt.Sprintf("The key %q under %q holds bytes that are not UTF-8 text, which etcd_prefix cannot represent; manage it with etcd_key and value_base64, or use exclusive = false.", l.binary, l.cur))
		} else {
			res.Resource = (&state{Prefix: l.cur, Keys: l.keys, Exclusive: true}).encode(&diags)
		}
	}
	res.Diagnostics = diags
	l.count, l.keys = 0, nil
	if !l.push(res) {
		return false
	}
	l.pushed++
	return l.limit <= 0 || l.pushed < l.limit
}

// generateConfig is the configuration `terraform query
// -generate-config-out` (and `plan -generate-config-out`) writes for an
// etcd_prefix: its state without the computed id, and with keys or
// keys_json, whichever the state holds. exclusive at its default (true) is
// null: Terraform (1.14+, the CLIs that ask the provider) leaves out the
// optional and computed attributes that are null. It writes the other
// optional attributes even when null ("delete_on_destroy = null"), from
// the schema, whatever the provider returns; OpenTofu and older Terraform
// write every optional attribute from the imported state without asking.
func generateConfig(req *tfprotov6.GenerateResourceConfigRequest) *tfprotov6.GenerateResourceConfigResponse {
	var diags protocol.Diagnostics
	attrs, err := objectAttrs(req.State)
	if err != nil || attrs == nil {
		if err == nil {
			err = errors.New("the state is null")
		}
		diags.AddError("Cannot generate etcd_prefix configuration", err.Error())
		return &tfprotov6.GenerateResourceConfigResponse{Diagnostics: diags}
	}
	// Computed-only attributes have no place in a configuration.
	for _, name := range computed {
		attrs[name] = tftypes.NewValue(objectType.AttributeTypes[name], nil)
	}
	if attrs["exclusive"].Equal(tftypes.NewValue(tftypes.Bool, true)) {
		attrs["exclusive"] = tftypes.NewValue(tftypes.Bool, nil)
	}
	dv, err := tfprotov6.NewDynamicValue(objectType, tftypes.NewValue(objectType, attrs))
	if err != nil {
		diags.AddError("Cannot generate etcd_prefix configuration", err.Error())
		return &tfprotov6.GenerateResourceConfigResponse{Diagnostics: diags}
	}
	return &tfprotov6.GenerateResourceConfigResponse{Config: &dv}
}
