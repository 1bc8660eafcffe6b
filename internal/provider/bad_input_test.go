package provider

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

// badInput is one invalid value: the configuration (or import ID) and the
// diagnostic it must produce, which names the attribute and says what to do.
type badInput struct {
	subject string // the resource, data source or provider block
	hcl     string // %[1]s is the test's key prefix
	// importOf and importID make the case an import of importOf with importID.
	importOf, importID string
	want               string
}

var big = strings.Repeat("x", etcdclient.MaxRequestBytes)

var badInputs = map[string]badInput{
	"key: empty key":                 {subject: "etcd_key", hcl: `resource "etcd_key" "t" {` + "\n" + `key = ""` + "\n" + `value = "v"` + "\n}", want: `(?s)key.*string length must be at least 1`},
	"key: value over 1.5 MiB":        {subject: "etcd_key", hcl: `resource "etcd_key" "t" {` + "\n" + `key = "%[1]sk"` + "\n" + `value = "` + big + `"` + "\n}", want: `(?s)Value too large.*%[1]sk.*1572864 bytes`},
	"key: invalid base64":            {subject: "etcd_key", hcl: `resource "etcd_key" "t" {` + "\n" + `key = "%[1]sk"` + "\n" + `value_base64 = "%%%%"` + "\n}", want: `(?s)Invalid base64.*value_base64.*base64encode`},
	"key: lease that does not exist": {subject: "etcd_key", hcl: `resource "etcd_key" "t" {` + "\n" + `key = "%[1]sk"` + "\n" + `value = "v"` + "\n" + `lease_id = 424242` + "\n}", want: `(?s)Lease not found.*lease_id.*live lease`},
	"key: malformed import ID":       {subject: "etcd_key", hcl: `resource "etcd_key" "t" {` + "\n" + `key = "%[1]sk"` + "\n" + `value = "v"` + "\n}", importOf: "etcd_key.t", importID: " ", want: `(?s)Cannot import non-existent remote object`},
	"prefix: empty prefix":           {subject: "etcd_prefix", hcl: `resource "etcd_prefix" "t" {` + "\n" + `prefix = ""` + "\n" + `keys = {}` + "\n}", want: `(?s)Empty prefix.*prefix must not be empty`},
	"prefix: value over 1.5 MiB":     {subject: "etcd_prefix", hcl: `resource "etcd_prefix" "t" {` + "\n" + `prefix = "%[1]s"` + "\n" + `keys = { k = "` + big + `" }` + "\n}", want: `(?s)Value too large.*%[1]sk`},
	"prefix: invalid keys_json":      {subject: "etcd_prefix", hcl: `resource "etcd_prefix" "t" {` + "\n" + `prefix = "%[1]s"` + "\n" + `keys_json = "{\"a\": 1}"` + "\n}", want: `(?s)Invalid keys_json.*"a"\s+is\s+a\s+number.*strings\s+only.*provider::etcd::flatten`},
	"prefix: malformed import ID":    {subject: "etcd_prefix", hcl: `resource "etcd_prefix" "t" {` + "\n" + `prefix = "%[1]s"` + "\n" + `keys = {}` + "\n}", importOf: "etcd_prefix.t", want: `(?s)Invalid import ID.*terraform import etcd_prefix`},
	"lease: ttl 0":                   {subject: "etcd_lease", hcl: `resource "etcd_lease" "t" {` + "\n" + `ttl = 0` + "\n}", want: `(?s)ttl.*must be at least 1`},
	"lease: negative ttl":            {subject: "etcd_lease", hcl: `resource "etcd_lease" "t" {` + "\n" + `ttl = -30` + "\n}", want: `(?s)ttl.*must be at least 1`},
	"lease: malformed import ID":     {subject: "etcd_lease", hcl: `resource "etcd_lease" "t" {` + "\n" + `ttl = 10` + "\n}", importOf: "etcd_lease.t", importID: "lease-7", want: `(?s)Invalid import ID.*decimal.*hex`},
	"lease: import of unknown lease": {subject: "etcd_lease", hcl: `resource "etcd_lease" "t" {` + "\n" + `ttl = 10` + "\n}", importOf: "etcd_lease.t", importID: "0x7fff0000", want: `(?s)Cannot import non-existent remote object`},
	"permission: unknown type":       {subject: "etcd_role_permission", hcl: `resource "etcd_role_permission" "t" {` + "\n" + `role = "r"` + "\n" + `key = "/k"` + "\n" + `permission = "ALL"` + "\n}", want: `(?s)permission.*value must be one of.*READWRITE`},
	"permission: role not found":     {subject: "etcd_role_permission", hcl: `resource "etcd_role_permission" "t" {` + "\n" + `role = "no-such-role-for-bad-input"` + "\n" + `key = "%[1]s"` + "\n" + `permission = "READ"` + "\n}", want: `(?s)Role not found.*no-such-role-for-bad-input`},
	"permission: malformed import":   {subject: "etcd_role_permission", hcl: `resource "etcd_role_permission" "t" {` + "\n" + `role = "r"` + "\n" + `key = "/k"` + "\n" + `permission = "READ"` + "\n}", importOf: "etcd_role_permission.t", importID: `{"role": "r"`, want: `(?s)Invalid import ID.*range_end`},
	"user: role not found":           {subject: "etcd_user", hcl: `resource "etcd_user" "t" {` + "\n" + `name = "bad-input-user"` + "\n" + `password = "p"` + "\n" + `roles = ["no-such-role-for-bad-input"]` + "\n}", want: `(?s)Role not found.*no-such-role-for-bad-input`},
	"user: two password settings":    {subject: "etcd_user", hcl: `resource "etcd_user" "t" {` + "\n" + `name = "bad-input-user"` + "\n" + `password = "p"` + "\n" + `no_password = true` + "\n}", want: `(?s)password and no_password = true are set`},
	"data key: empty key":            {subject: "data etcd_key", hcl: `data "etcd_key" "t" {` + "\n" + `key = ""` + "\n}", want: `(?s)key.*string length must be at least 1`},
	"provider: invalid PEM":          {subject: "provider", hcl: `provider "etcd" {` + "\n" + `ca_cert = "-----BEGIN NOTHING-----"` + "\n}", want: `(?s)Invalid PEM.*ca_cert`},
	"provider: bad duration":         {subject: "provider", hcl: `provider "etcd" {` + "\n" + `request_timeout = "soon"` + "\n}", want: `(?s)Invalid duration.*request_timeout.*"5s"`},
	"provider: endpoint not a URL":   {subject: "provider", hcl: `provider "etcd" {` + "\n" + `endpoints = ["not a host"]` + "\n}", want: `(?s)Invalid etcd endpoint.*endpoints.*host:port`},
	"provider: key without cert":     {subject: "provider", hcl: `provider "etcd" {` + "\n" + `client_key = "-----BEGIN EC PRIVATE KEY-----\nAA==\n-----END EC PRIVATE KEY-----\n"` + "\n}", want: `(?s)Client key without certificate.*client_cert`},
}

