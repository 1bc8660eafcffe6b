package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

func TestAccKey_lifecycle(t *testing.T) {
	e := sharedEtcd(t)
	key := e.prefix + "greeting"
	config := func(value string) string {
		return e.config(`
resource "etcd_key" "test" {
  key   = %[1]q
  value = %[2]q
}
`, key, value)
	}
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		CheckDestroy:             e.expectValue(t, key, "<missing>"),
		Steps: []resource.TestStep{
			{
				Config: config("hello"),
				// The id is unknown until the key is written, so that an
				// ephemeral read keyed on it waits for the write.
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue("etcd_key.test", tfjsonpath.New("id")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("etcd_key.test", tfjsonpath.New("id"), knownvalue.StringExact(key)),
					statecheck.ExpectKnownValue("etcd_key.test", tfjsonpath.New("value"), knownvalue.StringExact("hello")),
					statecheck.ExpectKnownValue("etcd_key.test", tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue("etcd_key.test", tfjsonpath.New("value_base64"), knownvalue.Null()),
				},
				Check: e.expectValue(t, key, "hello"),
			},
			{
				Config: config("world"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("etcd_key.test", plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue("etcd_key.test", tfjsonpath.New("id"), knownvalue.StringExact(key)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("etcd_key.test", tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
				},
				Check: e.expectValue(t, key, "world"),
			},
			{
				ResourceName:      "etcd_key.test",
				ImportState:       true,
				ImportStateId:     key,
				ImportStateVerify: true,
			},
			{
				Config:           config("world"),
				ResourceName:     "etcd_key.test",
				ImportState:      true,
				ImportStateKind:  resource.ImportBlockWithID,
				ImportStateId:    key,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("etcd_key.test", plancheck.ResourceActionNoop)}},
			},
			{
				Config:          config("world"),
				ResourceName:    "etcd_key.test",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("etcd_key.test", plancheck.ResourceActionNoop),
				}},
			},
			{ // drift: the value is changed with the client
				PreConfig: func() { e.put(t, key, "changed by hand") },
				Config:    config("world"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("etcd_key.test", plancheck.ResourceActionUpdate),
				}},
				Check: e.expectValue(t, key, "world"),
			},
			{ // drift: the key is deleted with the client
				PreConfig: func() { e.del(t, key) },
				Config:    config("world"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("etcd_key.test", plancheck.ResourceActionCreate),
				}},
				Check: e.expectValue(t, key, "world"),
			},
			{
				Config: config("world"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
		},
	})
}

func TestAccKey_createFailsWhenKeyExists(t *testing.T) {
	e := sharedEtcd(t)
	key := e.prefix + "taken"
	e.put(t, key, "someone else's")
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config: e.config(`
resource "etcd_key" "test" {
  key   = %[1]q
  value = "mine"
}
`, key),
			ExpectError: regexp.MustCompile(`(?s)already exists.*import`),
			Check:       e.expectValue(t, key, "someone else's"),
		}},
	})
	if got := e.value(t, key); got != "someone else's" {
		t.Fatalf("the existing key was overwritten: %q", got)
	}
}

// A write between plan and apply makes the apply of the saved plan fail,
// and the other writer's value stays.
func TestAccKey_lostUpdateGuard(t *testing.T) {
	t.Parallel()
	e := sharedEtcd(t)
	key := e.prefix + "guarded"
	hcl := func(value string) string {
		return e.config(`
resource "etcd_key" "test" {
  key   = %[1]q
  value = %[2]q
}
`, key, value)
	}
	w := newWorkdir(t, hcl("v1"))
	if out, err := w.apply(); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	w.write("main.tf", hcl("v2"))
	w.mustRun("plan", "-out=update.tfplan", "-input=false", "-no-color")
	e.put(t, key, "written by someone else")

	out, err := w.run("apply", "-input=false", "-no-color", "update.tfplan")
	if err == nil {
		t.Fatalf("apply of a stale plan succeeded:\n%s", out)
	}
	if !regexp.MustCompile(`(?s)changed outside Terraform.*Nothing was written`).MatchString(out) {
		t.Fatalf("apply failed without the lost-update message:\n%s", out)
	}
	if got := e.value(t, key); got != "written by someone else" {
		t.Fatalf("the other writer's value was overwritten: %q", got)
	}
	// A new plan sees the other write and converges.
	if out, err := w.apply(); err != nil {
		t.Fatalf("apply after refresh: %v\n%s", err, out)
	}
	if got := e.value(t, key); got != "v2" {
		t.Fatalf("after the second apply etcd holds %q, want v2", got)
	}
}

