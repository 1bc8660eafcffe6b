package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccRole_lifecycle(t *testing.T) { testAccRoleLifecycle(t, sharedEtcd(t)) }

// The same over mTLS, on a cluster with authentication on.
func TestAccRole_lifecycleMTLS(t *testing.T) { testAccRoleLifecycle(t, authMTLSEtcd(t)) }

func testAccRoleLifecycle(t *testing.T, e *testEtcd) {
	ctx := context.WithoutCancel(t.Context()) // also used in cleanups
	first, second, holder := authName(e, "first"), authName(e, "second"), authName(e, "holder")
	// A user made outside Terraform that is given the role by hand: deleting
	// the role takes it from the user.
	authDo(t, "create user", e.client.CreateUser(ctx, holder, "holder-password"))
	t.Cleanup(func() { _ = e.client.DeleteUser(ctx, holder) })
	config := func(name string) string {
		return e.config(`
resource "etcd_role" "test" {
  name = %[1]q
}
`, name)
	}
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		CheckDestroy: resource.ComposeTestCheckFunc(
			authExpectRole(e, first, false), authExpectRole(e, second, false),
			authExpectUser(e, holder), // the deleted role is gone from its user
		),
		Steps: []resource.TestStep{
			{
				Config: config(first),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("etcd_role.test", tfjsonpath.New("id"), knownvalue.StringExact(first)),
					statecheck.ExpectKnownValue("etcd_role.test", tfjsonpath.New("name"), knownvalue.StringExact(first)),
				},
				Check: authExpectRole(e, first, true),
			},
			{
				ResourceName:      "etcd_role.test",
				ImportState:       true,
				ImportStateId:     first,
				ImportStateVerify: true,
			},
			{
				Config:           config(first),
				ResourceName:     "etcd_role.test",
				ImportState:      true,
				ImportStateKind:  resource.ImportBlockWithID,
				ImportStateId:    first,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("etcd_role.test", plancheck.ResourceActionNoop)}},
			},
			{
				Config:          config(first),
				ResourceName:    "etcd_role.test",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
			{ // drift: the role is deleted with the client
				PreConfig: func() { authDo(t, "delete role", e.client.DeleteRole(ctx, first)) },
				Config:    config(first),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("etcd_role.test", plancheck.ResourceActionCreate),
				}},
				Check: authExpectRole(e, first, true),
			},
			{ // a new name replaces the role; its user loses it
				PreConfig: func() { authDo(t, "grant role", e.client.GrantRole(ctx, holder, first)) },
				Config:    config(second),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("etcd_role.test", plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: resource.ComposeTestCheckFunc(authExpectRole(e, first, false), authExpectRole(e, second, true), authExpectUser(e, holder)),
			},
			{ // users having the role do not change it
				PreConfig: func() { authDo(t, "grant role", e.client.GrantRole(ctx, holder, second)) },
				Config:    config(second),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: authExpectUser(e, holder, second),
			},
		},
	})
}

func TestAccRole_createFailsWhenRoleExists(t *testing.T) {
	e := sharedEtcd(t)
	name := authName(e, "taken")
	authDo(t, "create role", e.client.CreateRole(t.Context(), name))
	t.Cleanup(func() { _ = e.client.DeleteRole(context.Background(), name) })
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config: e.config(`
resource "etcd_role" "test" {
  name = %[1]q
}
`, name),
			ExpectError: authErrorRegexp("already exists", "import {", "to = etcd_role.<name>", `id = "`+name+`"`),
		}},
	})
}
