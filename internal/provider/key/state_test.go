package key

import (
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/protocol"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/protocol/prototest"
)

// A fully filled object encodes to a state in which every attribute of the
// schema but the write-only ones holds a value, and decodes to itself: an
// attribute added to the schema but not to the object (state.go's fields),
// or a field of the object that encode or decode drops, fails here.
func TestObject_roundTrip(t *testing.T) {
	o := &object{}
	fill(t, reflect.ValueOf(o).Elem())
	var diags protocol.Diagnostics
	dv := o.encode(&diags)
	if diags.HasError() {
		t.Fatalf("encode: %v", diags[0].Detail)
	}
	attrs, err := objectAttrs(dv)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range resourceSchema().Block.Attributes {
		switch v := attrs[a.Name]; {
		case a.WriteOnly && !v.IsNull():
			t.Errorf("the write-only %s is in the state: %v", a.Name, v)
		case !a.WriteOnly && (v.IsNull() || !v.IsKnown()):
			t.Errorf("%s is %v in the state of a fully filled object: the object does not carry it (add it to state.go's fields)", a.Name, v)
		}
	}
	back, err := decode(dv)
	if err != nil {
		t.Fatal(err)
	}
	prototest.SameFields(t, back, o)
}

// Every computed attribute is filled from what etcd holds.
func TestObject_setFromFillsEveryComputedAttribute(t *testing.T) {
	kv := &etcdclient.KeyValue{Key: "/k", Value: []byte("v"), Lease: 7, CreateRevision: 2, ModRevision: 3, Version: 4}
	o := &object{}
	o.setFrom(kv, false)
	var diags protocol.Diagnostics
	attrs, err := objectAttrs(o.encode(&diags))
	if err != nil || diags.HasError() {
		t.Fatal(err, diags)
	}
	for _, name := range computed {
		if attrs[name].IsNull() {
			t.Errorf("computed %s is null after setFrom: fill it from etcd's KeyValue there", name)
		}
	}
}

// fill sets every field of v, each to a value of its own, so that a field
// encoded into another's attribute shows.
func fill(t *testing.T, v reflect.Value) {
	t.Helper()
	n := int64(1)
	for i := range v.NumField() {
		f, name := v.Field(i), v.Type().Field(i).Name
		n++
		switch p := f.Addr().Interface().(type) {
		case *string:
			*p = name
		case **string:
			s := name
			*p = &s
		case **int64:
			i := n
			*p = &i
		case **bool:
			b := n%2 == 0
			*p = &b
		case *tftypes.Value:
			*p = tftypes.NewValue(tftypes.Number, n)
		default:
			t.Fatalf("fill does not know the type %s of object.%s: teach it", f.Type(), name)
		}
	}
}
