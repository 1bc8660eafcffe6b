package provider

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// readBackExample is the "Secrets in etcd" guide's example that writes a
// password with value_wo, reads it back ephemerally and copies it.
func readBackExample(t *testing.T) string {
	t.Helper()
	return readExample(t, filepath.Join(examplesDir(), "guides", "secrets-read-back", "main.tf"))
}

// A password from an ephemeral variable is written with value_wo, read
// back by an ephemeral etcd_key keyed on etcd_key.<name>.id and copied with
// value_wo, all in one apply of a saved plan, on Terraform as on OpenTofu:
// the id is unknown in the plan of a create, so the read waits for the
// write. The plan after it is empty, and neither the state, the saved plan
// nor any command's output holds the password. Under make test-etcd34 the
// server is Debian's etcd 3.4 daemon.
func TestAccKey_writeOnlyReadBackInOneApply(t *testing.T) {
	requireCLI(t, featureWriteOnly, featureEphemeralResources)
	t.Parallel()
	e := ownEtcd(t)
	const password = "read-back-password-Hv6t"
	w := newWorkdir(t, providerConfig(e.cfg)+readBackExample(t))
	w.env = append(w.env, "TF_VAR_db_password="+password)

	var outputs bytes.Buffer
	plan := w.mustRun("plan", "-out=saved.tfplan", "-input=false", "-no-color")
	outputs.WriteString(plan)
	if !strings.Contains(plan, "2 to add, 0 to change, 0 to destroy") {
		t.Fatalf("the plan does not create the two keys:\n%s", plan)
	}
	shown := w.mustRun("show", "-json", "saved.tfplan")
	outputs.WriteString(w.mustRun("apply", "-input=false", "-no-color", "saved.tfplan"))
	for _, key := range []string{"/app/secrets/db_password", "/services/billing/db_password"} {
		if got := e.value(t, key); got != password {
			t.Fatalf("etcd holds %q at %s after one apply, want the password", got, key)
		}
	}
	if out, err := w.run("plan", "-detailed-exitcode", "-input=false", "-no-color"); err != nil {
		t.Fatalf("the plan after the apply is not empty: %v\n%s", err, out)
	}

	never := []string{password}
	authExpectNoSecretIn(t, "command output", outputs.String(), never)
	authExpectNoSecretIn(t, cliName()+" show -json of the plan", shown, never)
	for _, file := range []string{"terraform.tfstate", "saved.tfplan"} {
		authExpectNoSecrets(t, w, file, never)
	}
}

// A read that Terraform can open while planning is a CLI difference:
// keyed on etcd_key.<name>.key (known while planning), or on a literal key
// with depends_on, Terraform opens the ephemeral resource during the plan,
// before the key exists, and the plan fails naming the key; OpenTofu waits
// for the write and applies. The guide says to key the read on the id.
func TestAccKey_readBackKnownWhilePlanning(t *testing.T) {
	requireCLI(t, featureWriteOnly, featureEphemeralResources)
	for name, read := range map[string]string{
		"keyed on key": "key = etcd_key.db_password.key",
		"depends_on":   "key        = \"/app/secrets/db_password\"\n  depends_on = [etcd_key.db_password]",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := ownEtcd(t)
			const password = "known-while-planning-password-Jc3n"
			hcl := strings.Replace(readBackExample(t), "key = etcd_key.db_password.id", read, 1)
			if !strings.Contains(hcl, read) {
				t.Fatal("the guide's example no longer keys the read on etcd_key.db_password.id")
			}
			w := newWorkdir(t, providerConfig(e.cfg)+hcl)
			w.env = append(w.env, "TF_VAR_db_password="+password)
			out, err := w.apply()
			authExpectNoSecretIn(t, "command output", out, []string{password})
			if currentCLI().tofu {
				if err != nil {
					t.Fatalf("OpenTofu no longer applies this in one run: %v\n%s", err, out)
				}
				if got := e.value(t, "/services/billing/db_password"); got != password {
					t.Fatalf("etcd holds %q in the copy, want the password", got)
				}
				return
			}
			if err == nil || !strings.Contains(out, `"/app/secrets/db_password" does not exist`) {
				t.Fatalf("Terraform no longer opens this read while planning (update the guide): %v\n%s", err, out)
			}
			if got := e.value(t, "/app/secrets/db_password"); got != "<missing>" {
				t.Fatalf("the failed plan wrote the key: etcd holds %q", got)
			}
		})
	}
}
