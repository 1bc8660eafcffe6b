package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

var _ function.Function = (*flattenFunction)(nil)

// NewFlattenFunction returns provider::etcd::flatten.
func NewFlattenFunction() function.Function { return &flattenFunction{} }

type flattenFunction struct{}

func (f *flattenFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "flatten"
}

func (f *flattenFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Flatten a nested object into relative keys",
		MarkdownDescription: "Turns a nested object or map, such as `yamldecode(file(\"config.yaml\"))`, into a flat `map(string)` whose keys are the paths to its values " +
			"joined by `separator`, ready for `etcd_prefix.keys`: `flatten({ db = { host = \"h\", port = 5432 } }, \"/\")` gives `{ \"db/host\" = \"h\", \"db/port\" = \"5432\" }`.\n\n" +
			"Strings are kept as they are; numbers and bools become their text (`5432`, `true`). Empty objects hold no value and leave no key. " +
			"An attribute name containing `separator` is an error, as it would make the keys ambiguous. " +
			"Lists and nulls are errors unless an `options` object, the optional third argument, says how to encode them:\n\n" +
			"- `lists = \"index\"`: each element becomes a key named by its index (`servers/0`, `servers/1`); `lists = \"json\"`: the whole list becomes one key holding its JSON.\n" +
			"- `nulls = \"skip\"`: null values leave no key; `nulls = \"empty\"`: they become `\"\"`.\n\n" +
			"`provider::etcd::unflatten` is its inverse: `unflatten(flatten(x, s), s)` is `x` for every object `x` of strings without empty objects whose attribute names do not contain `s` " +
			"(with `lists = \"index\"` on both sides, also for lists of such values).",
		Parameters: []function.Parameter{
			function.DynamicParameter{Name: "value", MarkdownDescription: "A nested object or map."},
			function.StringParameter{Name: "separator", MarkdownDescription: "What joins the path segments, such as `\"/\"`. Must not be empty."},
		},
		VariadicParameter: function.DynamicParameter{Name: "options",
			MarkdownDescription: "At most one object: `{ lists = \"error\" | \"index\" | \"json\", nulls = \"error\" | \"skip\" | \"empty\" }` (each defaults to `\"error\"`)."},
		Return: function.MapReturn{ElementType: types.StringType},
	}
}

// flattenOptions say how flatten encodes lists and nulls.
type flattenOptions struct {
	Lists string // "error", "index" or "json"
	Nulls string // "error", "skip" or "empty"
}

func (f *flattenFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var value types.Dynamic
	var sep string
	var opts []types.Dynamic
	resp.Error = req.Arguments.Get(ctx, &value, &sep, &opts)
	if resp.Error != nil {
		return
	}
	if sep == "" {
		resp.Error = function.NewArgumentFuncError(1, "The separator must not be empty.")
		return
	}
	o, err := parseOptions(opts, map[string][]string{"lists": {"error", "index", "json"}, "nulls": {"error", "skip", "empty"}})
	if err != nil {
		resp.Error = function.NewArgumentFuncError(2, err.Error())
		return
	}
	tree, err := goValue(value.UnderlyingValue())
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, err.Error())
		return
	}
	flat, err := flattenTree(tree, sep, flattenOptions{Lists: o["lists"], Nulls: o["nulls"]})
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, err.Error())
		return
	}
	elems := make(map[string]attr.Value, len(flat))
	for k, v := range flat {
		elems[k] = types.StringValue(v)
	}
	resp.Error = resp.Result.Set(ctx, types.MapValueMust(types.StringType, elems))
}

// parseOptions reads the optional options object: each attribute must be
// one of allowed's names with one of its values; unset ones are "error"
// or, for unflatten's lists, the first allowed value.
func parseOptions(args []types.Dynamic, allowed map[string][]string) (map[string]string, error) {
	out := map[string]string{}
	for name, values := range allowed {
		out[name] = values[0]
	}
	switch {
	case len(args) == 0:
		return out, nil
	case len(args) > 1:
		return nil, fmt.Errorf("at most one options object may be given, not %d", len(args))
	}
	v, err := goValue(args[0].UnderlyingValue())
	if err != nil {
		return nil, err
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("options must be an object such as { lists = \"index\" }")
	}
	for name, val := range obj {
		values, known := allowed[name]
		if !known {
			return nil, fmt.Errorf("unknown option %q; the options are %s", name, strings.Join(sortedNames(allowed), ", "))
		}
		s, isString := val.(string)
		if !isString || !contains(values, s) {
			return nil, fmt.Errorf("option %s must be one of %q", name, values)
		}
		out[name] = s
	}
	return out, nil
}

