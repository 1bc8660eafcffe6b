package prefix

import (
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/protocol"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/protocol/prototest"
)

// filledStates are fully filled states, one for each way the keys are held
// (keys, keys_json, keys_base64, keys_wo): together they fill every field
// of state.
func filledStates() map[string]*state {
	f := false
	rev := int64(9)
	base := func() state {
		return state{Prefix: "/p/", Exclusive: true, DeleteOnDestroy: &f,
			WOVersion: tftypes.NewValue(tftypes.Number, 3), WORevision: &rev, Encoded: true}
	}
	keys, keysJSON, keysBase64, writeOnly := base(), base(), base(), base()
	keys.Keys, keys.Exclusive = map[string]string{"a": "1", "b/c": ""}, false
	keysJSON.Keys, keysJSON.JSON, keysJSON.KeysJSON = map[string]string{"a": "1"}, true, `{"a":"1"}`
	keysJSON.Exclude = exclusion{"db/password", "secrets/"}
	keysBase64.Keys, keysBase64.Base64 = map[string]string{"bin": "\xff\x00"}, true
	writeOnly.Keys, writeOnly.WriteOnly = map[string]string{}, true
	return map[string]*state{"keys": &keys, "keys_json": &keysJSON, "keys_base64": &keysBase64, "keys_wo": &writeOnly}
}

// Each fully filled state encodes and decodes to itself; together they
// give every attribute of the schema but the write-only ones a value, and
// fill every field of state. An attribute added to the schema but not to
// encode, or a field of state that encode or decode drops, fails here.
func TestState_roundTrip(t *testing.T) {
	held := map[string]bool{}
	filled := map[string]bool{}
	for name, st := range filledStates() {
		t.Run(name, func(t *testing.T) {
			var diags protocol.Diagnostics
			dv := st.encode(&diags)
			if diags.HasError() {
				t.Fatalf("encode: %s", diags[0].Detail)
			}
			attrs, err := objectAttrs(dv)
			if err != nil {
				t.Fatal(err)
			}
			for n, v := range attrs {
				if !v.IsNull() {
					held[n] = true
				}
			}
			back, err := decodeState(dv)
			if err != nil {
				t.Fatal(err)
			}
			prototest.SameFields(t, back, st)
			want := reflect.ValueOf(st).Elem()
			for i := range want.NumField() {
				if !want.Field(i).IsZero() {
					filled[want.Type().Field(i).Name] = true
				}
			}
		})
	}
	for _, a := range resourceSchema().Block.Attributes {
		switch {
		case a.WriteOnly && held[a.Name]:
			t.Errorf("the write-only %s is in a state", a.Name)
		case !a.WriteOnly && !held[a.Name]:
			t.Errorf("%s is null in every fully filled state: state and its encode do not carry it", a.Name)
		}
	}
	typ := reflect.TypeFor[state]()
	for i := range typ.NumField() {
		if name := typ.Field(i).Name; !filled[name] {
			t.Errorf("no state of filledStates fills state.%s: fill it in one", name)
		}
	}
}
