package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccKeysDataSource(t *testing.T) {
	e := sharedEtcd(t)
	for _, k := range []string{"b", "a", "c", "d"} {
		e.put(t, e.prefix+k, "value of "+k)
	}
	rev, err := e.client.PutRev(t.Context(), e.prefix+"a", "changed")
	if err != nil {
		t.Fatal(err)
	}
	e.put(t, e.prefix+"e", "after")
	kv := func(i int, attr string) tfjsonpath.Path { return tfjsonpath.New("kvs").AtSliceIndex(i).AtMapKey(attr) }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config: e.config(`
data "etcd_keys" "all" {
  prefix = %[1]q
}
data "etcd_keys" "range" {
  key       = %[2]q
  range_end = %[3]q
  keys_only = true
}
data "etcd_keys" "limited" {
  prefix = %[1]q
  limit  = 2
}
data "etcd_keys" "then" {
  prefix   = %[1]q
  revision = %[4]d
}
`, e.prefix, e.prefix+"b", e.prefix+"d", rev),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.etcd_keys.all", tfjsonpath.New("key_count"), knownvalue.Int64Exact(5)),
				statecheck.ExpectKnownValue("data.etcd_keys.all", kv(0, "key"), knownvalue.StringExact(e.prefix+"a")),
				statecheck.ExpectKnownValue("data.etcd_keys.all", kv(0, "value"), knownvalue.StringExact("changed")),
				statecheck.ExpectKnownValue("data.etcd_keys.all", kv(4, "key"), knownvalue.StringExact(e.prefix+"e")),
				statecheck.ExpectKnownValue("data.etcd_keys.range", tfjsonpath.New("key_count"), knownvalue.Int64Exact(2)),
				statecheck.ExpectKnownValue("data.etcd_keys.range", kv(1, "key"), knownvalue.StringExact(e.prefix+"c")),
				statecheck.ExpectKnownValue("data.etcd_keys.range", kv(1, "value"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.etcd_keys.limited", tfjsonpath.New("key_count"), knownvalue.Int64Exact(2)),
				statecheck.ExpectKnownValue("data.etcd_keys.then", tfjsonpath.New("key_count"), knownvalue.Int64Exact(4)),
				statecheck.ExpectKnownValue("data.etcd_keys.then", tfjsonpath.New("revision"), knownvalue.Int64Exact(rev)),
				statecheck.ExpectKnownValue("data.etcd_keys.then", kv(0, "value"), knownvalue.StringExact("changed")),
			},
		}},
	})
}
