package provider

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
)

// With TF_LOG=TRACE, no password or private key reaches the logs (tofu's and
// the provider's), the command output, an error message, the state or a
// saved plan; a write-only password reaches neither state nor plan.
func TestAccSecrets_neverLogged(t *testing.T) {
	t.Parallel()
	s := etcdtest.New(t, etcdtest.WithTLS(), etcdtest.WithAuth())
	const appPassword = "write-only-app-secret-7Yq2"
	const legacyPassword = "sensitive-legacy-secret-3Kp9"
	keyBody := pemBody(string(s.TLS.ClientKeyPEM))
	// Secrets come from variables, as they would in real use; a literal in a
	// .tf file is saved in plan files by Terraform itself.
	hcl := requiredProviders("etcd") + fmt.Sprintf(`
provider "etcd" {
  endpoints   = [%[1]q]
  username    = "root"
  password    = var.root_password
  ca_cert     = %[2]q
  client_cert = %[3]q
  client_key  = var.client_key
}

variable "root_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "client_key" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "app_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "legacy_password" {
  type      = string
  sensitive = true
}

resource "etcd_user" "app" {
  name                = "app"
  password_wo         = var.app_password
  password_wo_version = 1
}

resource "etcd_user" "legacy" {
  name     = "legacy"
  password = var.legacy_password
}
`, s.Endpoints[0], s.TLS.CAPEM, s.TLS.ClientCertPEM)
	w := pluginWorkdir(t, hcl)
	w.env = append(w.env, "TF_VAR_root_password="+etcdtest.RootPassword, "TF_VAR_client_key="+string(s.TLS.ClientKeyPEM),
		"TF_VAR_app_password="+appPassword, "TF_VAR_legacy_password="+legacyPassword)
	var outputs bytes.Buffer
	outputs.WriteString(w.mustRun("plan", "-out=saved.tfplan", "-input=false", "-no-color"))
	outputs.WriteString(w.mustRun("apply", "-input=false", "-no-color", "saved.tfplan"))
	shown := w.mustRun("show", "-json", "saved.tfplan")
	w.env = append(w.env, "TF_VAR_root_password=a-wrong-root-password-9Zx1")
	wrong, err := w.run("plan", "-input=false", "-no-color")
	if err == nil || !strings.Contains(wrong, "authentication failed") {
		t.Fatalf("a wrong password did not fail authentication:\n%s", wrong)
	}
	outputs.WriteString(wrong)

	logs := readFile(t, filepath.Join(w.dir, "tofu.log"))
	if !strings.Contains(logs, "terraform-provider-etcd") {
		t.Fatal("tofu.log holds no provider log lines: the test would prove nothing")
	}
	secrets := map[string]string{
		"root password":      etcdtest.RootPassword,
		"wrong password":     "a-wrong-root-password-9Zx1",
		"private key":        keyBody,
		"write-only":         appPassword,
		"sensitive password": legacyPassword,
	}
	for name, secret := range secrets {
		if strings.Contains(logs, secret) {
			t.Errorf("the %s appears in the TRACE log", name)
		}
		if strings.Contains(outputs.String(), secret) {
			t.Errorf("the %s appears in command output", name)
		}
	}
	// The sensitive (not write-only) password is in the state and the plan
	// by design; the others must be nowhere.
	never := []string{appPassword, keyBody, etcdtest.RootPassword}
	for _, file := range []string{"terraform.tfstate", "saved.tfplan"} {
		authExpectNoSecrets(t, w, file, never)
	}
	authExpectNoSecretIn(t, "tofu show -json of the plan", shown, never)
}

// pemBody is the base64 body of a PEM block, without its header lines.
func pemBody(pem string) string {
	var body []string
	for _, line := range strings.Split(pem, "\n") {
		if line != "" && !strings.HasPrefix(line, "-----") {
			body = append(body, line)
		}
	}
	return strings.Join(body, "")[:40] // a run of key material long enough to be unique
}
