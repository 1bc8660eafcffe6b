package provider

import (
	"archive/zip"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
)

// The user lifecycle runs on servers with authentication on, so that the
// passwords Terraform sets are checked by logging in.
func TestAccUser_lifecycle(t *testing.T) {
	testAccUserLifecycle(t, authTestEtcd(t, etcdtest.New(t, etcdtest.WithAuth()), false))
}

// The same over mTLS.
func TestAccUser_lifecycleMTLS(t *testing.T) { testAccUserLifecycle(t, authMTLSEtcd(t)) }

func testAccUserLifecycle(t *testing.T, e *testEtcd) {
	ctx := t.Context()
	user, roleA, roleB := authName(e, "user"), authName(e, "a"), authName(e, "b")
	config := func(password string, roles ...string) string {
		return e.config(`
resource "etcd_role" "a" {
  name = %[1]q
}

resource "etcd_role" "b" {
  name = %[2]q
}

resource "etcd_user" "test" {
  name     = %[3]q
  password = %[4]q
  roles    = [%[5]s]
}
`, roleA, roleB, user, password, strings.Join(roles, ", "))
	}
	roles := func(names ...string) knownvalue.Check {
		checks := make([]knownvalue.Check, len(names))
		for i, n := range names {
			checks[i] = knownvalue.StringExact(n)
		}
		return knownvalue.SetExact(checks)
	}
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		CheckDestroy:             authExpectNoUser(e, user),
		Steps: []resource.TestStep{
			{
				Config: config("first-password", "etcd_role.a.name"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("etcd_user.test", tfjsonpath.New("id"), knownvalue.StringExact(user)),
					statecheck.ExpectKnownValue("etcd_user.test", tfjsonpath.New("roles"), roles(roleA)),
					statecheck.ExpectKnownValue("etcd_user.test", tfjsonpath.New("no_password"), knownvalue.Bool(false)),
					statecheck.ExpectSensitiveValue("etcd_user.test", tfjsonpath.New("password")),
				},
				Check: resource.ComposeTestCheckFunc(authExpectUser(e, user, roleA), authExpectLogin(e, user, "first-password", true)),
			},
			{ // a new password and another role, in place
				Config: config("second-password", "etcd_role.b.name"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("etcd_user.test", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("etcd_user.test", tfjsonpath.New("roles"), roles(roleB)),
				},
				Check: resource.ComposeTestCheckFunc(
					authExpectUser(e, user, roleB),
					authExpectLogin(e, user, "second-password", true),
					authExpectLogin(e, user, "first-password", false),
				),
			},
			{ // no roles
				Config: config("second-password"),
				Check:  authExpectUser(e, user),
			},
			{
				Config: config("second-password", "etcd_role.a.name", "etcd_role.b.name"),
				Check:  authExpectUser(e, user, roleA, roleB),
			},
			{
				ResourceName:            "etcd_user.test",
				ImportState:             true,
				ImportStateId:           user,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"password"},
			},
			{ // the password cannot be read back: after an import it is set again
				Config:             config("second-password", "etcd_role.a.name", "etcd_role.b.name"),
				ResourceName:       "etcd_user.test",
				ImportState:        true,
				ImportStateKind:    resource.ImportBlockWithID,
				ImportStateId:      user,
				ExpectNonEmptyPlan: true,
				ImportPlanChecks:   resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("etcd_user.test", plancheck.ResourceActionUpdate)}},
			},
			{ // the password cannot be read back: after an import it is set again
				Config:             config("second-password", "etcd_role.a.name", "etcd_role.b.name"),
				ResourceName:       "etcd_user.test",
				ImportState:        true,
				ImportStateKind:    resource.ImportBlockWithResourceIdentity,
				ExpectNonEmptyPlan: true,
				ImportPlanChecks:   resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("etcd_user.test", plancheck.ResourceActionUpdate)}},
			},
			{ // drift: a role revoked and another granted with the client
				PreConfig: func() {
					authDo(t, "revoke role", e.client.RevokeRole(ctx, user, roleA))
					authDo(t, "create role", e.client.CreateRole(ctx, authName(e, "by-hand")))
					authDo(t, "grant role", e.client.GrantRole(ctx, user, authName(e, "by-hand")))
				},
				Config: config("second-password", "etcd_role.a.name", "etcd_role.b.name"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("etcd_user.test", plancheck.ResourceActionUpdate),
				}},
				Check: authExpectUser(e, user, roleA, roleB),
			},
			{ // drift: the user is deleted with the client
				PreConfig: func() { authDo(t, "delete user", e.client.DeleteUser(ctx, user)) },
				Config:    config("second-password", "etcd_role.a.name", "etcd_role.b.name"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("etcd_user.test", plancheck.ResourceActionCreate),
				}},
				Check: resource.ComposeTestCheckFunc(authExpectUser(e, user, roleA, roleB), authExpectLogin(e, user, "second-password", true)),
			},
			{
				Config: config("second-password", "etcd_role.a.name", "etcd_role.b.name"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
		},
	})
}

