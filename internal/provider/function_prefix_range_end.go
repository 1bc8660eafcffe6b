package provider

import (
	"context"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

var _ function.Function = (*prefixRangeEndFunction)(nil)

// NewPrefixRangeEndFunction returns provider::etcd::prefix_range_end.
func NewPrefixRangeEndFunction() function.Function { return &prefixRangeEndFunction{} }

type prefixRangeEndFunction struct{}

func (f *prefixRangeEndFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "prefix_range_end"
}

func (f *prefixRangeEndFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "The range end that selects every key starting with a prefix",
		MarkdownDescription: "Returns the end of the key range [`prefix`, end) that holds exactly the keys starting with `prefix`, as `etcdctl --prefix` computes it: " +
			"the prefix with its last byte incremented. For the empty prefix the result is `\"\\u0000\"`, which etcd reads as \"to the end of the keyspace\". " +
			"Use it for `etcd_role_permission.range_end` or `data.etcd_keys.range_end`.\n\n" +
			"Terraform strings are UTF-8 text. When incrementing the last byte would not give valid UTF-8 (a prefix ending in U+007F or in some multi-byte characters), " +
			"the result is the prefix with its last character incremented instead: the smallest text after every key with that prefix, so the range holds the same text keys.",
		Parameters: []function.Parameter{
			function.StringParameter{Name: "prefix", MarkdownDescription: "The key prefix, such as `\"/app/\"`."},
		},
		Return: function.StringReturn{},
	}
}

func (f *prefixRangeEndFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var prefix string
	resp.Error = req.Arguments.Get(ctx, &prefix)
	if resp.Error != nil {
		return
	}
	resp.Error = resp.Result.Set(ctx, textPrefixRangeEnd(prefix))
}

// textPrefixRangeEnd is etcdclient.PrefixRangeEnd when that is valid UTF-8,
// and otherwise the prefix with its last character incremented.
func textPrefixRangeEnd(prefix string) string {
	if end := etcdclient.PrefixRangeEnd(prefix); utf8.ValidString(end) {
		return end
	}
	runes := []rune(prefix)
	for i := len(runes) - 1; i >= 0; i-- {
		next := runes[i] + 1
		if next == 0xD800 { // skip the surrogates, which UTF-8 cannot encode
			next = 0xE000
		}
		if next <= utf8.MaxRune {
			return string(runes[:i]) + string(next)
		}
	}
	return "\x00"
}
