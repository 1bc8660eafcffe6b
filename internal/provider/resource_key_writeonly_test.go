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

// A write-only value and an ephemeral read never reach the state, the saved
// plan (every file in it), show -json, the command output or a TRACE log;
// an ephemeral read feeds value_wo of another resource in the same run; a
// value changed behind Terraform's back shows on the next plan, naming the
// key, and apply writes it back.
func TestAccWriteOnly_keyNeverStoredAndDriftReverted(t *testing.T) {
	requireCLI(t, featureWriteOnly, featureEphemeralResources)
	t.Parallel()
	e := sharedEtcd(t)
	const sourceSecret = "ephemeral-source-secret-Qm8v"
	const directSecret = "write-only-direct-secret-Lw4z"
	const tampered = "tampered-by-hand-Xr2c"
	const literalSecret = "literal-in-config-Pz7k" // Terraform prints configuration lines a diagnostic points to
	e.put(t, e.prefix+"source", sourceSecret)
	hcl := providerConfig(e.cfg) + fmt.Sprintf(`
variable "secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

ephemeral "etcd_key" "source" {
  key = %[1]q
}

ephemeral "etcd_keys" "all" {
  prefix = %[4]q
}

resource "etcd_key" "copied" {
  key              = %[2]q
  value_wo         = ephemeral.etcd_key.source.value
  value_wo_version = 1
}

resource "etcd_key" "from_map" {
  key              = "${%[4]q}map"
  value_wo         = ephemeral.etcd_keys.all.values[%[1]q]
  value_wo_version = 1
}

resource "etcd_key" "direct" {
  key              = %[3]q
  value_wo         = var.secret
  value_wo_version = 1
}

resource "etcd_key" "literal" {
  key              = "${%[4]q}literal"
  value_wo         = %[5]q
  value_wo_version = 1
}
`, e.prefix+"source", e.prefix+"copied", e.prefix+"direct", e.prefix, literalSecret)
	w := pluginWorkdir(t, hcl)
	w.env = append(w.env, "TF_VAR_secret="+directSecret)
	var outputs bytes.Buffer
	outputs.WriteString(w.mustRun("plan", "-out=saved.tfplan", "-input=false", "-no-color"))
	shown := w.mustRun("show", "-json", "saved.tfplan")
	outputs.WriteString(w.mustRun("apply", "-input=false", "-no-color", "saved.tfplan"))
	for key, want := range map[string]string{"copied": sourceSecret, "map": sourceSecret, "direct": directSecret} {
		if got := e.value(t, e.prefix+key); got != want {
			t.Fatalf("etcd holds %q at %s, want the secret", got, key)
		}
	}
	outputs.WriteString(w.mustRun("show", "-json"))

	// Drift: the plan names the key (never the value), apply reverts it.
	e.put(t, e.prefix+"direct", tampered)
	plan, err := w.run("plan", "-detailed-exitcode", "-out=drift.tfplan", "-input=false", "-no-color")
	if err == nil || !strings.Contains(plan, e.prefix+"direct") || !strings.Contains(plan, "changed outside Terraform") {
		t.Fatalf("a value changed in etcd does not show on the plan, naming the key:\n%s", plan)
	}
	if strings.Contains(plan, "etcd_key.copied will be") || strings.Contains(plan, "etcd_key.from_map will be") {
		t.Fatalf("keys that did not change are planned for update:\n%s", plan)
	}
	outputs.WriteString(plan)
	outputs.WriteString(w.mustRun("apply", "-input=false", "-no-color", "drift.tfplan"))
	if got := e.value(t, e.prefix+"direct"); got != directSecret {
		t.Fatalf("apply did not write value_wo back: etcd holds %q", got)
	}
	if out, err := w.run("plan", "-detailed-exitcode", "-input=false", "-no-color"); err != nil {
		t.Fatalf("the plan after reverting drift is not empty: %v\n%s", err, out)
	}

	// The warning points at the resource, not at the value_wo line, which
	// Terraform would print with the secret written on it.
	e.put(t, e.prefix+"literal", tampered)
	plan, err = w.run("plan", "-detailed-exitcode", "-input=false", "-no-color")
	if err == nil || !strings.Contains(plan, e.prefix+"literal") || strings.Contains(plan, literalSecret) {
		t.Fatalf("the drift warning of a literal value_wo must name the key and not show the configuration line holding it:\n%s", plan)
	}

	logs := readFile(t, filepath.Join(w.dir, "tofu.log"))
	if !strings.Contains(logs, "terraform-provider-etcd") {
		t.Fatal("tofu.log holds no provider log lines: the test would prove nothing")
	}
	never := []string{sourceSecret, directSecret}
	// A literal is part of the configuration, which a saved plan carries
	// (and show -json prints); it still never reaches logs, output or state.
	withLiteral := []string{sourceSecret, directSecret, literalSecret}
	authExpectNoSecretIn(t, "the TRACE log", logs, withLiteral)
	authExpectNoSecretIn(t, "command output", outputs.String(), withLiteral)
	authExpectNoSecretIn(t, "tofu show -json of the plan", shown, never)
	authExpectNoSecrets(t, w, "terraform.tfstate", withLiteral)
	for _, file := range []string{"saved.tfplan", "drift.tfplan"} {
		authExpectNoSecrets(t, w, file, never)
	}
	state := readFile(t, filepath.Join(w.dir, "terraform.tfstate"))
	if !strings.Contains(state, "argon2") && !strings.Contains(state, "private") {
		t.Fatal("the state keeps no fingerprint")
	}
}

// Every bad combination is a diagnostic naming both attributes, and nothing
// is written.
func TestAccWriteOnly_badCombinations(t *testing.T) {
	t.Parallel()
	e := sharedEtcd(t)
	for _, tc := range []struct {
		body string
		want string
	}{
		{`value = "a"` + "\n  value_wo = \"b\"", `value and value_wo are set`},
		{`value_base64 = "YQ=="` + "\n  value_wo = \"b\"", `value_base64 and value_wo are set`},
		{`value = "a"` + "\n  value_wo_version = 1", `value_wo_version is set but value_wo is\s+not`},
	} {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: factories(),
			Steps: []resource.TestStep{{
				Config:      e.config("resource \"etcd_key\" \"bad\" {\n  key = %q\n  %s\n}\n", e.prefix+"bad", tc.body),
				ExpectError: regexp.MustCompile(tc.want),
			}},
		})
	}
	for _, tc := range []struct {
		body string
		want string
	}{
		{`keys = {}` + "\n  keys_base64 = {}", `keys and keys_base64 are set`},
		{`keys_json = "{}"` + "\n  keys_base64 = {}", `keys_json and keys_base64 are set`},
	} {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: factories(),
			Steps: []resource.TestStep{{
				Config:      e.config("resource \"etcd_prefix\" \"bad\" {\n  prefix = %q\n  %s\n}\n", e.prefix+"p/", tc.body),
				ExpectError: regexp.MustCompile(tc.want),
			}},
		})
	}
	if got := e.value(t, e.prefix+"bad"); got != "<missing>" {
		t.Fatalf("a rejected configuration wrote %q", got)
	}
}
