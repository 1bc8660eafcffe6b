package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

func TestAccRolePermission_lifecycle(t *testing.T) { testAccRolePermissionLifecycle(t, sharedEtcd(t)) }

// The same over mTLS, on a cluster with authentication on.
func TestAccRolePermission_lifecycleMTLS(t *testing.T) {
	testAccRolePermissionLifecycle(t, authMTLSEtcd(t))
}

// Two permissions of a role made outside Terraform, which also has a
// permission granted by hand: each resource manages only its own.
func testAccRolePermissionLifecycle(t *testing.T, e *testEtcd) {
	ctx := context.WithoutCancel(t.Context()) // also used in cleanups
	role := authName(e, "role")
	prefix, single := e.prefix+"app/", e.prefix+`odd key "with" quotes, {braces} and ünïcode`
	prefixEnd := etcdclient.PrefixRangeEnd(prefix)
	byHand := e.prefix + "by-hand"
	authDo(t, "create role", e.client.CreateRole(ctx, role))
	authDo(t, "grant permission", e.client.GrantPermission(ctx, role, byHand, "", etcdclient.PermReadWrite))
	t.Cleanup(func() { _ = e.client.DeleteRole(ctx, role) })
	config := func(prefixPerm string) string {
		return e.config(`
resource "etcd_role_permission" "prefix" {
  role       = %[1]q
  key        = %[2]q
  prefix     = true
  permission = %[3]q
}

resource "etcd_role_permission" "single" {
  role       = %[1]q
  key        = %[4]q
  permission = "WRITE"
}
`, role, prefix, prefixPerm, single)
	}
	prefixID := permissionID{Role: role, Key: prefix, RangeEnd: prefixEnd}.String()
	singleID := permissionID{Role: role, Key: single}.String()
	singleIDOtherOrder, _ := json.MarshalIndent(struct {
		Role string `json:"role"`
		Key  string `json:"key"`
	}{role, single}, "", " ")
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		CheckDestroy: resource.ComposeTestCheckFunc(
			authExpectPermission(e, role, prefix, prefixEnd, "<missing>"),
			authExpectPermission(e, role, single, "", "<missing>"),
			authExpectPermission(e, role, byHand, "", "READWRITE"),
		),
		Steps: []resource.TestStep{
			{
				Config: config("READ"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("etcd_role_permission.prefix", tfjsonpath.New("range_end"), knownvalue.StringExact(prefixEnd)),
					statecheck.ExpectKnownValue("etcd_role_permission.prefix", tfjsonpath.New("id"), knownvalue.StringExact(prefixID)),
					statecheck.ExpectKnownValue("etcd_role_permission.single", tfjsonpath.New("range_end"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue("etcd_role_permission.single", tfjsonpath.New("id"), knownvalue.StringExact(singleID)),
				},
				Check: resource.ComposeTestCheckFunc(
					authExpectPermission(e, role, prefix, prefixEnd, "READ"),
					authExpectPermission(e, role, single, "", "WRITE"),
					authExpectPermission(e, role, byHand, "", "READWRITE"),
				),
			},
			{
				Config: config("READWRITE"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("etcd_role_permission.prefix", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("etcd_role_permission.single", plancheck.ResourceActionNoop),
				}},
				Check: authExpectPermission(e, role, prefix, prefixEnd, "READWRITE"),
			},
			{
				ResourceName:      "etcd_role_permission.prefix",
				ImportState:       true,
				ImportStateId:     prefixID,
				ImportStateVerify: true,
			},
			{ // the range end may be left out for a single key, and members come in any order
				ResourceName:      "etcd_role_permission.single",
				ImportState:       true,
				ImportStateId:     string(singleIDOtherOrder),
				ImportStateVerify: true,
			},
			{
				Config:           config("READWRITE"),
				ResourceName:     "etcd_role_permission.prefix",
				ImportState:      true,
				ImportStateKind:  resource.ImportBlockWithID,
				ImportStateId:    prefixID,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("etcd_role_permission.prefix", plancheck.ResourceActionNoop)}},
			},
			{
				Config:          config("READWRITE"),
				ResourceName:    "etcd_role_permission.prefix",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
			{
				Config:           config("READWRITE"),
				ResourceName:     "etcd_role_permission.single",
				ImportState:      true,
				ImportStateKind:  resource.ImportBlockWithID,
				ImportStateId:    singleID,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("etcd_role_permission.single", plancheck.ResourceActionNoop)}},
			},
			{
				Config:          config("READWRITE"),
				ResourceName:    "etcd_role_permission.single",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
			{ // drift: the permission type is changed with the client
				PreConfig: func() {
					authDo(t, "grant permission", e.client.GrantPermission(ctx, role, prefix, prefixEnd, etcdclient.PermWrite))
				},
				Config: config("READWRITE"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("etcd_role_permission.prefix", plancheck.ResourceActionUpdate),
				}},
				Check: authExpectPermission(e, role, prefix, prefixEnd, "READWRITE"),
			},
			{ // drift: the permission is revoked with the client
				PreConfig: func() { authDo(t, "revoke permission", e.client.RevokePermission(ctx, role, single, "")) },
				Config:    config("READWRITE"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("etcd_role_permission.single", plancheck.ResourceActionCreate),
				}},
				Check: authExpectPermission(e, role, single, "", "WRITE"),
			},
			{ // another permission granted by hand on the same role is not ours
				PreConfig: func() {
					authDo(t, "grant permission", e.client.GrantPermission(ctx, role, prefix, "", etcdclient.PermRead))
				},
				Config: config("READWRITE"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{ // the single key becomes a range: a new permission
				Config: strings.Replace(config("READWRITE"), `permission = "WRITE"`, `permission = "WRITE"`+"\n  range_end  = "+strconv.Quote(single+"~"), 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("etcd_role_permission.single", plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: resource.ComposeTestCheckFunc(
					authExpectPermission(e, role, single, "", "<missing>"),
					authExpectPermission(e, role, single, single+"~", "WRITE"),
					authExpectPermission(e, role, prefix, "", "READ"),
				),
			},
		},
	})
}