// Every bad value gives a diagnostic that names the attribute and says what
// to do; none panics, and none writes anything to etcd. RELIABILITY.md
// counts these cases.
func TestAccBadInputMatrix(t *testing.T) {
	e := sharedEtcd(t)
	for name, c := range badInputs {
		t.Run(name, func(t *testing.T) {
			prefix := e.prefix + strings.NewReplacer(" ", "_", ":", "").Replace(name) + "/"
			want := regexp.MustCompile(strings.ReplaceAll(c.want, "%[1]s", regexp.QuoteMeta(prefix)))
			if c.importOf != "" {
				// tofu import directly: resource.Test does not show its output.
				t.Parallel()
				w := newWorkdir(t, badInputConfig(e, c, prefix))
				out, err := w.run("import", "-input=false", "-no-color", c.importOf, c.importID)
				if err == nil || !want.MatchString(out) || strings.Contains(out, "panic") {
					t.Fatalf("import %s %q: err=%v, want output matching %s:\n%s", c.importOf, c.importID, err, want, out)
				}
			} else {
				resource.ParallelTest(t, resource.TestCase{
					ProtoV6ProviderFactories: factories(),
					Steps:                    []resource.TestStep{{Config: badInputConfig(e, c, prefix), ExpectError: want}},
				})
			}
			if n, err := e.client.GetKeyCountWithPrefix(t.Context(), prefix); err != nil || n != 0 {
				t.Fatalf("a rejected input left %d keys under %q (err=%v)", n, prefix, err)
			}
			if _, err := e.client.GetUser(t.Context(), "bad-input-user"); err == nil {
				t.Fatal("a rejected input created a user")
			}
		})
	}
}

func badInputConfig(e *testEtcd, c badInput, prefix string) string {
	body := strings.ReplaceAll(c.hcl, "%[1]s", prefix)
	body = strings.ReplaceAll(body, "%%", "%")
	if c.subject == "provider" {
		// The provider block under test, plus a read that needs it.
		return requiredProviders("etcd") + body + "\ndata \"etcd_key\" \"probe\" {\n  key = \"/k\"\n  must_exist = false\n}\n"
	}
	return e.config("%s\n", body)
}
