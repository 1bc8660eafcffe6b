package provider

import (
	"bytes"
	"encoding/json"
	"maps"
	"reflect"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

func TestFunctionFlatten(t *testing.T) {
	functionTest(t, `
locals {
  config = yamldecode(<<-YAML
    db:
      host: 10.0.0.1
      port: 5432
      tls: true
    name: shop
    empty: {}
    YAML
  )
}
output "flat"     { value = provider::etcd::flatten(local.config, "/") }
output "dots"     { value = provider::etcd::flatten({ a = { b = "c" } }, ".") }
output "index"    { value = provider::etcd::flatten({ servers = ["a", "b"] }, "/", { lists = "index" }) }
output "json"     { value = provider::etcd::flatten({ servers = ["a", 1] }, "/", { lists = "json" }) }
output "skip"     { value = provider::etcd::flatten({ a = null, b = "x" }, "/", { nulls = "skip" }) }
output "empty"    { value = provider::etcd::flatten({ a = null }, "/", { nulls = "empty" }) }
output "back"     { value = provider::etcd::unflatten(provider::etcd::flatten(local.config, "/"), "/") }
output "roundtrip" {
  value = provider::etcd::unflatten(provider::etcd::flatten({ a = { b = "c", d = { e = "f" } }, g = "h" }, "/"), "/") == { a = { b = "c", d = { e = "f" } }, g = "h" }
}
output "lists" {
  value = provider::etcd::unflatten({ "servers/0" = "a", "servers/1" = "b", "x/1" = "y" }, "/", { lists = "index" })
}
`,
		statecheck.ExpectKnownOutputValue("flat", knownvalue.MapExact(map[string]knownvalue.Check{
			"db/host": knownvalue.StringExact("10.0.0.1"), "db/port": knownvalue.StringExact("5432"),
			"db/tls": knownvalue.StringExact("true"), "name": knownvalue.StringExact("shop"),
		})),
		statecheck.ExpectKnownOutputValue("dots", knownvalue.MapExact(map[string]knownvalue.Check{"a.b": knownvalue.StringExact("c")})),
		statecheck.ExpectKnownOutputValue("index", knownvalue.MapExact(map[string]knownvalue.Check{
			"servers/0": knownvalue.StringExact("a"), "servers/1": knownvalue.StringExact("b"),
		})),
		statecheck.ExpectKnownOutputValue("json", knownvalue.MapExact(map[string]knownvalue.Check{"servers": knownvalue.StringExact(`["a",1]`)})),
		statecheck.ExpectKnownOutputValue("skip", knownvalue.MapExact(map[string]knownvalue.Check{"b": knownvalue.StringExact("x")})),
		statecheck.ExpectKnownOutputValue("empty", knownvalue.MapExact(map[string]knownvalue.Check{"a": knownvalue.StringExact("")})),
		statecheck.ExpectKnownOutputValue("back", knownvalue.ObjectExact(map[string]knownvalue.Check{
			"db": knownvalue.ObjectExact(map[string]knownvalue.Check{
				"host": knownvalue.StringExact("10.0.0.1"), "port": knownvalue.StringExact("5432"), "tls": knownvalue.StringExact("true"),
			}),
			"name": knownvalue.StringExact("shop"),
		})),
		statecheck.ExpectKnownOutputValue("roundtrip", knownvalue.Bool(true)),
		statecheck.ExpectKnownOutputValue("lists", knownvalue.ObjectExact(map[string]knownvalue.Check{
			"servers": knownvalue.TupleExact([]knownvalue.Check{knownvalue.StringExact("a"), knownvalue.StringExact("b")}),
			"x":       knownvalue.ObjectExact(map[string]knownvalue.Check{"1": knownvalue.StringExact("y")}),
		})),
	)
}

func TestFunctionFlatten_errors(t *testing.T) {
	requireCLI(t, featureProviderFunctions)
	for name, c := range map[string]struct{ hcl, want string }{
		"list":          {`provider::etcd::flatten({ a = [1] }, "/")`, `"a" is a list; pass { lists = "index" }`},
		"null":          {`provider::etcd::flatten({ a = { b = null } }, "/")`, `"a/b" is null; pass { nulls = "skip" }`},
		"separator":     {`provider::etcd::flatten({ "a/b" = "c" }, "/")`, `contains the separator`},
		"empty sep":     {`provider::etcd::flatten({ a = "b" }, "")`, `separator must not be empty`},
		"scalar":        {`provider::etcd::flatten("x", "/")`, `takes an object or a map`},
		"bad option":    {`provider::etcd::flatten({ a = "b" }, "/", { lists = "yes" })`, `option lists must be one of`},
		"unknown opt":   {`provider::etcd::flatten({ a = "b" }, "/", { list = "index" })`, `unknown option "list"`},
		"two options":   {`provider::etcd::flatten({ a = "b" }, "/", {}, {})`, `at most one options object`},
		"parent":        {`provider::etcd::unflatten({ a = "1", "a/b" = "2" }, "/")`, `"a" holds a value and is also the parent`},
		"unflatten sep": {`provider::etcd::unflatten({ a = "1" }, "")`, `separator must not be empty`},
	} {
		t.Run(name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: factories(),
				Steps: []resource.TestStep{{
					Config:      requiredProviders("etcd") + `output "x" { value = ` + c.hcl + " }\n",
					ExpectError: authErrorRegexp(c.want),
				}},
			})
		})
	}
}

