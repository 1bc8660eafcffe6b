// Package prototest holds the checks of diagnostics that the protocol-level
// tests of the resources served on terraform-plugin-go share.
package prototest

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// ExpectNoErrors fails the test on an error diagnostic.
func ExpectNoErrors(t testing.TB, diags []*tfprotov6.Diagnostic) {
	t.Helper()
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			t.Fatalf("unexpected error: %s: %s", d.Summary, d.Detail)
		}
	}
}

// ExpectError checks for exactly one error diagnostic whose summary and
// detail, as "summary: detail", contain each of the given texts, and
// returns it.
func ExpectError(t testing.TB, diags []*tfprotov6.Diagnostic, texts ...string) *tfprotov6.Diagnostic {
	t.Helper()
	var errs []*tfprotov6.Diagnostic
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			errs = append(errs, d)
		}
	}
	if len(errs) != 1 {
		t.Fatalf("want one error diagnostic, got %d: %+v", len(errs), errs)
	}
	msg := Text(errs[0])
	for _, text := range texts {
		if !strings.Contains(msg, text) {
			t.Errorf("error %q does not say %q", msg, text)
		}
	}
	return errs[0]
}

// Text is a diagnostic as "summary: detail".
func Text(d *tfprotov6.Diagnostic) string { return d.Summary + ": " + d.Detail }
