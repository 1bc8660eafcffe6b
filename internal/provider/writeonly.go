package provider

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/fingerprint"
)

// privateWriteOnly is the private-state key of a write-only value's
// fingerprint. Its presence means the value was written from a write-only
// attribute, so the state must not record it.
const privateWriteOnly = "value_wo"

// writeOnlyPrivate is what Terraform remembers of a write-only value: a
// salted, slow fingerprint (never the value, never a plain hash), and
// whether the last refresh found etcd holding something else.
type writeOnlyPrivate struct {
	Fingerprint fingerprint.Fingerprint `json:"fingerprint"`
	Drift       bool                    `json:"drift,omitempty"`
}

func (w *writeOnlyPrivate) encode() []byte {
	b, _ := json.Marshal(w)
	return b
}

type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// readWriteOnlyPrivate returns the write-only fingerprint kept in private
// state; nil when there is none.
func readWriteOnlyPrivate(ctx context.Context, p privateGetter, diags *diag.Diagnostics) *writeOnlyPrivate {
	if p == nil {
		return nil
	}
	b, d := p.GetKey(ctx, privateWriteOnly)
	diags.Append(d...)
	if len(b) == 0 {
		return nil
	}
	var w writeOnlyPrivate
	if json.Unmarshal(b, &w) != nil || w.Fingerprint.IsZero() {
		return nil
	}
	return &w
}

// setWriteOnlyPrivate records a fingerprint of value when it was written
// from a write-only attribute, and clears it otherwise.
func setWriteOnlyPrivate(ctx context.Context, p privateSetter, writeOnly bool, value string, diags *diag.Diagnostics) {
	var b []byte
	if writeOnly {
		b = (&writeOnlyPrivate{Fingerprint: fingerprint.Of([]byte(value))}).encode()
	}
	diags.Append(p.SetKey(ctx, privateWriteOnly, b)...)
}

// keptOnDestroy reports whether delete_on_destroy = false asks destroy to
// leave etcd alone, and logs that it does.
func keptOnDestroy(ctx context.Context, deleteOnDestroy types.Bool, typeName, id string) bool {
	if deleteOnDestroy.IsNull() || deleteOnDestroy.ValueBool() {
		return false
	}
	tflog.Info(ctx, "delete_on_destroy is false: leaving etcd untouched and forgetting the resource", map[string]any{"type": typeName, "id": id})
	return true
}
