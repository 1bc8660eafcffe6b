package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

var _ function.Function = (*keyTreeFunction)(nil)

// NewKeyTreeFunction returns provider::etcd::key_tree.
func NewKeyTreeFunction() function.Function { return &keyTreeFunction{} }

type keyTreeFunction struct{}

func (f *keyTreeFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "key_tree"
}

func (f *keyTreeFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Arrange /-separated keys into a nested object",
		MarkdownDescription: "Turns a list of keys into a nested object by their `/`-separated segments (one leading `/` is ignored). " +
			"Each key becomes a leaf holding the full key, so `[\"/app/db/host\", \"/app/name\"]` gives `{ app = { db = { host = \"/app/db/host\" }, name = \"/app/name\" } }`. " +
			"A key that is also the parent of other keys (such as `/app` beside `/app/x`) is kept under the attribute `\"\"` of its object; " +
			"a key ending in `/` ends at an attribute named `\"\"` too. Keys that differ only in a leading `/` land on the same leaf, holding the one that sorts last.\n\n" +
			"Feed it `[for kv in data.etcd_keys.x.kvs : kv.key]`.",
		Parameters: []function.Parameter{
			function.ListParameter{Name: "keys", ElementType: types.StringType, MarkdownDescription: "The keys."},
		},
		Return: function.DynamicReturn{},
	}
}

func (f *keyTreeFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var keys []string
	resp.Error = req.Arguments.Get(ctx, &keys)
	if resp.Error != nil {
		return
	}
	resp.Error = resp.Result.Set(ctx, types.DynamicValue(treeValue(etcdclient.BuildTree(keys))))
}

// treeValue renders a node: a leaf is its key; an inner node an object of
// its children, with its own key, if any, under "".
func treeValue(n *etcdclient.TreeNode) attr.Value {
	if len(n.Children) == 0 {
		if len(n.Keys) == 0 {
			return types.ObjectValueMust(map[string]attr.Type{}, map[string]attr.Value{})
		}
		return types.StringValue(n.Keys[len(n.Keys)-1])
	}
	attrTypes := map[string]attr.Type{}
	values := map[string]attr.Value{}
	if len(n.Keys) > 0 {
		values[""] = types.StringValue(n.Keys[len(n.Keys)-1])
	}
	for _, c := range n.Children {
		values[c.Name] = treeValue(c) // a child named "" wins over the node's own key
	}
	for name, v := range values {
		attrTypes[name] = v.Type(context.Background())
	}
	return types.ObjectValueMust(attrTypes, values)
}
