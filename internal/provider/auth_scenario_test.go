package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
)

// The scenario of the access-control issue: root is created and auth turned
// on with etcd_auth, an app user gets read-only access to /app/, and a second
// provider configured as that user can read /app/ but not write it.
//
// The second provider is served under another local name ("etcdapp"), not as
// an alias of "etcd": with reattached in-process test providers, all aliases
// of one local name share one provider server, so a second configuration
// would overwrite the first one's.
func TestAccAuth_scenario(t *testing.T) {
	s := etcdtest.New(t) // authentication off: etcd_auth turns it on
	e := authTestEtcd(t, s, true)
	appCfg := s.ClientConfig()
	appCfg.Username, appCfg.Password = "app", "app-password"
	admin := requiredProviders("etcd") + providerBlock("etcd", e.cfg) + fmt.Sprintf(`
resource "etcd_role" "root" {
  name = "root"
}

resource "etcd_user" "root" {
  name                = "root"
  password_wo         = %[1]q
  password_wo_version = 1
  roles               = [etcd_role.root.name]
}

resource "etcd_auth" "this" {
  enabled    = true
  depends_on = [etcd_user.root]
}

resource "etcd_role" "app" {
  name = "app"
}

resource "etcd_role_permission" "app_read" {
  role       = etcd_role.app.name
  key        = "/app/"
  prefix     = true
  permission = "READ"
}

resource "etcd_user" "app" {
  name                = "app"
  password_wo         = %[2]q
  password_wo_version = 1
  roles               = [etcd_role.app.name]
}

resource "etcd_key" "config" {
  key   = "/app/config"
  value = "written by root"
}
`, etcdtest.RootPassword, appCfg.Password)
	// Steps after the first add the app user's provider.
	withApp := strings.Replace(admin, requiredProviders("etcd"), requiredProviders("etcd", "etcdapp"), 1) +
		providerBlock("etcdapp", appCfg) + `
data "etcd_keys" "app" {
  provider = etcdapp
  prefix   = "/app/"
}
`
	denied := withApp + `
resource "etcd_key" "by_app" {
  provider = etcdapp
  key      = "/app/written-by-app"
  value    = "not allowed"
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories("etcd", "etcdapp"),
		CheckDestroy: resource.ComposeTestCheckFunc(
			authExpectEnabled(e, false),
			authExpectNoUser(e, "root"), authExpectNoUser(e, "app"),
			authExpectRole(e, "app", false), authExpectRole(e, "root", false),
			e.expectValue(t, "/app/config", "<missing>"),
		),
		Steps: []resource.TestStep{
			{
				Config: admin,
				Check: resource.ComposeTestCheckFunc(
					authExpectEnabled(e, true),
					authExpectUser(e, "app", "app"),
					authExpectLogin(e, "app", appCfg.Password, true),
					authExpectPermission(e, "app", "/app/", "/app0", "READ"),
				),
			},
			{
				Config: withApp,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.etcd_keys.app", tfjsonpath.New("key_count"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue("data.etcd_keys.app", tfjsonpath.New("kvs").AtSliceIndex(0).AtMapKey("value"), knownvalue.StringExact("written by root")),
				},
			},
			{
				Config:      denied,
				ExpectError: authErrorRegexp(`"/app/written-by-app"`, `permission denied for user "app"`),
			},
			{
				Config:           withApp,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            e.expectValue(t, "/app/written-by-app", "<missing>"),
			},
		},
	})
}

// A user without a password authenticates with a client certificate for its
// name, given to the provider as inline PEM with tls_server_name.
func TestAccAuth_clientCertificate(t *testing.T) {
	s := etcdtest.New(t, etcdtest.WithTLS(), etcdtest.WithAuth())
	e := authTestEtcd(t, s, false)
	requireNoPasswordSupport(t, e, true) // etcd 3.4 has no users without a password
	user := authName(e, "cert")
	certPEM, keyPEM, err := s.TLS.ClientCertFor(user)
	if err != nil {
		t.Fatal(err)
	}
	app := authProvider{
		endpoints: s.Endpoints, caPEM: s.TLS.CAPEM, certPEM: certPEM, keyPEM: keyPEM, serverName: "localhost",
	}
	admin := func(names ...string) string {
		return requiredProviders(names...) + providerBlock("etcd", e.cfg) + fmt.Sprintf(`
resource "etcd_role" "reader" {
  name = %[1]q
}

resource "etcd_role_permission" "read" {
  role       = etcd_role.reader.name
  key        = %[2]q
  prefix     = true
  permission = "READ"
}

resource "etcd_user" "cert" {
  name        = %[3]q
  no_password = true
  roles       = [etcd_role.reader.name]
}

resource "etcd_key" "config" {
  key   = "%[2]sconfig"
  value = "for the reader"
}
`, authName(e, "reader"), e.prefix, user)
	}
	withApp := admin("etcd", "etcdapp") + app.block("etcdapp") + fmt.Sprintf(`
data "etcd_keys" "app" {
  provider = etcdapp
  prefix   = %[1]q
}
`, e.prefix)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories("etcd", "etcdapp"),
		CheckDestroy:             authExpectNoUser(e, user),
		Steps: []resource.TestStep{
			{
				Config: admin("etcd"),
				Check: resource.ComposeTestCheckFunc(
					authExpectUser(e, user, authName(e, "reader")),
					// No password works for a user without one.
					authExpectLogin(e, user, "", false),
				),
			},
			{
				Config: withApp,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.etcd_keys.app", tfjsonpath.New("key_count"), knownvalue.Int64Exact(1)),
				},
			},
			{
				Config: withApp + fmt.Sprintf(`
resource "etcd_key" "by_app" {
  provider = etcdapp
  key      = "%[1]swritten-by-app"
  value    = "not allowed"
}
`, e.prefix),
				// etcdclient names a certificate's user as "the client
				// certificate's common name" (or by the name itself).
				ExpectError: regexp.MustCompile(`(?s)` + regexp.QuoteMeta(fmt.Sprintf(`"%swritten-by-app"`, e.prefix)) +
					`.*permission\s+denied\s+for\s+(user\s+"` + regexp.QuoteMeta(user) + `"|the\s+client\s+certificate's\s+common\s+name)`),
			},
		},
	})
}

