package protocol

import (
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Diagnostics collects protocol diagnostics.
type Diagnostics []*tfprotov6.Diagnostic

func (d *Diagnostics) AddError(summary, detail string) {
	d.Add(tfprotov6.DiagnosticSeverityError, nil, summary, detail)
}

func (d *Diagnostics) AddWarning(summary, detail string) {
	d.Add(tfprotov6.DiagnosticSeverityWarning, nil, summary, detail)
}

func (d *Diagnostics) AddAttrError(at *tftypes.AttributePath, summary, detail string) {
	d.Add(tfprotov6.DiagnosticSeverityError, at, summary, detail)
}

func (d *Diagnostics) AddAttrWarning(at *tftypes.AttributePath, summary, detail string) {
	d.Add(tfprotov6.DiagnosticSeverityWarning, at, summary, detail)
}

func (d *Diagnostics) Add(severity tfprotov6.DiagnosticSeverity, at *tftypes.AttributePath, summary, detail string) {
	*d = append(*d, &tfprotov6.Diagnostic{Severity: severity, Summary: summary, Detail: detail, Attribute: at})
}

func (d Diagnostics) HasError() bool {
	for _, x := range d {
		if x.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}

// Unsupported is the answer of the server for typeName to a call the mux
// never routes to it.
func Unsupported(typeName, what string) []*tfprotov6.Diagnostic {
	return []*tfprotov6.Diagnostic{{
		Severity: tfprotov6.DiagnosticSeverityError,
		Summary:  "Not supported",
		Detail:   "The " + typeName + " server does not support " + what + ". This is a bug in the provider; please report it.",
	}}
}