func TestAccKey_binaryAndEmptyValues(t *testing.T) {
	e := sharedEtcd(t)
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{
				Config: e.config(`
resource "etcd_key" "binary" {
  key          = %[1]q
  value_base64 = "AP8BAg=="
}
resource "etcd_key" "empty" {
  key   = %[2]q
  value = ""
}
`, e.prefix+"binary", e.prefix+"empty"),
				Check: resource.ComposeTestCheckFunc(
					e.expectValue(t, e.prefix+"binary", "\x00\xff\x01\x02"),
					e.expectValue(t, e.prefix+"empty", ""),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("etcd_key.binary", tfjsonpath.New("value"), knownvalue.Null()),
					statecheck.ExpectKnownValue("etcd_key.empty", tfjsonpath.New("value"), knownvalue.StringExact("")),
				},
			},
			{
				ResourceName:      "etcd_key.binary",
				ImportState:       true,
				ImportStateId:     e.prefix + "binary",
				ImportStateVerify: true,
			},
		},
	})
}

func TestAccKey_invalidConfig(t *testing.T) {
	e := sharedEtcd(t)
	big := strings.Repeat("x", etcdclient.MaxRequestBytes)
	cases := map[string]struct{ body, want string }{
		"both values":   {`value = "a"` + "\n" + `value_base64 = "YQ=="`, `(?s)Conflicting attributes.*value and value_base64 are set`},
		"no value":      {``, `(?s)Missing value.*Set exactly one of value`},
		"bad base64":    {`value_base64 = "not base64!"`, `(?s)Invalid base64.*not standard base64`},
		"empty key":     {`value = "a"`, `(?s)key.*at least 1`},
		"value too big": {`value = "` + big + `"`, `(?s)Value too large.*1.5 MiB`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			key := e.prefix + "k"
			if name == "empty key" {
				key = ""
			}
			parallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: factories(),
				Steps: []resource.TestStep{{
					Config:      e.config("resource \"etcd_key\" \"test\" {\n  key = %q\n  %s\n}\n", key, c.body),
					ExpectError: regexp.MustCompile(c.want),
				}},
			})
			if got := e.value(t, e.prefix+"k"); got != "<missing>" {
				t.Fatalf("an invalid configuration wrote %q", got)
			}
		})
	}
}

func TestAccKey_missingLease(t *testing.T) {
	e := sharedEtcd(t)
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config:      e.config("resource \"etcd_key\" \"test\" {\n  key = %q\n  value = \"v\"\n  lease_id = 12345\n}\n", e.prefix+"k"),
			ExpectError: regexp.MustCompile(`(?s)Lease not found.*lease 12345.*Nothing was\s+written`),
		}},
	})
	if got := e.value(t, e.prefix+"k"); got != "<missing>" {
		t.Fatalf("a key with a missing lease was written: %q", got)
	}
}

// A key that already holds exactly the configured value, as an interrupted
// create leaves it, is adopted without a write.
func TestAccKey_createAdoptsEqualKey(t *testing.T) {
	e := sharedEtcd(t)
	key := e.prefix + "left-behind"
	e.put(t, key, "mine")
	before, err := e.client.Get(t.Context(), key)
	if err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config: e.config(`
resource "etcd_key" "test" {
  key   = %[1]q
  value = "mine"
}
`, key),
			Check: func(*terraform.State) error { // judged by etcd: the key was not written again
				after, err := e.client.Get(t.Context(), key)
				if err != nil {
					return err
				}
				if after.ModRevision != before.ModRevision || string(after.Value) != "mine" {
					return fmt.Errorf("the key was written: mod revision %d -> %d, value %q", before.ModRevision, after.ModRevision, after.Value)
				}
				return nil
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("etcd_key.test", tfjsonpath.New("mod_revision"), knownvalue.Int64Exact(before.ModRevision)),
			},
		}},
	})
}
