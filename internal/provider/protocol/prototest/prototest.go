// Package prototest holds the checks (of diagnostics, of state round trips)
// that the protocol-level tests of the resources served on
// terraform-plugin-go share.
package prototest

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
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

// SameFields fails the test on each field of the struct got points to that
// differs from the same field of want's (tftypes.Value fields are compared
// with Equal): what a round trip through a state lost or changed.
func SameFields(t testing.TB, got, want any) {
	t.Helper()
	g, w := reflect.ValueOf(got).Elem(), reflect.ValueOf(want).Elem()
	for i := range w.NumField() {
		gf, wf, name := g.Field(i).Interface(), w.Field(i).Interface(), w.Type().Name()+"."+w.Type().Field(i).Name
		if wv, ok := wf.(tftypes.Value); ok {
			if gv, _ := gf.(tftypes.Value); !gv.Equal(wv) {
				t.Errorf("%s: decoded %v, encoded %v", name, gv, wv)
			}
			continue
		}
		if !reflect.DeepEqual(gf, wf) {
			t.Errorf("%s: decoded %s, encoded %s (encode or decode drops it)", name, show(gf), show(wf))
		}
	}
}

// show is a field's value, through its pointer.
func show(v any) string {
	r := reflect.ValueOf(v)
	if r.Kind() == reflect.Pointer {
		if r.IsNil() {
			return "nil"
		}
		r = r.Elem()
	}
	return fmt.Sprint(r.Interface())
}