func TestAccRolePermission_roleDeleted(t *testing.T) {
	e := sharedEtcd(t)
	role := authName(e, "role")
	config := e.config(`
resource "etcd_role" "test" {
  name = %[1]q
}

resource "etcd_role_permission" "test" {
  role       = etcd_role.test.name
  key        = %[2]q
  prefix     = true
  permission = "READ"
}
`, role, e.prefix)
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		CheckDestroy:             authExpectRole(e, role, false),
		Steps: []resource.TestStep{
			{Config: config},
			{ // drift: the whole role is deleted with the client
				PreConfig: func() { authDo(t, "delete role", e.client.DeleteRole(t.Context(), role)) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("etcd_role.test", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("etcd_role_permission.test", plancheck.ResourceActionCreate),
				}},
				Check: authExpectPermission(e, role, e.prefix, etcdclient.PrefixRangeEnd(e.prefix), "READ"),
			},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

func TestAccRolePermission_invalid(t *testing.T) {
	e := sharedEtcd(t)
	role := authName(e, "role")
	config := func(settings string) string {
		return e.config(`
resource "etcd_role_permission" "test" {
  role = %[1]q
  key  = "/b"
  %[2]s
}
`, role, settings)
	}
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{
				Config:      config(`permission = "ALL"`),
				ExpectError: authErrorRegexp(`value must be one of: ["READ" "WRITE" "READWRITE"]`),
				PlanOnly:    true,
			},
			{
				Config:      config("permission = \"READ\"\n  prefix = true\n  range_end = \"/d\""),
				ExpectError: authErrorRegexp("prefix = true both say where the range ends, and disagree"),
				PlanOnly:    true,
			},
			{
				Config:      config("permission = \"READ\"\n  range_end = \"/a\""),
				ExpectError: authErrorRegexp(`range_end "/a" does not sort after key "/b"`),
				PlanOnly:    true,
			},
			{
				Config:      config(`permission = "READ"`),
				ExpectError: authErrorRegexp("Role not found", role),
			},
			{
				Config:        config(`permission = "READ"`),
				ResourceName:  "etcd_role_permission.test",
				ImportState:   true,
				ImportStateId: role + "/b",
				ExpectError:   authErrorRegexp("Invalid import ID", `'{"key":"/app/","range_end":"/app0","role":"app"}'`),
			},
		},
	})
}

