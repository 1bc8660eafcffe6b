package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
)

// etcd_auth tests start their own server without authentication; the
// provider has the root credentials from the start, which etcd accepts while
// authentication is off.
func TestAccAuth_lifecycle(t *testing.T) {
	testAccAuthLifecycle(t, authTestEtcd(t, etcdtest.New(t), true))
}

// The same over mTLS.
func TestAccAuth_lifecycleMTLS(t *testing.T) {
	testAccAuthLifecycle(t, authTestEtcd(t, etcdtest.New(t, etcdtest.WithTLS()), true))
}

func testAccAuthLifecycle(t *testing.T, e *testEtcd) {
	ctx := t.Context()
	config := func(enabled bool) string {
		return e.config(`
resource "etcd_role" "root" {
  name = "root"
}

resource "etcd_user" "root" {
  name     = "root"
  password = %[1]q
  roles    = [etcd_role.root.name]
}

resource "etcd_auth" "test" {
  enabled    = %[2]t
  depends_on = [etcd_user.root]
}
`, etcdtest.RootPassword, enabled)
	}
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		CheckDestroy:             resource.ComposeTestCheckFunc(authExpectEnabled(e, false), authExpectNoUser(e, "root")),
		Steps: []resource.TestStep{
			{
				Config: config(true),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("etcd_auth.test", tfjsonpath.New("enabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("etcd_auth.test", tfjsonpath.New("id"), knownvalue.StringExact("auth")),
				},
				Check: resource.ComposeTestCheckFunc(authExpectEnabled(e, true), authExpectLogin(e, "root", etcdtest.RootPassword, true)),
			},
			{
				Config: config(false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("etcd_auth.test", plancheck.ResourceActionUpdate),
				}},
				Check: authExpectEnabled(e, false),
			},
			{
				Config: config(true),
				Check:  authExpectEnabled(e, true),
			},
			{
				ResourceName:      "etcd_auth.test",
				ImportState:       true,
				ImportStateId:     "any id reads the current setting",
				ImportStateVerify: true,
			},
			{
				Config:           config(true),
				ResourceName:     "etcd_auth.test",
				ImportState:      true,
				ImportStateKind:  resource.ImportBlockWithID,
				ImportStateId:    "auth",
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("etcd_auth.test", plancheck.ResourceActionNoop)}},
			},
			{
				Config:          config(true),
				ResourceName:    "etcd_auth.test",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
			{ // drift: authentication is turned off with the client
				PreConfig: func() { authDo(t, "disable auth", e.client.DisableAuth(ctx)) },
				Config:    config(true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("etcd_auth.test", plancheck.ResourceActionUpdate),
				}},
				Check: authExpectEnabled(e, true),
			},
			{
				Config:           config(true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// Turning authentication on without a root user with the root role fails
// with a message naming what is missing, and leaves authentication off.
func TestAccAuth_rootMissing(t *testing.T) {
	e := authTestEtcd(t, etcdtest.New(t), false)
	ctx := t.Context()
	config := e.config(`
resource "etcd_auth" "test" {
  enabled = true
}
`)
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		CheckDestroy:             authExpectEnabled(e, false),
		Steps: []resource.TestStep{
			{
				Config:      config,
				ExpectError: authErrorRegexp("Root user missing", "etcd has no user named root", "Authentication was left off"),
				Check:       authExpectEnabled(e, false),
			},
			{
				PreConfig:   func() { authDo(t, "create user", e.client.CreateUser(ctx, "root", etcdtest.RootPassword)) },
				Config:      config,
				ExpectError: authErrorRegexp("Root user missing", "The user root exists but does not have the role root"),
			},
		},
	})
}

// The plan already warns when etcd has no root user and the plan does not
// create one first; it cannot fail, as something else may create the user
// before the apply. A configuration that creates root with the root role
// and lists it in depends_on of etcd_auth (the documented way) gets no
// warning, and its apply enables authentication.
func TestAccAuth_planWarnsWithoutRoot(t *testing.T) {
	t.Parallel()
	s := etcdtest.New(t)
	e := authTestEtcd(t, s, false)
	w := newWorkdir(t, e.config(`
resource "etcd_auth" "test" {
  enabled = true
}
`))
	out := w.mustRun("plan", "-input=false", "-no-color")
	if !authErrorRegexp("Warning: No root user yet", "etcd has no user named root", "depends_on = [etcd_user.root]").MatchString(out) {
		t.Fatalf("the plan does not warn about the missing root user:\n%s", out)
	}

	e = authTestEtcd(t, s, true) // the root credentials, for after the apply
	w = newWorkdir(t, e.config(`
resource "etcd_role" "root" {
  name = "root"
}

resource "etcd_user" "root" {
  name     = "root"
  password = %[1]q
  roles    = [etcd_role.root.name]
}

resource "etcd_auth" "test" {
  enabled    = true
  depends_on = [etcd_user.root]
}
`, etcdtest.RootPassword))
	out = w.mustRun("plan", "-input=false", "-no-color")
	if strings.Contains(out, "No root user yet") || !strings.Contains(out, "3 to add") {
		t.Fatalf("the plan that creates root before etcd_auth warns about it, or does not plan the 3 resources:\n%s", out)
	}
	if out, err := w.apply(); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	if st, err := e.client.AuthStatus(t.Context()); err != nil || !st.Enabled {
		t.Fatalf("authentication is not on after the apply: %+v, %v", st, err)
	}
	w.mustRun("destroy", "-auto-approve", "-input=false", "-no-color")
}
