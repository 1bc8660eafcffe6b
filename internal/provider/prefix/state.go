package prefix

import (
	"encoding/json"
	"maps"
	"math/big"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/protocol"
)

// state is a fully known etcd_prefix object.
type state struct {
	Prefix    string
	Keys      map[string]string
	JSON      bool   // the keys are held in keys_json rather than keys
	KeysJSON  string // the keys_json text, when JSON
	Base64    bool   // the keys are held in keys_base64 (Keys holds the decoded bytes)
	Exclusive bool
	// Exclude is exclude: what an exclusive prefix leaves to others.
	Exclude exclusion
	// DeleteOnDestroy is delete_on_destroy: nil when unset (delete).
	DeleteOnDestroy *bool
	// WriteOnly: the keys come from keys_wo, so no value is recorded (keys,
	// keys_json and keys_base64 are all null). Keys then holds the values
	// only during an apply, read from the configuration.
	WriteOnly bool
	// WOVersion is keys_wo_version as configured (null when unset).
	WOVersion tftypes.Value
	// WORevision is keys_wo_revision: nil when null or unknown.
	WORevision *int64
	// Encoded: the decoded object is what encode writes for it (id is the
	// prefix, exclusive is set), so it may be returned as it is.
	Encoded bool
}

// private is the resource's private state: the revision the lost-update
// guard compares against, and what Terraform remembers of keys_wo.
type private struct {
	ModRevision int64      `json:"mod_revision"`
	WriteOnly   *writeOnly `json:"keys_wo,omitempty"`
	// Undeclared names the keys whose values the state does not show:
	// keys under an exclusive prefix that no configuration declared (see
	// hidden.go).
	Undeclared []string `json:"undeclared,omitempty"`
}

func decodePrivate(b []byte) private {
	var p private
	_ = json.Unmarshal(b, &p) // empty or foreign private state: no guard revision
	return p
}

func (p private) encode() []byte {
	b, _ := json.Marshal(p)
	return b
}

// withKeys returns a copy of s holding keys, keeping the keys_json text when
// it already says the same (s.Keys holds that text's content, parsed when
// the state was decoded).
func (s state) withKeys(keys map[string]string) *state {
	if s.JSON && !maps.Equal(s.Keys, keys) {
		s.KeysJSON = canonicalKeysJSON(keys)
	}
	s.Keys = keys
	return &s
}

// decodeState decodes an etcd_prefix object; nil when it is null.
func decodeState(dv *tfprotov6.DynamicValue) (*state, error) {
	st, err := decodeStateLazy(dv)
	if err != nil || st == nil {
		return st, err
	}
	return st, st.loadKeys()
}

// loadKeys parses the keys_json text into Keys, unless done already.
func (s *state) loadKeys() error {
	if !s.JSON || s.Keys != nil {
		return nil
	}
	var err error
	s.Keys, err = parseKeysJSON(s.KeysJSON)
	return err
}