func TestPermissionID(t *testing.T) {
	for _, p := range []permissionID{
		{Role: "app", Key: "/app/", RangeEnd: "/app0"},
		{Role: "r", Key: `a "quoted" key, with {braces}: and \ backslash`},
		{Role: "r", Key: "/", RangeEnd: "\x00"},
		{Role: "<html>&", Key: "ünïcode ключ 鍵"},
	} {
		got, err := parsePermissionID(p.String())
		if err != nil || got != p {
			t.Errorf("parsePermissionID(%s) = %+v, %v; want %+v", p, got, err, p)
		}
	}
	if got := (permissionID{Role: "app", Key: "/app/", RangeEnd: "/app0"}).String(); got != permissionIDFormat {
		t.Errorf("ID = %s, want %s", got, permissionIDFormat)
	}
	for id, why := range map[string]string{
		"":                                "not a JSON object",
		"app/app/":                        "not a JSON object",
		`["app","/app/"]`:                 "not a JSON object",
		`{"role":"app"}`:                  `"key" is missing`,
		`{"key":"/app/"}`:                 `"role" is missing`,
		`{"role":"","key":"/app/"}`:       `"role" is missing or empty`,
		`{"role":"app","key":"/a","x":1}`: `unknown field "x"`,
		`{"role":"app","key":"/a"} extra`: "unexpected text",
		`{"role":"app","key":"/a","range_end":5}`: "not a JSON object",
	} {
		if _, err := parsePermissionID(id); err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("parsePermissionID(%q) = %v, want an error saying %q", id, err, why)
		}
	}
}

func TestAccRolePermission_createFailsWhenGranted(t *testing.T) {
	e := sharedEtcd(t)
	ctx := context.WithoutCancel(t.Context()) // also used in cleanups
	role := authName(e, "role")
	authDo(t, "create role", e.client.CreateRole(ctx, role))
	authDo(t, "grant permission", e.client.GrantPermission(ctx, role, e.prefix, etcdclient.PrefixRangeEnd(e.prefix), etcdclient.PermRead))
	t.Cleanup(func() { _ = e.client.DeleteRole(ctx, role) })
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config: e.config(`
resource "etcd_role_permission" "test" {
  role       = %[1]q
  key        = %[2]q
  prefix     = true
  permission = "READWRITE"
}
`, role, e.prefix),
			ExpectError: authErrorRegexp("Permission already exists", "already has a READ permission on the prefix",
				"import {", "to = etcd_role_permission.<name>", fmt.Sprintf("id = %q", permissionID{Role: role, Key: e.prefix, RangeEnd: etcdclient.PrefixRangeEnd(e.prefix)}.String())),
			Check: authExpectPermission(e, role, e.prefix, etcdclient.PrefixRangeEnd(e.prefix), "READ"),
		}},
	})
}

// A permission ID survives a round trip through its JSON form, whatever
// bytes the key holds, and a malformed ID is an error, never a panic.
func FuzzPermissionID(f *testing.F) {
	f.Add(`{"key":"/app/","range_end":"/app0","role":"app"}`, "r", "/k", "")
	f.Add(`{"role":"r"}`, "r\"", "\x00\xff", "\x00")
	f.Add(`not json`, "", "", "")
	f.Fuzz(func(t *testing.T, raw, role, key, rangeEnd string) {
		_, _ = parsePermissionID(raw) // must not panic
		if role == "" || key == "" {
			return
		}
		want := permissionID{Role: role, Key: key, RangeEnd: rangeEnd}
		got, err := parsePermissionID(want.String())
		if err != nil {
			t.Fatalf("parse %s: %v", want.String(), err)
		}
		if !utf8.ValidString(role) || !utf8.ValidString(key) || !utf8.ValidString(rangeEnd) {
			return // JSON replaces invalid UTF-8 (each part on its own: two invalid halves can join into valid text)
		}
		if got != want {
			t.Fatalf("round trip of %+v gave %+v", want, got)
		}
	})
}

// A permission of the configured type that already exists, as an
// interrupted create leaves it, is adopted.
func TestAccRolePermission_createAdoptsEqualPermission(t *testing.T) {
	e := sharedEtcd(t)
	ctx := context.WithoutCancel(t.Context()) // also used in cleanups
	role := authName(e, "role")
	authDo(t, "create role", e.client.CreateRole(ctx, role))
	authDo(t, "grant permission", e.client.GrantPermission(ctx, role, e.prefix, etcdclient.PrefixRangeEnd(e.prefix), etcdclient.PermRead))
	t.Cleanup(func() { _ = e.client.DeleteRole(ctx, role) })
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config: e.config(`
resource "etcd_role_permission" "test" {
  role       = %[1]q
  key        = %[2]q
  prefix     = true
  permission = "READ"
}
`, role, e.prefix),
			Check: authExpectPermission(e, role, e.prefix, etcdclient.PrefixRangeEnd(e.prefix), "READ"),
		}},
	})
}
