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
)

func TestAccPrefix_exclusiveLifecycle(t *testing.T) {
	e := sharedEtcd(t)
	v1 := map[string]string{"db/host": "10.0.0.1", "db/port": "5432", "empty": ""}
	v2 := map[string]string{"db/host": "10.0.0.2", "db/port": "5432", "feature/x": "on"}
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		CheckDestroy:             e.expectPrefix(t, map[string]string{}),
		Steps: []resource.TestStep{
			{
				Config: prefixConfig(e, true, v1),
				Check:  e.expectPrefix(t, v1),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("etcd_prefix.test", tfjsonpath.New("id"), knownvalue.StringExact(e.prefix)),
					statecheck.ExpectKnownValue("etcd_prefix.test", tfjsonpath.New("keys").AtMapKey("db/host"), knownvalue.StringExact("10.0.0.1")),
				},
			},
			{
				Config: prefixConfig(e, true, v2),
				Check:  e.expectPrefix(t, v2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("etcd_prefix.test", plancheck.ResourceActionUpdate),
				}},
			},
			{
				ResourceName:      "etcd_prefix.test",
				ImportState:       true,
				ImportStateId:     e.prefix,
				ImportStateVerify: true,
			},
			{
				Config:          prefixConfig(e, true, v2),
				ResourceName:    "etcd_prefix.test",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   e.prefix,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("etcd_prefix.test", plancheck.ResourceActionNoop),
				}},
			},
			{
				Config:          prefixConfig(e, true, v2),
				ResourceName:    "etcd_prefix.test",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("etcd_prefix.test", plancheck.ResourceActionNoop),
				}},
			},
			{ // drift: a foreign key appears, a managed one changes
				PreConfig: func() {
					e.put(t, e.prefix+"stray", "x")
					e.put(t, e.prefix+"db/port", "1")
				},
				Config: prefixConfig(e, true, v2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("etcd_prefix.test", plancheck.ResourceActionUpdate),
				}},
				Check: e.expectPrefix(t, v2),
			},
			{
				Config: prefixConfig(e, true, v2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
		},
	})
}

// A non-exclusive prefix manages only its keys: a foreign key under the
// same prefix is neither drift nor deleted.
func TestAccPrefix_nonExclusiveLeavesForeignKeys(t *testing.T) {
	e := sharedEtcd(t)
	e.put(t, e.prefix+"foreign", "keep me")
	keys := map[string]string{"a": "1", "b": "2"}
	withForeign := map[string]string{"a": "1", "b": "2", "foreign": "keep me"}
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		CheckDestroy:             e.expectPrefix(t, map[string]string{"foreign": "keep me", "other": "x"}),
		Steps: []resource.TestStep{
			{
				Config: prefixConfig(e, false, keys),
				Check:  e.expectPrefix(t, withForeign),
			},
			{
				PreConfig: func() { e.put(t, e.prefix+"other", "x") },
				Config:    prefixConfig(e, false, keys),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{ // a managed key deleted by hand is drift
				PreConfig: func() { e.del(t, e.prefix+"a") },
				Config:    prefixConfig(e, false, map[string]string{"b": "2"}),
				Check:     e.expectPrefix(t, map[string]string{"b": "2", "foreign": "keep me", "other": "x"}),
			},
		},
	})
}

func TestAccPrefix_createFailsOnExistingKeys(t *testing.T) {
	e := sharedEtcd(t)
	e.put(t, e.prefix+"already", "here")
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config:      prefixConfig(e, true, map[string]string{"a": "1"}),
			ExpectError: regexp.MustCompile(`(?s)already holds keys.*import`),
		}},
	})
	if got := e.value(t, e.prefix+"a"); got != "<missing>" {
		t.Fatalf("a failed create wrote %q", got)
	}
}

func TestAccPrefix_keysJSON(t *testing.T) {
	e := sharedEtcd(t)
	config := func(json string) string {
		return e.config(`
resource "etcd_prefix" "test" {
  prefix    = %[1]q
  keys_json = %[2]q
}
`, e.prefix, json)
	}
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		CheckDestroy:             e.expectPrefix(t, map[string]string{}),
		Steps: []resource.TestStep{
			{
				Config: config(`{"b": "2", "a": "1"}`),
				Check:  e.expectPrefix(t, map[string]string{"a": "1", "b": "2"}),
			},
			{ // the same content written differently is no change
				Config: config("{\n  \"a\": \"1\",\n  \"b\": \"2\"\n}"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{ // drift shows as a change of keys_json
				PreConfig: func() { e.put(t, e.prefix+"c", "3") },
				Config:    config(`{"a": "1", "b": "2"}`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("etcd_prefix.test", plancheck.ResourceActionUpdate),
				}},
				Check: e.expectPrefix(t, map[string]string{"a": "1", "b": "2"}),
			},
		},
	})
}

