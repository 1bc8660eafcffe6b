package provider

import (
	"regexp"
	"testing"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

func functionTest(t *testing.T, hcl string, checks ...statecheck.StateCheck) {
	t.Helper()
	requireCLI(t, featureProviderFunctions)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config:            requiredProviders("etcd") + hcl,
			ConfigStateChecks: checks,
		}},
	})
}

func TestFunctionPrefixRangeEnd(t *testing.T) {
	functionTest(t, `
output "app"   { value = provider::etcd::prefix_range_end("/app/") }
output "empty" { value = provider::etcd::prefix_range_end("") }
output "z"     { value = provider::etcd::prefix_range_end("az") }
output "del"   { value = provider::etcd::prefix_range_end("a\u007f") }
output "ff"    { value = provider::etcd::prefix_range_end("a\u00ff") }
`,
		statecheck.ExpectKnownOutputValue("app", knownvalue.StringExact("/app0")),
		statecheck.ExpectKnownOutputValue("empty", knownvalue.StringExact("\x00")),
		statecheck.ExpectKnownOutputValue("z", knownvalue.StringExact("a{")),
		// "a\x7f" + 1 byte would be "a\x80", not UTF-8: the next character is used.
		statecheck.ExpectKnownOutputValue("del", knownvalue.StringExact("a\u0080")),
		// U+00FF is C3 BF; the byte end C3 C0 is not UTF-8; U+0100 is the next text.
		statecheck.ExpectKnownOutputValue("ff", knownvalue.StringExact("a\u0100")),
	)
}

// For text prefixes the function's end selects exactly the text keys that
// have the prefix, and agrees with etcd's byte end whenever that is text.
func TestTextPrefixRangeEnd(t *testing.T) {
	cases := []string{"", "a", "/app/", "a\x7f", "aÿ", "\U0010FFFF", "a\U0010FFFF", "\uD7FF", "日本"}
	probes := []string{"", "a", "a\x7f", "a\u0080", "aÿ", "aÿz", "aĀ", "b", "/app/x", "/app0", "\uD7FFx", "\uE000", "日本語", "日朮", "\U0010FFFF", "\U0010FFFFx"}
	for _, p := range cases {
		end := textPrefixRangeEnd(p)
		if !utf8.ValidString(end) {
			t.Errorf("end of %q = %q is not UTF-8", p, end)
		}
		if etcdEnd := etcdclient.PrefixRangeEnd(p); utf8.ValidString(etcdEnd) && end != etcdEnd {
			t.Errorf("end of %q = %q, etcd's is %q", p, end, etcdEnd)
		}
		for _, k := range probes {
			inRange := k >= p && (end == "\x00" || k < end)
			if hasPrefix := len(k) >= len(p) && k[:len(p)] == p; inRange != hasPrefix {
				t.Errorf("prefix %q end %q: key %q in range = %t, has prefix = %t", p, end, k, inRange, hasPrefix)
			}
		}
	}
}

func TestFunctionLeaseIDHex(t *testing.T) {
	functionTest(t, `output "hex" { value = provider::etcd::lease_id_hex(7587852521871779338) }`,
		statecheck.ExpectKnownOutputValue("hex", knownvalue.StringExact("694d77aa9e38260a")))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config:      requiredProviders("etcd") + `output "hex" { value = provider::etcd::lease_id_hex(0) }`,
			ExpectError: regexp.MustCompile(`lease_id must be a positive number`),
		}},
	})
}

func TestFunctionKeyTree(t *testing.T) {
	functionTest(t, `
output "tree" {
  value = provider::etcd::key_tree(["/app/db/host", "/app/db/port", "/app/name", "/app", "/other/"])
}
output "empty" {
  value = provider::etcd::key_tree([])
}
`,
		statecheck.ExpectKnownOutputValue("tree", knownvalue.ObjectExact(map[string]knownvalue.Check{
			"app": knownvalue.ObjectExact(map[string]knownvalue.Check{
				"":     knownvalue.StringExact("/app"),
				"db":   knownvalue.ObjectExact(map[string]knownvalue.Check{"host": knownvalue.StringExact("/app/db/host"), "port": knownvalue.StringExact("/app/db/port")}),
				"name": knownvalue.StringExact("/app/name"),
			}),
			"other": knownvalue.ObjectExact(map[string]knownvalue.Check{"": knownvalue.StringExact("/other/")}),
		})),
		statecheck.ExpectKnownOutputValue("empty", knownvalue.ObjectExact(map[string]knownvalue.Check{})),
	)
}
