package prefix

import (
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/protocol"
)

// diagnostics collects protocol diagnostics (protocol.Diagnostics, with
// this package's method names).
type diagnostics []*tfprotov6.Diagnostic

func (d *diagnostics) shared() *protocol.Diagnostics { return (*protocol.Diagnostics)(d) }

func (d *diagnostics) addError(summary, detail string) { d.shared().AddError(summary, detail) }

func (d *diagnostics) addWarning(summary, detail string) { d.shared().AddWarning(summary, detail) }

func (d *diagnostics) addAttrError(at *tftypes.AttributePath, summary, detail string) {
	d.shared().AddAttrError(at, summary, detail)
}

func (d *diagnostics) addAttrWarning(at *tftypes.AttributePath, summary, detail string) {
	d.shared().AddAttrWarning(at, summary, detail)
}

func (d *diagnostics) add(severity tfprotov6.DiagnosticSeverity, at *tftypes.AttributePath, summary, detail string) {
	d.shared().Add(severity, at, summary, detail)
}

func (d diagnostics) hasError() bool { return protocol.Diagnostics(d).HasError() }

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
