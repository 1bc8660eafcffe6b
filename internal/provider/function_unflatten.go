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
)

var _ function.Function = (*unflattenFunction)(nil)

// NewUnflattenFunction returns provider::etcd::unflatten.
func NewUnflattenFunction() function.Function { return &unflattenFunction{} }

type unflattenFunction struct{}

func (f *unflattenFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "unflatten"
}

func (f *unflattenFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Nest relative keys back into an object",
		MarkdownDescription: "The inverse of `provider::etcd::flatten`: turns a flat map of relative keys to values, such as `etcd_prefix.keys`, " +
			"into a nested object by splitting each key at `separator`: `unflatten({ \"db/host\" = \"h\", \"db/port\" = \"5432\" }, \"/\")` gives `{ db = { host = \"h\", port = \"5432\" } }`. " +
			"Values stay strings. A key that is both a value and the parent of other keys (`db` beside `db/host`) is an error.\n\n" +
			"With the optional third argument `{ lists = \"index\" }`, an object whose keys are exactly `0`, `1`, ... becomes a list (a tuple), undoing `flatten` with the same option.",
		Parameters: []function.Parameter{
			function.MapParameter{Name: "keys", ElementType: types.StringType, MarkdownDescription: "Relative keys and their values."},
			function.StringParameter{Name: "separator", MarkdownDescription: "What separates the path segments in the keys, such as `\"/\"`. Must not be empty."},
		},
		VariadicParameter: function.DynamicParameter{Name: "options",
			MarkdownDescription: "At most one object: `{ lists = \"none\" | \"index\" }` (defaults to `\"none\"`)."},
		Return: function.DynamicReturn{},
	}
}

func (f *unflattenFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var keys map[string]string
	var sep string
	var opts []types.Dynamic
	resp.Error = req.Arguments.Get(ctx, &keys, &sep, &opts)
	if resp.Error != nil {
		return
	}
	if sep == "" {
		resp.Error = function.NewArgumentFuncError(1, "The separator must not be empty.")
		return
	}
	o, err := parseOptions(opts, map[string][]string{"lists": {"none", "index"}})
	if err != nil {
		resp.Error = function.NewArgumentFuncError(2, err.Error())
		return
	}
	tree, err := unflattenKeys(keys, sep, o["lists"] == "index")
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, err.Error())
		return
	}
	resp.Error = resp.Result.Set(ctx, types.DynamicValue(terraformValue(tree)))
}

// unflattenKeys nests keys into a map[string]any tree of strings; with
// lists, maps keyed exactly 0..n-1 become []any.
func unflattenKeys(keys map[string]string, sep string, lists bool) (map[string]any, error) {
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names) // deterministic errors
	root := map[string]any{}
	for _, k := range names {
		parts := strings.Split(k, sep)
		node := root
		for i, p := range parts[:len(parts)-1] {
			switch child := node[p].(type) {
			case nil:
				next := map[string]any{}
				node[p] = next
				node = next
			case map[string]any:
				node = child
			default:
				return nil, fmt.Errorf("the key %q holds a value and is also the parent of %q", strings.Join(parts[:i+1], sep), k)
			}
		}
		last := parts[len(parts)-1]
		if _, taken := node[last]; taken {
			return nil, fmt.Errorf("the key %q holds a value and is also the parent of other keys", k)
		}
		node[last] = keys[k]
	}
	if !lists {
		return root, nil
	}
	listed, _ := toLists(root).(map[string]any)
	if listed == nil { // the top level itself looked like a list: keep it an object
		return root, nil
	}
	return listed, nil
}

// toLists turns every map keyed exactly 0..n-1 below (and including) v
// into a list.
func toLists(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	for k, e := range m {
		m[k] = toLists(e)
	}
	for i := range len(m) {
		if _, ok := m[strconv.Itoa(i)]; !ok {
			return m
		}
	}
	if len(m) == 0 {
		return m
	}
	out := make([]any, len(m))
	for i := range out {
		out[i] = m[strconv.Itoa(i)]
	}
	return out
}

// terraformValue is a tree of strings as a Terraform value: objects,
// tuples and strings.
func terraformValue(v any) attr.Value {
	switch v := v.(type) {
	case string:
		return types.StringValue(v)
	case []any:
		elems := make([]attr.Value, len(v))
		typs := make([]attr.Type, len(v))
		for i, e := range v {
			elems[i] = terraformValue(e)
			typs[i] = elems[i].Type(context.Background())
		}
		return types.TupleValueMust(typs, elems)
	case map[string]any:
		attrs := make(map[string]attr.Value, len(v))
		typs := make(map[string]attr.Type, len(v))
		for k, e := range v {
			attrs[k] = terraformValue(e)
			typs[k] = attrs[k].Type(context.Background())
		}
		return types.ObjectValueMust(typs, attrs)
	}
	return types.StringNull()
}

// jsonText is a flattened list's value with lists = "json".
func jsonText(v []any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}
