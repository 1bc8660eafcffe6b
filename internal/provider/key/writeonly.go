package key

import (
	"encoding/json"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/fingerprint"
)

// privateWriteOnly is the private-state key of a write-only value's
// fingerprint. Its presence means the value was written from value_wo, so
// the state must not record it.
//
// Private state keeps the format terraform-plugin-framework wrote when it
// served etcd_key (internal/privatestate): a JSON object of key to JSON
// value, each value as base64 (Go's encoding of []byte), so that states
// written then still read: {"value_wo":"<base64 of writeOnlyPrivate>"}.
const privateWriteOnly = "value_wo"

// writeOnlyPrivate is what Terraform remembers of a write-only value: a
// salted, slow fingerprint (never the value, never a plain hash), and
// whether the last refresh found etcd holding something else.
type writeOnlyPrivate struct {
	Fingerprint fingerprint.Fingerprint `json:"fingerprint"`
	Drift       bool                    `json:"drift,omitempty"`
}

// newWriteOnly remembers value as written.
func newWriteOnly(value string) *writeOnlyPrivate {
	return &writeOnlyPrivate{Fingerprint: fingerprint.Of([]byte(value))}
}

// readWriteOnly returns the write-only fingerprint kept in private state;
// nil when there is none (no private state, or one of another format).
func readWriteOnly(private []byte) *writeOnlyPrivate {
	if len(private) == 0 {
		return nil
	}
	var data map[string][]byte
	if json.Unmarshal(private, &data) != nil || len(data[privateWriteOnly]) == 0 {
		return nil
	}
	var w writeOnlyPrivate
	if json.Unmarshal(data[privateWriteOnly], &w) != nil || w.Fingerprint.IsZero() {
		return nil
	}
	return &w
}

// private is the private state that remembers w; nil when w is nil.
func (w *writeOnlyPrivate) private() []byte {
	if w == nil {
		return nil
	}
	value, _ := json.Marshal(w)
	b, _ := json.Marshal(map[string][]byte{privateWriteOnly: value})
	return b
}