// FuzzFlatten checks that unflatten inverts flatten: for every JSON object
// flatten accepts, unflatten(flatten(x)) flattens to the same keys, and is
// x itself when x is representable (strings only, no empty objects or
// lists, and with index lists no object keyed 0..n-1 that would come back
// as a list).
func FuzzFlatten(f *testing.F) {
	f.Add(`{"db":{"host":"h","port":"5432"},"name":"x"}`, "/", false)
	f.Add(`{"a":{"":"x"},"":{"":"y"}}`, "/", false)
	f.Add(`{"a/":{"/b":"x"}}`, "//", false)
	f.Add(`{"s":["a",{"b":"c"},["d"]]}`, "/", true)
	f.Add(`{"n":1.5,"t":true,"e":{},"z":null}`, ".", false)
	f.Fuzz(func(t *testing.T, doc, sep string, lists bool) {
		if sep == "" {
			return
		}
		dec := json.NewDecoder(bytes.NewReader([]byte(doc)))
		dec.UseNumber()
		var x any
		if dec.Decode(&x) != nil {
			return
		}
		opts := flattenOptions{Lists: "error", Nulls: "skip"}
		if lists {
			opts.Lists = "index"
		}
		flat, err := flattenTree(x, sep, opts)
		if err != nil {
			return
		}
		back, err := unflattenKeys(flat, sep, lists)
		if err != nil {
			t.Fatalf("unflatten(flatten(%s)) with %q: %v (flat %v)", doc, sep, err, flat)
		}
		again, err := flattenTree(back, sep, opts)
		if err != nil || !maps.Equal(again, flat) {
			t.Fatalf("flatten(unflatten(flat)) = %v, %v; want %v", again, err, flat)
		}
		if representable(x, lists, true) && !reflect.DeepEqual(any(back), x) {
			t.Fatalf("unflatten(flatten(%s)) with %q = %v", doc, sep, back)
		}
	})
}

// representable reports whether unflatten can give back v exactly.
func representable(v any, lists, top bool) bool {
	switch v := v.(type) {
	case string:
		return true
	case []any:
		if !lists || len(v) == 0 {
			return false
		}
		for _, e := range v {
			if !representable(e, lists, false) {
				return false
			}
		}
		return true
	case map[string]any:
		if len(v) == 0 && !top {
			return false
		}
		if lists && !top && len(v) > 0 {
			indexed := true
			for i := range len(v) {
				if _, ok := v[strconv.Itoa(i)]; !ok {
					indexed = false
				}
			}
			if indexed {
				return false
			}
		}
		for _, e := range v {
			if !representable(e, lists, false) {
				return false
			}
		}
		return true
	}
	return false
}