// A user without a password, for client-certificate authentication. etcd
// cannot say whether a user has a password, so after an import no_password
// is taken from the configuration; otherwise changing it replaces the user.
// requireNoPasswordSupport skips a test on etcd servers older than 3.5,
// which do not know users without a password.
func requireNoPasswordSupport(t *testing.T, e *testEtcd, want bool) {
	t.Helper()
	ok, version, err := e.client.SupportsNoPassword(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if ok != want {
		t.Skipf("etcd %s: users without a password supported = %t; this test is for servers where it is %t", version, ok, want)
	}
}

func TestAccUser_noPassword(t *testing.T) {
	e := sharedEtcd(t)
	requireNoPasswordSupport(t, e, true)
	user := authName(e, "cert")
	config := func(settings string) string { return userConfig(e, user, settings) }
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		CheckDestroy:             authExpectNoUser(e, user),
		Steps: []resource.TestStep{
			{
				Config: config("no_password = true"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("etcd_user.test", tfjsonpath.New("no_password"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("etcd_user.test", tfjsonpath.New("roles"), knownvalue.SetSizeExact(0)),
				},
				Check: authExpectUser(e, user),
			},
			{
				Config:             config("no_password = true"),
				ResourceName:       "etcd_user.test",
				ImportState:        true,
				ImportStateKind:    resource.ImportBlockWithID,
				ImportStateId:      user,
				ExpectNonEmptyPlan: true,
				ImportPlanChecks:   resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("etcd_user.test", plancheck.ResourceActionUpdate)}},
			},
			{
				Config:             config("no_password = true"),
				ResourceName:       "etcd_user.test",
				ImportState:        true,
				ImportStateKind:    resource.ImportBlockWithResourceIdentity,
				ExpectNonEmptyPlan: true,
				ImportPlanChecks:   resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("etcd_user.test", plancheck.ResourceActionUpdate)}},
			},
			{
				Config: config(`password = "now-with-password"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("etcd_user.test", plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("etcd_user.test", tfjsonpath.New("no_password"), knownvalue.Bool(false)),
				},
			},
		},
	})
}

func TestAccUser_createFailsWhenUserExists(t *testing.T) {
	e := sharedEtcd(t)
	user := authName(e, "taken")
	authDo(t, "create user", e.client.CreateUser(t.Context(), user, "someone else's"))
	t.Cleanup(func() { _ = e.client.DeleteUser(context.Background(), user) })
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config:      userConfig(e, user, `password = "mine"`),
			ExpectError: authErrorRegexp("already exists", "import {", "to = etcd_user.<name>", `id = "`+user+`"`),
		}},
	})
}

func TestAccUser_validation(t *testing.T) {
	e := sharedEtcd(t)
	user := authName(e, "invalid")
	config := func(settings string) string {
		return e.config(`
resource "etcd_role" "test" {
  name = %[1]q
}

resource "etcd_user" "test" {
  name = %[1]q
  %[2]s
}
`, user, settings)
	}
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{
				Config:      config("password = \"a\"\n  password_wo = \"b\""),
				ExpectError: authErrorRegexp("password and password_wo are set; set at most one"),
				PlanOnly:    true,
			},
			{
				Config:      config("password = \"a\"\n  no_password = true"),
				ExpectError: authErrorRegexp("password and no_password = true are set"),
				PlanOnly:    true,
			},
			{
				Config:      config("password_wo_version = 1"),
				ExpectError: authErrorRegexp(`"password_wo" must be specified`),
				PlanOnly:    true,
			},
			{
				Config:      config(`roles = [etcd_role.test.name]`),
				ExpectError: authErrorRegexp("No password for the new user", "password_wo"),
				PlanOnly:    true,
			},
			{ // a role that does not exist
				Config:      config(`password = "p"` + "\n  roles = [\"no-such-role-" + user + "\"]"),
				ExpectError: authErrorRegexp("Role not found", `"no-such-role-`+user+`"`),
			},
		},
	})
}

// password_wo never reaches the state or a saved plan, and is set again when
// password_wo_version changes. The password comes from an ephemeral variable,
// as it would in real use, so that the configuration (which a saved plan
// contains) does not hold it either.
func TestAccUser_writeOnlyPassword(t *testing.T) {
	requireCLI(t, featureWriteOnly)
	t.Parallel()
	e := authTestEtcd(t, etcdtest.New(t, etcdtest.WithAuth()), false)
	user := authName(e, "wo")
	hcl := func(version int) string {
		return e.config(`
variable "password" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "etcd_user" "test" {
  name                = %[1]q
  password_wo         = var.password
  password_wo_version = %[2]d
}
`, user, version)
	}
	secrets := []string{"write-only-first", "write-only-second", "write-only-ignored"}
	w := newWorkdir(t, hcl(1))
	env := w.env
	withPassword := func(password string) { w.env = slices.Concat(env, []string{"TF_VAR_password=" + password}) }

	withPassword(secrets[0])
	if out, err := w.apply(); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	authExpectNoSecrets(t, w, "terraform.tfstate", secrets)
	if err := authLogin(e, user, secrets[0]); err != nil {
		t.Fatalf("login with the first password: %v", err)
	}

	// A new password with the same version changes nothing.
	withPassword(secrets[2])
	if w.planChanges() {
		t.Fatal("changing only password_wo planned a change")
	}

	// A new version sets the new password, through a saved plan.
	withPassword(secrets[1])
	w.write("main.tf", hcl(2))
	w.mustRun("plan", "-out=wo.tfplan", "-input=false", "-no-color")
	authExpectNoSecrets(t, w, "wo.tfplan", secrets)
	authExpectNoSecretIn(t, "tofu show -json wo.tfplan", w.mustRun("show", "-json", "wo.tfplan"), secrets)
	w.mustRun("apply", "-input=false", "-no-color", "wo.tfplan")
	authExpectNoSecrets(t, w, "terraform.tfstate", secrets)
	if err := authLogin(e, user, secrets[1]); err != nil {
		t.Fatalf("login with the second password: %v", err)
	}
	if err := authLogin(e, user, secrets[0]); err == nil {
		t.Fatal("the first password still works")
	}

	var state struct {
		Resources []struct {
			Instances []struct {
				Attributes map[string]any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	data, err := os.ReadFile(filepath.Join(w.dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &state); err != nil {
		t.Fatal(err)
	}
	attrs := state.Resources[0].Instances[0].Attributes
	if attrs["password_wo"] != nil || attrs["password_wo_version"] != float64(2) {
		t.Fatalf("state holds password_wo %v and password_wo_version %v, want null and 2", attrs["password_wo"], attrs["password_wo_version"])
	}
	w.mustRun("destroy", "-auto-approve", "-input=false", "-no-color")
}

func TestAccUser_writeOnlyPasswordImport(t *testing.T) {
	requireCLI(t, featureWriteOnly)
	e := authTestEtcd(t, etcdtest.New(t, etcdtest.WithAuth()), false)
	user := authName(e, "wo")
	config := e.config(`
resource "etcd_user" "test" {
  name                = %[1]q
  password_wo         = "write-only"
  password_wo_version = 1
}
`, user)
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		CheckDestroy:             authExpectNoUser(e, user),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("etcd_user.test", tfjsonpath.New("password_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue("etcd_user.test", tfjsonpath.New("password"), knownvalue.Null()),
				},
				Check: authExpectLogin(e, user, "write-only", true),
			},
			{
				ResourceName:            "etcd_user.test",
				ImportState:             true,
				ImportStateId:           user,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"password_wo_version"},
			},
		},
	})
}

// authExpectNoSecrets fails the test when a file of the working directory,
// or any file inside it when it is a zip archive (a saved plan), contains
// one of the secrets.
func authExpectNoSecrets(t *testing.T, w *workdir, name string, secrets []string) {
	t.Helper()
	path := filepath.Join(w.dir, name)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	authExpectNoSecretIn(t, name, string(data), secrets)
	zr, err := zip.OpenReader(path)
	if err != nil {
		return // not an archive
	}
	defer func() { _ = zr.Close() }()
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		_ = rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		authExpectNoSecretIn(t, name+":"+f.Name, string(b), secrets)
	}
}

func authExpectNoSecretIn(t *testing.T, what, content string, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(content, s) {
			t.Fatalf("%s contains the write-only password %q", what, s)
		}
	}
}

// Without password settings a user is left with its password, but a
// replacement would create a user with the empty password: the plan fails.
func TestAccUser_replaceNeedsPassword(t *testing.T) {
	e := sharedEtcd(t)
	user := authName(e, "user")
	config := func(name, settings string) string { return userConfig(e, name, settings) }
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		CheckDestroy:             authExpectNoUser(e, user),
		Steps: []resource.TestStep{
			{Config: config(user, `password = "first"`)},
			{ // the password is no longer managed
				Config: config(user, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("etcd_user.test", plancheck.ResourceActionUpdate),
				}},
				Check: authExpectUser(e, user),
			},
			{
				Config:      config(user+"-renamed", ""),
				ExpectError: authErrorRegexp("No password for the new user", user+"-renamed"),
			},
		},
	})
}

// On etcd 3.4 a user without a password is refused with a clear message
// instead of being created with an empty password, and already by the
// plan: the step only plans (a plan that succeeded would fail the step with
// a non-empty plan instead of this error).
func TestAccUser_noPasswordOldServer(t *testing.T) {
	e := sharedEtcd(t)
	requireNoPasswordSupport(t, e, false)
	user := authName(e, "cert")
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		CheckDestroy:             authExpectNoUser(e, user),
		Steps: []resource.TestStep{{
			Config:      userConfig(e, user, "no_password = true"),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Users\s+without\s+password\s+need\s+etcd\s+3\.5.*etcd\s+3\.4\.\d+\s+does\s+not\s+know\s+users\s+without\s+a\s+password`),
		}},
	})
}

// userConfig is an etcd_user named name with the given settings.
func userConfig(e *testEtcd, name, settings string) string {
	return e.config("resource \"etcd_user\" \"test\" {\n  name = %q\n  %s\n}\n", name, settings)
}
