package provider

import (
	"regexp"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccKeyDataSource(t *testing.T) {
	e := sharedEtcd(t)
	ctx := t.Context()
	rev1, err := e.client.PutRev(ctx, e.prefix+"k", "v1")
	if err != nil {
		t.Fatal(err)
	}
	e.put(t, e.prefix+"k", "v2")
	e.put(t, e.prefix+"binary", "\xff\xfe")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config: e.config(`
data "etcd_key" "now" {
  key = %[1]q
}
data "etcd_key" "then" {
  key      = %[1]q
  revision = %[2]d
}
data "etcd_key" "missing" {
  key        = %[3]q
  must_exist = false
}
data "etcd_key" "binary" {
  key = %[4]q
}
`, e.prefix+"k", rev1, e.prefix+"nope", e.prefix+"binary"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.etcd_key.now", tfjsonpath.New("value"), knownvalue.StringExact("v2")),
				statecheck.ExpectKnownValue("data.etcd_key.now", tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
				statecheck.ExpectKnownValue("data.etcd_key.now", tfjsonpath.New("exists"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.etcd_key.then", tfjsonpath.New("value"), knownvalue.StringExact("v1")),
				statecheck.ExpectKnownValue("data.etcd_key.then", tfjsonpath.New("mod_revision"), knownvalue.Int64Exact(rev1)),
				statecheck.ExpectKnownValue("data.etcd_key.missing", tfjsonpath.New("exists"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue("data.etcd_key.missing", tfjsonpath.New("value"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.etcd_key.binary", tfjsonpath.New("value"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.etcd_key.binary", tfjsonpath.New("value_base64"), knownvalue.StringExact("//4=")),
			},
		}},
	})
}

func TestAccKeyDataSource_errors(t *testing.T) {
	e := sharedEtcd(t)
	rev, err := e.client.PutRev(t.Context(), e.prefix+"k", "v")
	if err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{
				Config:      e.config(`data "etcd_key" "x" { key = %q }`, e.prefix+"missing"),
				ExpectError: regexp.MustCompile(`(?s)does not\s+exist.*must_exist = false`),
			},
			{
				Config:      e.config(`data "etcd_key" "x" { key = %q }`, ""),
				ExpectError: regexp.MustCompile(`key.*at least 1`),
			},
			{
				Config:      e.config("data \"etcd_key\" \"x\" {\n  key = %q\n  revision = %s\n}\n", e.prefix+"k", strconv.FormatInt(rev+1000000, 10)),
				ExpectError: regexp.MustCompile(`(?s)Revision not available.*future revision`),
			},
		},
	})
}
