package provider

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// The acceptance tests run through OpenTofu and through HashiCorp
// Terraform (1.5.7 and whatever terraform is on PATH), chosen by
// TF_ACC_TERRAFORM_PATH. Tests of features an older CLI lacks skip there,
// saying which feature and which version it needs.

// cliFeature is a CLI feature some tests need, with the first Terraform and
// OpenTofu versions that have it ("" for never).
type cliFeature struct {
	name            string
	terraform, tofu string
}

var (
	featureImportBlocks       = cliFeature{"import blocks", "1.5", "1.5"}
	featureProviderFunctions  = cliFeature{"provider-defined functions", "1.8", "1.7"}
	featureEphemeralResources = cliFeature{"ephemeral resources", "1.10", "1.11"}
	featureWriteOnly          = cliFeature{"write-only attributes", "1.11", "1.11"}
	featureResourceIdentity   = cliFeature{"resource identity", "1.12", "1.12"}
)

// cliVersion is the version of the CLI under TF_ACC_TERRAFORM_PATH, read
// once.
type cliVersion struct {
	tofu  bool
	major int
	minor int
	text  string // as printed, such as "Terraform v1.5.7"
	err   error
}

var (
	cliOnce sync.Once
	cli     cliVersion
)

var versionLine = regexp.MustCompile(`^(Terraform|OpenTofu) v(\d+)\.(\d+)\.`)

func currentCLI() cliVersion {
	cliOnce.Do(func() {
		bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
		cmd := exec.Command(bin, "version")
		cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
		out, err := cmd.Output()
		if err != nil {
			cli.err = fmt.Errorf("%s version: %w", bin, err)
			return
		}
		first, _, _ := strings.Cut(string(out), "\n")
		m := versionLine.FindStringSubmatch(first)
		if m == nil {
			cli.err = fmt.Errorf("%s version printed %q", bin, first)
			return
		}
		cli.tofu, cli.text = m[1] == "OpenTofu", first
		cli.major, _ = strconv.Atoi(m[2])
		cli.minor, _ = strconv.Atoi(m[3])
	})
	return cli
}

// has reports whether the CLI has f, and if not, why.
func (v cliVersion) has(f cliFeature) (bool, string) {
	if v.err != nil {
		return true, "" // the test itself reports a missing CLI
	}
	want := f.terraform
	if v.tofu {
		want = f.tofu
	}
	if want == "" {
		return false, fmt.Sprintf("%s has no %s", v.text, f.name)
	}
	major, minor, _ := strings.Cut(want, ".")
	wantMajor, _ := strconv.Atoi(major)
	wantMinor, _ := strconv.Atoi(minor)
	if v.major > wantMajor || (v.major == wantMajor && v.minor >= wantMinor) {
		return true, ""
	}
	flavor := "Terraform"
	if v.tofu {
		flavor = "OpenTofu"
	}
	return false, fmt.Sprintf("this test uses %s (%s %s or later); this is %s", f.name, flavor, want, v.text)
}

// requireCLI skips the test when the CLI lacks any of features.
func requireCLI(t *testing.T, features ...cliFeature) {
	t.Helper()
	for _, f := range features {
		if ok, why := currentCLI().has(f); !ok {
			t.Skip(why)
		}
	}
}

// cliSteps leaves out the steps the CLI cannot run, logging why: import
// blocks by identity need resource identity.
func cliSteps(t *testing.T, steps []resource.TestStep) []resource.TestStep {
	t.Helper()
	out := make([]resource.TestStep, 0, len(steps))
	for i, s := range steps {
		if s.ImportState && s.ImportStateKind == resource.ImportBlockWithResourceIdentity {
			if ok, why := currentCLI().has(featureResourceIdentity); !ok {
				t.Logf("step %d left out: %s", i+1, why)
				continue
			}
		}
		if s.ImportState && s.ImportStateKind == resource.ImportBlockWithID {
			if ok, why := currentCLI().has(featureImportBlocks); !ok {
				t.Logf("step %d left out: %s", i+1, why)
				continue
			}
		}
		out = append(out, s)
	}
	return out
}

// parallelTest is resource.ParallelTest with the steps the CLI can run.
func parallelTest(t *testing.T, c resource.TestCase) {
	t.Helper()
	c.Steps = cliSteps(t, c.Steps)
	resource.ParallelTest(t, c)
}
