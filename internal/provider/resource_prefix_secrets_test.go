package provider

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// A secret under an exclusive prefix never reaches plan output, a saved
// plan, show -json, the state or a TRACE log: written by an etcd_key with
// value_wo under a prefix without exclude (the prefix shows the key as
// drift by name, with its size, and its warning points to exclude), with
// exclude (no drift, no fight: plans are empty), and written by hand.
func TestAccPrefix_secretUnderExclusivePrefix(t *testing.T) {
	requireCLI(t, featureWriteOnly)
	const secret = "S3cr3t-under-prefix-Vq9w"
	cases := []struct {
		name    string
		exclude string
		byHand  bool
	}{
		{name: "value_wo key, no exclude"},
		{name: "value_wo key, excluded", exclude: `exclude = ["db/password"]`},
		{name: "written by hand", byHand: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := sharedEtcd(t)
			key := `
resource "etcd_key" "password" {
  key              = "${etcd_prefix.shop.prefix}db/password"
  value_wo         = var.db_password
  value_wo_version = 1
}`
			if c.byHand {
				key = ""
			}
			hcl := providerConfig(e.cfg) + fmt.Sprintf(`
variable "db_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "etcd_prefix" "shop" {
  prefix = %[1]q
  keys = {
    "db/host" = "db.internal"
  }
  %[2]s
}
%[3]s
`, e.prefix, c.exclude, key)
			w := pluginWorkdir(t, hcl)
			w.env = append(w.env, "TF_VAR_db_password="+secret)
			var outputs bytes.Buffer
			outputs.WriteString(w.mustRun("apply", "-auto-approve", "-input=false", "-no-color"))
			if c.byHand {
				e.put(t, e.prefix+"db/password", secret)
			}
			if got := e.value(t, e.prefix+"db/password"); got != secret {
				t.Fatalf("etcd holds %q at db/password, want the secret", got)
			}
			plan, err := w.run("plan", "-detailed-exitcode", "-out=next.tfplan", "-input=false", "-no-color")
			outputs.WriteString(plan)
			shown := w.mustRun("show", "-json", "next.tfplan")
			if c.exclude != "" {
				if err != nil {
					t.Fatalf("with exclude the plan after the apply must be empty: %v\n%s", err, plan)
				}
			} else {
				if err == nil || !strings.Contains(plan, `"db/password"`) || !strings.Contains(plan, "not shown: 24 bytes") {
					t.Fatalf("the undeclared key must show as drift, by name and size:\n%s", plan)
				}
				if !strings.Contains(plan, "exclude") {
					t.Fatalf("the plan's warning must point to exclude:\n%s", plan)
				}
			}
			outputs.WriteString(w.mustRun("apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color"))
			outputs.WriteString(w.mustRun("show", "-json"))
			outputs.WriteString(w.mustRun("apply", "-auto-approve", "-input=false", "-no-color"))
			switch {
			case c.exclude != "":
				if out, err := w.run("plan", "-detailed-exitcode", "-input=false", "-no-color"); err != nil {
					t.Fatalf("the resources fight over the excluded key: %v\n%s", err, out)
				}
				if got := e.value(t, e.prefix+"db/password"); got != secret {
					t.Fatalf("the prefix touched its excluded key: %q", got)
				}
			case c.byHand:
				if got := e.value(t, e.prefix+"db/password"); got != "<missing>" {
					t.Fatalf("the apply kept an undeclared key under an exclusive prefix: %q", got)
				}
			}
			logs := readFile(t, filepath.Join(w.dir, "tofu.log"))
			if !strings.Contains(logs, "terraform-provider-etcd") {
				t.Fatal("the log holds no provider log lines: the test would prove nothing")
			}
			never := []string{secret}
			authExpectNoSecretIn(t, "the TRACE log", logs, never)
			authExpectNoSecretIn(t, "command output", outputs.String(), never)
			authExpectNoSecretIn(t, "show -json of the plan", shown, never)
			for _, file := range []string{"terraform.tfstate", "next.tfplan"} {
				authExpectNoSecrets(t, w, file, never)
			}
		})
	}
}