// A server certificate that cannot be verified, because it is signed by
// another CA or issued for another name than tls_server_name, fails with a
// message that says so, with and without a username.
func TestAccAuth_tlsVerificationFails(t *testing.T) {
	s := etcdtest.New(t, etcdtest.WithTLS())
	other, err := etcdtest.GenerateCerts(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	read := `
data "etcd_keys" "any" {
  prefix = "/"
  limit  = 1
}
`
	wrongCA := authProvider{
		endpoints: s.Endpoints, caFile: other.CAFile, certFile: s.TLS.ClientCertFile, keyFile: s.TLS.ClientKeyFile, timeout: "2s",
	}
	wrongCAWithUser := wrongCA
	wrongCAWithUser.username, wrongCAWithUser.password = "root", "any"
	wrongName := authProvider{
		endpoints: s.Endpoints, caPEM: s.TLS.CAPEM, certPEM: s.TLS.ClientCertPEM, keyPEM: s.TLS.ClientKeyPEM, serverName: "etcd.invalid", timeout: "2s",
	}
	// The message says the certificate could not be verified, and why.
	notVerified := func(why string) *regexp.Regexp {
		return regexp.MustCompile(`(?s)certificate\s+not\s+trusted.*could\s+not\s+be\s+verified.*` + strings.ReplaceAll(regexp.QuoteMeta(why), " ", `\s+`))
	}
	rightName := wrongName
	rightName.serverName = "localhost"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{Config: wrongCA.config() + read, ExpectError: notVerified("signed by an authority the configured CA certificates do not include")},
			{Config: wrongCAWithUser.config() + read, ExpectError: notVerified("signed by an authority the configured CA certificates do not include")},
			{Config: wrongName.config() + read, ExpectError: regexp.MustCompile(`(?s)is\s+not\s+valid\s+for\s+"etcd.invalid"`)},
			{Config: rightName.config() + read},
		},
	})
}

func TestAccAuth_wrongPassword(t *testing.T) {
	s := etcdtest.New(t, etcdtest.WithAuth())
	cfg := s.ClientConfig()
	cfg.Password = "not-the-password"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config: providerConfig(cfg) + `
data "etcd_keys" "any" {
  prefix = "/"
}
`,
			ExpectError: authErrorRegexp(`authentication failed for user "root"`),
		}},
	})
}

// authTestEtcd returns the testEtcd of a server a test owns, as root. With
// rootBeforeAuth the root credentials are set although the server has no
// authentication yet (etcd accepts them until it is turned on).
func authTestEtcd(t *testing.T, s *etcdtest.Server, rootBeforeAuth bool) *testEtcd {
	t.Helper()
	cfg := s.ClientConfig()
	if rootBeforeAuth {
		cfg.Username, cfg.Password = "root", etcdtest.RootPassword
	}
	return &testEtcd{cfg: cfg, client: etcdtest.Client(t, cfg), prefix: etcdtest.Prefix(t)}
}

// authMTLSEtcd starts a server with client TLS (mTLS) and authentication;
// the provider connects as root with the root client certificate.
func authMTLSEtcd(t *testing.T) *testEtcd {
	t.Helper()
	return authTestEtcd(t, etcdtest.New(t, etcdtest.WithTLS(), etcdtest.WithAuth()), false)
}