// decodeStateLazy is decodeState that leaves keys_json unparsed (Keys nil)
// until loadKeys: a refresh that finds nothing changed, and the destroy of
// an exclusive prefix, never need it.
func decodeStateLazy(dv *tfprotov6.DynamicValue) (*state, error) {
	attrs, err := objectAttrs(dv)
	if err != nil || attrs == nil {
		return nil, err
	}
	st := &state{Exclusive: true, WOVersion: tftypes.NewValue(tftypes.Number, nil)}
	st.Prefix, _ = protocol.KnownString(attrs["prefix"])
	if v := attrs["keys_wo_version"]; !v.IsNull() {
		st.WOVersion = v
	}
	if r := attrs["keys_wo_revision"]; r.IsKnown() && !r.IsNull() {
		var f big.Float
		if err := r.As(&f); err != nil {
			return nil, err
		}
		n, _ := f.Int64()
		st.WORevision = &n
	}
	if b := attrs["exclusive"]; b.IsKnown() && !b.IsNull() {
		if err := b.As(&st.Exclusive); err != nil {
			return nil, err
		}
		id, _ := protocol.KnownString(attrs["id"])
		st.Encoded = id == st.Prefix && attrs["keys_wo"].IsNull() && attrs["keys_wo_revision"].IsKnown()
	}
	if st.Exclude, err = excludeOf(attrs["exclude"]); err != nil {
		return nil, err
	}
	if b := attrs["delete_on_destroy"]; b.IsKnown() && !b.IsNull() {
		var keep bool
		if err := b.As(&keep); err != nil {
			return nil, err
		}
		st.DeleteOnDestroy = &keep
	}
	if attrs["keys"].IsNull() && attrs["keys_json"].IsNull() && attrs["keys_base64"].IsNull() {
		st.WriteOnly = true
		st.Keys = map[string]string{}
		return st, nil
	}
	if b := attrs["keys_base64"]; !b.IsNull() {
		st.Base64 = true
		enc, err := stringMap(b)
		if err != nil {
			return nil, err
		}
		st.Keys, err = decodeBase64Keys(enc)
		return st, err
	}
	if j := attrs["keys_json"]; !j.IsNull() {
		st.JSON = true
		st.KeysJSON, _ = protocol.KnownString(j)
		return st, nil
	}
	st.Keys, err = stringMap(attrs["keys"])
	return st, err
}

func (s *state) encode(diags *protocol.Diagnostics) *tfprotov6.DynamicValue {
	keys := tftypes.NewValue(keysType, nil)
	keysJSON := tftypes.NewValue(tftypes.String, nil)
	keysBase64 := tftypes.NewValue(keysType, nil)
	switch {
	case s.WriteOnly: // never the values
	case s.JSON:
		keysJSON = tftypes.NewValue(tftypes.String, s.KeysJSON)
	case s.Base64:
		keysBase64 = tftypes.NewValue(keysType, encodeBase64Keys(s.Keys))
	default:
		elems := make(map[string]tftypes.Value, len(s.Keys))
		for k, v := range s.Keys {
			elems[k] = tftypes.NewValue(tftypes.String, v)
		}
		keys = tftypes.NewValue(keysType, elems)
	}
	// Attributes not named here (keys_wo, write-only) are null.
	v := tftypes.NewValue(objectType, protocol.WithNulls(objectType, map[string]tftypes.Value{
		"id":                tftypes.NewValue(tftypes.String, s.Prefix),
		"prefix":            tftypes.NewValue(tftypes.String, s.Prefix),
		"keys":              keys,
		"keys_json":         keysJSON,
		"keys_base64":       keysBase64,
		"exclusive":         tftypes.NewValue(tftypes.Bool, s.Exclusive),
		"exclude":           s.Exclude.value(),
		"delete_on_destroy": tftypes.NewValue(tftypes.Bool, s.DeleteOnDestroy),
		"keys_wo_version":   s.woVersion(),
		"keys_wo_revision":  tftypes.NewValue(tftypes.Number, s.WORevision),
	}))
	dv, err := tfprotov6.NewDynamicValue(objectType, v)
	if err != nil {
		diags.AddError("Cannot encode etcd_prefix state", err.Error())
		return nil
	}
	return &dv
}

// nullState is the state of an etcd_prefix that does not exist.
func nullState() *tfprotov6.DynamicValue { return protocol.NullObject(objectType) }

// stringMap decodes a map of strings; unknown elements are empty, and a null
// map is an empty one.
func stringMap(v tftypes.Value) (map[string]string, error) {
	if v.IsNull() {
		return map[string]string{}, nil
	}
	var elems map[string]tftypes.Value
	if err := v.As(&elems); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(elems))
	for k, e := range elems {
		s, _ := protocol.KnownString(e)
		out[k] = s
	}
	return out, nil
}

// woVersion is keys_wo_version as a value of its type.
func (s *state) woVersion() tftypes.Value {
	if s.WOVersion.Type() == nil {
		return tftypes.NewValue(tftypes.Number, nil)
	}
	return s.WOVersion
}
