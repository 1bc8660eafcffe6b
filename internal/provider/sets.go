package provider

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// stringSet returns the elements of a set of strings.
func stringSet(ctx context.Context, s types.Set, diags *diag.Diagnostics) map[string]bool {
	var elems []string
	diags.Append(s.ElementsAs(ctx, &elems, false)...)
	out := make(map[string]bool, len(elems))
	for _, e := range elems {
		out[e] = true
	}
	return out
}

func stringSetValue(elems []string) types.Set {
	vals := make([]attr.Value, len(elems))
	for i, e := range elems {
		vals[i] = types.StringValue(e)
	}
	return types.SetValueMust(types.StringType, vals)
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
