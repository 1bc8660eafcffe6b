package prefix

import (
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

// diagnostics collects protocol diagnostics.
type diagnostics []*tfprotov6.Diagnostic

func (d *diagnostics) addError(summary, detail string) {
	d.add(tfprotov6.DiagnosticSeverityError, nil, summary, detail)
}

func (d *diagnostics) addWarning(summary, detail string) {
	d.add(tfprotov6.DiagnosticSeverityWarning, nil, summary, detail)
}

func (d *diagnostics) addAttrError(at *tftypes.AttributePath, summary, detail string) {
	d.add(tfprotov6.DiagnosticSeverityError, at, summary, detail)
}

func (d *diagnostics) addAttrWarning(at *tftypes.AttributePath, summary, detail string) {
	d.add(tfprotov6.DiagnosticSeverityWarning, at, summary, detail)
}

func (d *diagnostics) add(severity tfprotov6.DiagnosticSeverity, at *tftypes.AttributePath, summary, detail string) {
	*d = append(*d, &tfprotov6.Diagnostic{Severity: severity, Summary: summary, Detail: detail, Attribute: at})
}

func (d diagnostics) hasError() bool {
	for _, x := range d {
		if x.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}

// unsupported is the answer to a call the mux never routes here.
func unsupported(what string) []*tfprotov6.Diagnostic {
	return []*tfprotov6.Diagnostic{{
		Severity: tfprotov6.DiagnosticSeverityError,
		Summary:  "Not supported",
		Detail:   "The etcd_prefix server does not support " + what + ". This is a bug in the provider; please report it.",
	}}
}

// compareFailedDetail explains a guard that failed, as etcd_key does: which
// keys, at which revisions, and what to run. writeErrorDetail then says
// what was written, once.
func compareFailedDetail(prefix string, err error, hint string) string {
	which := "some of them"
	var changed *etcdclient.ChangedKeysError
	if errors.As(err, &changed) && len(changed.Changed) > 0 {
		which = changed.Summary()
	}
	return fmt.Sprintf("Keys under the prefix %q changed outside Terraform since the last refresh: someone else wrote them after Terraform read them (%s). %s",
		prefix, which, hint)
}