// authName returns a user or role name no other test uses, such as
// "etcdtest-TestAccRole_lifecycle-1a2b3c4d-reader".
func authName(e *testEtcd, suffix string) string {
	return strings.ReplaceAll(strings.Trim(e.prefix, "/"), "/", "-") + "-" + suffix
}

// authErrorRegexp matches an error output containing each part in order.
// Terraform wraps long lines, so spaces in a part match any white space.
func authErrorRegexp(parts ...string) *regexp.Regexp {
	quoted := make([]string, len(parts))
	for i, p := range parts {
		quoted[i] = strings.ReplaceAll(regexp.QuoteMeta(p), " ", `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}

// authProvider is a provider configuration with the settings providerBlock
// does not render: inline PEM, tls_server_name and timeouts.
type authProvider struct {
	endpoints                 []string
	username, password        string
	caPEM, certPEM, keyPEM    []byte
	caFile, certFile, keyFile string
	serverName                string
	timeout                   string // dial_timeout and request_timeout
}

func (p authProvider) config() string { return requiredProviders("etcd") + p.block("etcd") }

func (p authProvider) block(name string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "provider %q {\n  endpoints = [%s]\n", name, quoteList(p.endpoints))
	for _, setting := range [][2]string{
		{"username", p.username}, {"password", p.password},
		{"ca_cert", string(p.caPEM)}, {"client_cert", string(p.certPEM)}, {"client_key", string(p.keyPEM)},
		{"ca_cert_file", p.caFile}, {"client_cert_file", p.certFile}, {"client_key_file", p.keyFile},
		{"tls_server_name", p.serverName}, {"dial_timeout", p.timeout}, {"request_timeout", p.timeout},
	} {
		writeOptional(&b, setting[0], setting[1])
	}
	b.WriteString("}\n")
	return b.String()
}

// authLogin authenticates to e's etcd as user; etcdclient.New does it when
// a username is set.
func authLogin(e *testEtcd, user, password string) error {
	cfg := e.cfg
	cfg.Username, cfg.Password = user, password
	if password == "" {
		// clientv3 skips authentication without a password: ask etcd directly.
		_, err := e.client.Raw().Authenticate(context.Background(), user, password)
		return err
	}
	c, err := etcdclient.New(&cfg)
	if err != nil {
		return err
	}
	return c.Close()
}

// authExpectLogin checks whether user can log in with password.
func authExpectLogin(e *testEtcd, user, password string, ok bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		err := authLogin(e, user, password)
		switch {
		case ok && err != nil:
			return fmt.Errorf("user %q cannot log in with password %q: %w", user, password, err)
		case !ok && err == nil:
			return fmt.Errorf("user %q can log in with password %q", user, password)
		}
		return nil
	}
}

// authExpectUser checks that user exists with exactly roles.
func authExpectUser(e *testEtcd, user string, roles ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		u, err := e.client.GetUser(context.Background(), user)
		if err != nil {
			return err
		}
		if want := slices.Sorted(slices.Values(roles)); !slices.Equal(u.Roles, want) {
			return fmt.Errorf("user %q has roles %q, want %q", user, u.Roles, want)
		}
		return nil
	}
}

// authExpectNoUser checks that user does not exist.
func authExpectNoUser(e *testEtcd, user string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		_, err := e.client.GetUser(context.Background(), user)
		if errors.Is(err, etcdclient.ErrUserNotFound) {
			return nil
		}
		if err == nil {
			return fmt.Errorf("user %q still exists", user)
		}
		return err
	}
}

// authExpectRole checks whether role exists.
func authExpectRole(e *testEtcd, role string, exists bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		_, err := e.client.GetRole(context.Background(), role)
		switch {
		case errors.Is(err, etcdclient.ErrRoleNotFound) && !exists:
			return nil
		case err != nil:
			return err
		case !exists:
			return fmt.Errorf("role %q still exists", role)
		}
		return nil
	}
}

// authExpectPermission checks the permission of role on [key, rangeEnd):
// its type, or "<missing>".
func authExpectPermission(e *testEtcd, role, key, rangeEnd, want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		r, err := e.client.GetRole(context.Background(), role)
		if err != nil {
			return err
		}
		got := "<missing>"
		if p := r.FindPermission(key, rangeEnd); p != nil {
			got = p.Type.String()
		}
		if got != want {
			return fmt.Errorf("role %q has %s on [%q, %q), want %s", role, got, key, rangeEnd, want)
		}
		return nil
	}
}

// authExpectEnabled checks whether authentication is on.
func authExpectEnabled(e *testEtcd, enabled bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		st, err := e.client.AuthStatus(context.Background())
		if err != nil {
			return err
		}
		if st.Enabled != enabled {
			return fmt.Errorf("authentication enabled is %t, want %t", st.Enabled, enabled)
		}
		return nil
	}
}

// authDo runs a change to etcd made outside Terraform, in PreConfig.
func authDo(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}