func sortedNames(m map[string][]string) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// goValue turns a Terraform value into plain Go: map[string]any for objects
// and maps, []any for lists, tuples and sets, string, bool, json.Number
// (written as Terraform's tostring writes it) and nil for null.
func goValue(v attr.Value) (any, error) {
	if v == nil || v.IsNull() {
		return nil, nil
	}
	if v.IsUnknown() {
		return nil, fmt.Errorf("the value is not known yet")
	}
	switch v := v.(type) {
	case basetypes.DynamicValue:
		return goValue(v.UnderlyingValue())
	case basetypes.StringValue:
		return v.ValueString(), nil
	case basetypes.BoolValue:
		return v.ValueBool(), nil
	case basetypes.NumberValue:
		f := v.ValueBigFloat()
		if f.IsInt() {
			return json.Number(f.Text('f', 0)), nil
		}
		return json.Number(f.Text('g', -1)), nil
	case basetypes.ObjectValue:
		return goMap(v.Attributes())
	case basetypes.MapValue:
		return goMap(v.Elements())
	case basetypes.ListValue:
		return goList(v.Elements())
	case basetypes.TupleValue:
		return goList(v.Elements())
	case basetypes.SetValue:
		return goList(v.Elements())
	}
	return nil, fmt.Errorf("values of type %s cannot be flattened", v.Type(context.Background()))
}

func goMap(attrs map[string]attr.Value) (map[string]any, error) {
	out := make(map[string]any, len(attrs))
	for k, e := range attrs {
		v, err := goValue(e)
		if err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, nil
}

func goList(elems []attr.Value) ([]any, error) {
	out := make([]any, len(elems))
	for i, e := range elems {
		v, err := goValue(e)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// flattenTree flattens a map[string]any tree (see goValue).
func flattenTree(tree any, sep string, opts flattenOptions) (map[string]string, error) {
	root, ok := tree.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("flatten takes an object or a map, not %s", describeGo(tree))
	}
	out := map[string]string{}
	return out, flattenInto(out, root, nil, sep, opts)
}

func flattenInto(out map[string]string, node map[string]any, path []string, sep string, opts flattenOptions) error {
	for name, v := range node {
		if strings.Contains(name, sep) {
			return fmt.Errorf("the attribute %q at %s contains the separator %q, so its keys would be ambiguous; choose another separator", name, describePath(path, sep), sep)
		}
		if err := flattenValue(out, v, append(path[:len(path):len(path)], name), sep, opts); err != nil {
			return err
		}
	}
	return nil
}

func flattenValue(out map[string]string, v any, path []string, sep string, opts flattenOptions) error {
	key := strings.Join(path, sep)
	if _, leaf := v.(map[string]any); !leaf && !slicesEqual(strings.Split(key, sep), path) {
		// A separator such as "//" can appear across two names ("a/" and "/b").
		return fmt.Errorf("the path %q cannot be told apart from others when joined with the separator %q; choose another separator", path, sep)
	}
	switch v := v.(type) {
	case nil:
		switch opts.Nulls {
		case "skip":
		case "empty":
			out[key] = ""
		default:
			return fmt.Errorf("%s is null; pass { nulls = \"skip\" } to leave nulls out or { nulls = \"empty\" } to write them as \"\"", describePath(path, sep))
		}
	case string:
		out[key] = v
	case bool:
		out[key] = strconv.FormatBool(v)
	case json.Number:
		out[key] = string(v)
	case map[string]any:
		return flattenInto(out, v, path, sep, opts)
	case []any:
		switch opts.Lists {
		case "index":
			for i, e := range v {
				if err := flattenValue(out, e, append(path[:len(path):len(path)], strconv.Itoa(i)), sep, opts); err != nil {
					return err
				}
			}
		case "json":
			text, err := jsonText(v)
			if err != nil {
				return fmt.Errorf("%s: %w", describePath(path, sep), err)
			}
			out[key] = text
		default:
			return fmt.Errorf("%s is a list; pass { lists = \"index\" } for one key per element or { lists = \"json\" } for one key holding the list's JSON", describePath(path, sep))
		}
	}
	return nil
}

func describePath(path []string, sep string) string {
	if len(path) == 0 {
		return "the top level"
	}
	return fmt.Sprintf("%q", strings.Join(path, sep))
}

func describeGo(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string, bool, json.Number:
		return "a single value"
	case []any:
		return "a list"
	}
	return fmt.Sprintf("%T", v)
}

func slicesEqual(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
