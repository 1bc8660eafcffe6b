package provider

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// The values of etcd_prefix.keys_wo, from a variable and from an ephemeral
// read, never reach the state, the saved plan
// (every file in it), show -json, the command output or a TRACE log; a
// value changed and a key deleted behind Terraform's back show on the next
// plan, naming the keys, and apply writes them back.
func TestAccPrefix_keysWONeverStoredAndDriftReverted(t *testing.T) {
	requireCLI(t, featureWriteOnly, featureEphemeralResources)
	t.Parallel()
	e := sharedEtcd(t)
	const fromVar = "prefix-wo-var-secret-Hq7n"
	const fromEtcd = "prefix-wo-ephemeral-secret-Zp3k"
	const tampered = "prefix-tampered-by-hand-Vb6t"
	prefix := e.prefix + "secrets/"
	e.put(t, e.prefix+"source", fromEtcd)
	hcl := providerConfig(e.cfg) + fmt.Sprintf(`
variable "secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

ephemeral "etcd_key" "source" {
  key = %[2]q
}

resource "etcd_prefix" "secrets" {
  prefix = %[1]q
  keys_wo = {
    "db/password" = var.secret
    "api/token"   = ephemeral.etcd_key.source.value
  }
  keys_wo_version = 1
}
`, prefix, e.prefix+"source")
	w := pluginWorkdir(t, hcl)
	w.env = append(w.env, "TF_VAR_secret="+fromVar)
	var outputs bytes.Buffer
	outputs.WriteString(w.mustRun("plan", "-out=saved.tfplan", "-input=false", "-no-color"))
	shown := w.mustRun("show", "-json", "saved.tfplan")
	outputs.WriteString(w.mustRun("apply", "-input=false", "-no-color", "saved.tfplan"))
	for rel, want := range map[string]string{"db/password": fromVar, "api/token": fromEtcd} {
		if got := e.value(t, prefix+rel); got != want {
			t.Fatalf("etcd holds %q at %s, want the secret", got, rel)
		}
	}
	outputs.WriteString(w.mustRun("show", "-json"))
	if out, err := w.run("plan", "-detailed-exitcode", "-input=false", "-no-color"); err != nil {
		t.Fatalf("the plan after create is not empty: %v\n%s", err, out)
	}

	// Drift: the plan names the keys (never the values), apply reverts it.
	e.put(t, prefix+"db/password", tampered)
	e.put(t, prefix+"extra", tampered)
	plan, err := w.run("plan", "-detailed-exitcode", "-out=drift.tfplan", "-input=false", "-no-color")
	if err == nil || !strings.Contains(plan, prefix+"db/password") || !strings.Contains(plan, prefix+"extra") || !strings.Contains(plan, "changed outside Terraform") {
		t.Fatalf("a value changed in etcd does not show on the plan, naming the keys (%v):\n%s", err, plan)
	}
	if strings.Contains(plan, prefix+"api/token") {
		t.Fatalf("the plan names a key that did not change:\n%s", plan)
	}
	outputs.WriteString(plan)
	driftShown := w.mustRun("show", "-json", "drift.tfplan")
	outputs.WriteString(w.mustRun("apply", "-input=false", "-no-color", "drift.tfplan"))
	if got := e.value(t, prefix+"db/password"); got != fromVar {
		t.Fatalf("apply did not write keys_wo back: etcd holds %q", got)
	}
	if got := e.value(t, prefix+"extra"); got != "<missing>" {
		t.Fatalf("apply left the extra key of an exclusive prefix: %q", got)
	}
	if out, err := w.run("plan", "-detailed-exitcode", "-input=false", "-no-color"); err != nil {
		t.Fatalf("the plan after reverting drift is not empty: %v\n%s", err, out)
	}

	logs := readFile(t, filepath.Join(w.dir, "tofu.log"))
	if !strings.Contains(logs, "terraform-provider-etcd") {
		t.Fatal("tofu.log holds no provider log lines: the test would prove nothing")
	}
	never := []string{fromVar, fromEtcd}
	authExpectNoSecretIn(t, "the TRACE log", logs, never)
	authExpectNoSecretIn(t, "command output", outputs.String(), never)
	authExpectNoSecretIn(t, "tofu show -json of the plan", shown, never)
	authExpectNoSecretIn(t, "tofu show -json of the drift plan", driftShown, never)
	for _, file := range []string{"terraform.tfstate", "saved.tfplan", "drift.tfplan"} {
		authExpectNoSecrets(t, w, file, never)
	}
	state := readFile(t, filepath.Join(w.dir, "terraform.tfstate"))
	if !strings.Contains(state, "private") {
		t.Fatal("the state keeps no fingerprint")
	}
}

// Every bad combination with keys_wo is a diagnostic naming both
// attributes, and nothing is written.
func TestAccPrefix_keysWOBadCombinations(t *testing.T) {
	t.Parallel()
	e := sharedEtcd(t)
	for _, tc := range []struct {
		body string
		want string
	}{
		{`keys = { a = "x" }` + "\n  keys_wo = { a = \"y\" }", `keys and keys_wo are set`},
		{`keys_json = "{}"` + "\n  keys_wo = { a = \"y\" }", `keys_json and keys_wo are set`},
		{`keys_base64 = {}` + "\n  keys_wo = { a = \"y\" }", `keys_base64 and keys_wo are set`},
		{`keys = { a = "x" }` + "\n  keys_wo_version = 1", `keys_wo_version is set but keys_wo is\s+not`},
	} {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: factories(),
			Steps: []resource.TestStep{{
				Config:      e.config("resource \"etcd_prefix\" \"bad\" {\n  prefix = %q\n  %s\n}\n", e.prefix+"p/", tc.body),
				ExpectError: regexp.MustCompile(tc.want),
			}},
		})
	}
	if got := e.value(t, e.prefix+"p/a"); got != "<missing>" {
		t.Fatalf("a rejected configuration wrote %q", got)
	}
}