func TestAccPrefix_invalidConfig(t *testing.T) {
	e := sharedEtcd(t)
	cases := map[string]struct {
		body string
		want string
	}{
		"both":        {`keys = {} ` + "\n" + `keys_json = "{}"`, `keys and keys_json are set`},
		"neither":     {``, `Set keys \(a map\), keys_json`},
		"bad json":    {`keys_json = "[1, 2]"`, `keys_json must be a JSON object`},
		"empty prefx": {`keys = {}`, `prefix must not be empty`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			prefix := e.prefix
			if name == "empty prefx" {
				prefix = ""
			}
			parallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: factories(),
				Steps: []resource.TestStep{{
					Config: e.config(`
resource "etcd_prefix" "test" {
  prefix = %[1]q
  %[2]s
}
`, prefix, c.body),
					ExpectError: regexp.MustCompile(c.want),
				}},
			})
		})
	}
}

// 10,000 keys are created, read and destroyed in chunks of max_txn_ops.
func TestAccPrefix_tenThousandKeys(t *testing.T) {
	e := sharedEtcd(t)
	keys := manyKeys(10000)
	changed := manyKeys(10000)
	for i := 0; i < 10000; i += 100 {
		changed[fmt.Sprintf("k%05d", i)] = "changed"
	}
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		CheckDestroy:             e.expectPrefix(t, map[string]string{}),
		Steps: []resource.TestStep{
			{Config: prefixConfig(e, true, keys), Check: e.expectPrefix(t, keys)},
			{Config: prefixConfig(e, true, changed), Check: e.expectPrefix(t, changed)},
		},
	})
}

// An update that fails part-way records exactly the transactions that
// committed; the next apply converges.
func TestAccPrefix_partialWriteIsRecorded(t *testing.T) {
	t.Parallel()
	e := sharedEtcd(t)
	keys := manyKeys(300)
	w := newWorkdir(t, prefixConfig(e, false, map[string]string{"k00000": keys["k00000"]}))
	if out, err := w.apply(); err != nil {
		t.Fatalf("first apply: %v\n%s", err, out)
	}
	e.put(t, e.prefix+"k00299", "not yours") // sorts last: fails the third transaction
	w.write("main.tf", prefixConfig(e, false, keys))
	out, err := w.apply()
	if err == nil || !strings.Contains(out, "256 of 299 writes were committed") {
		t.Fatalf("want a failure after two transactions, got err=%v:\n%s", err, out)
	}
	state := w.mustRun("state", "show", "-no-color", "etcd_prefix.test")
	if n := strings.Count(state, `"value-`); n != 257 {
		t.Fatalf("state records %d keys, want 257:\n%s", n, state)
	}
	if got := e.value(t, e.prefix+"k00256"); got != "value-256" {
		t.Fatalf("k00256 = %q", got)
	}
	if got := e.value(t, e.prefix+"k00257"); got != "<missing>" {
		t.Fatalf("k00257 was written by the failed transaction: %q", got)
	}
	e.del(t, e.prefix+"k00299")
	if out, err := w.apply(); err != nil {
		t.Fatalf("second apply: %v\n%s", err, out)
	}
	if err := e.expectPrefix(t, keys)(nil); err != nil {
		t.Fatal(err)
	}
	if w.planChanges() {
		t.Fatal("plan after convergence is not empty")
	}
}

// Changing 1 % of a 10,000-key prefix writes exactly those 100 keys: every
// other key keeps its mod_revision.
func TestAccPrefix_onlyChangedKeysWritten(t *testing.T) {
	e := sharedEtcd(t)
	keys, changed := manyKeys(10000), manyKeys(10000)
	for i := 0; i < 10000; i += 100 {
		changed[fmt.Sprintf("k%05d", i)] = "changed"
	}
	var before map[string]int64
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		CheckDestroy:             e.expectPrefix(t, map[string]string{}),
		Steps: []resource.TestStep{
			{
				Config: prefixConfig(e, true, keys),
				Check: func(*terraform.State) (err error) {
					before, err = e.modRevisions()
					return err
				},
			},
			{
				Config: prefixConfig(e, true, changed),
				Check: resource.ComposeTestCheckFunc(e.expectPrefix(t, changed), func(*terraform.State) error {
					after, err := e.modRevisions()
					if err != nil {
						return err
					}
					var written []string
					for rel, rev := range after {
						if rev != before[rel] {
							written = append(written, rel)
						}
					}
					for _, rel := range written {
						if changed[rel] != "changed" {
							return fmt.Errorf("unchanged key %q was written", rel)
						}
					}
					if len(written) != 100 {
						return fmt.Errorf("%d keys were written, want the 100 changed ones", len(written))
					}
					return nil
				}),
			},
		},
	})
}
