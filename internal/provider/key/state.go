package key

import (
	"encoding/base64"
	"math/big"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/protocol"
)

// object is an etcd_key object whose arguments are known (a state, or a
// plan at apply). Pointers are nil for null (or, for the computed
// attributes of a plan, unknown) values.
type object struct {
	Key         string
	Value       *string
	ValueBase64 *string
	// WOVersion is value_wo_version as configured, null or a number.
	WOVersion       tftypes.Value
	DeleteOnDestroy *bool
	LeaseID         *int64
	CreateRevision  *int64
	ModRevision     *int64
	Version         *int64
}

// objectAttrs decodes an etcd_key object; nil when it is null.
func objectAttrs(dv *tfprotov6.DynamicValue) (map[string]tftypes.Value, error) {
	return protocol.ObjectAttrs(dv, objectType)
}

// decode decodes an etcd_key object; nil when it is null.
func decode(dv *tfprotov6.DynamicValue) (*object, error) {
	attrs, err := objectAttrs(dv)
	if err != nil || attrs == nil {
		return nil, err
	}
	return fromAttrs(attrs)
}

func fromAttrs(attrs map[string]tftypes.Value) (*object, error) {
	o := &object{}
	for _, f := range fields {
		if f.set == nil {
			continue
		}
		if err := f.set(o, attrs[f.name]); err != nil {
			return nil, err
		}
	}
	return o, nil
}

func (o *object) encode(diags *protocol.Diagnostics) *tfprotov6.DynamicValue {
	attrs := make(map[string]tftypes.Value, len(objectType.AttributeTypes))
	for _, f := range fields {
		attrs[f.name] = f.get(o)
	}
	dv, err := tfprotov6.NewDynamicValue(objectType, tftypes.NewValue(objectType, protocol.WithNulls(objectType, attrs)))
	if err != nil {
		diags.AddError("Cannot encode etcd_key state", err.Error())
		return nil
	}
	return &dv
}

// field is how one attribute of the schema is written from the object (get)
// and read into it (set; nil for id, which is the key).
type field struct {
	name string
	get  func(*object) tftypes.Value
	set  func(*object, tftypes.Value) error
}

// fields are the attributes the object carries: every attribute of the
// schema but the write-only value_wo. TestObject_roundTrip fails on a schema
// attribute missing here, or a field of object that does not survive
// encode and decode.
var fields = []field{
	{name: "id", get: func(o *object) tftypes.Value { return tftypes.NewValue(tftypes.String, o.Key) }},
	{name: "key",
		get: func(o *object) tftypes.Value { return tftypes.NewValue(tftypes.String, o.Key) },
		set: func(o *object, v tftypes.Value) error { o.Key, _ = protocol.KnownString(v); return nil }},
	stringField("value", func(o *object) **string { return &o.Value }),
	stringField("value_base64", func(o *object) **string { return &o.ValueBase64 }),
	{name: "value_wo_version",
		get: func(o *object) tftypes.Value {
			if o.WOVersion.Type() == nil {
				return tftypes.NewValue(tftypes.Number, nil)
			}
			return o.WOVersion
		},
		set: func(o *object, v tftypes.Value) error { o.WOVersion = v; return nil }},
	boolField("delete_on_destroy", func(o *object) **bool { return &o.DeleteOnDestroy }),
	int64Field("lease_id", func(o *object) **int64 { return &o.LeaseID }),
	int64Field("create_revision", func(o *object) **int64 { return &o.CreateRevision }),
	int64Field("mod_revision", func(o *object) **int64 { return &o.ModRevision }),
	int64Field("version", func(o *object) **int64 { return &o.Version }),
}

func stringField(name string, at func(*object) **string) field {
	return field{name: name,
		get: func(o *object) tftypes.Value { return tftypes.NewValue(tftypes.String, *at(o)) },
		set: func(o *object, v tftypes.Value) error { *at(o) = stringPtr(v); return nil }}
}

func boolField(name string, at func(*object) **bool) field {
	return field{name: name,
		get: func(o *object) tftypes.Value { return tftypes.NewValue(tftypes.Bool, *at(o)) },
		set: func(o *object, v tftypes.Value) error {
			if !v.IsKnown() || v.IsNull() {
				*at(o) = nil
				return nil
			}
			var b bool
			if err := v.As(&b); err != nil {
				return err
			}
			*at(o) = &b
			return nil
		}}
}

func int64Field(name string, at func(*object) **int64) field {
	return field{name: name,
		get: func(o *object) tftypes.Value { return tftypes.NewValue(tftypes.Number, *at(o)) },
		set: func(o *object, v tftypes.Value) error {
			i, err := int64Ptr(v)
			*at(o) = i
			return err
		}}
}

// nullState is the state of an etcd_key that does not exist.
func nullState() *tfprotov6.DynamicValue { return protocol.NullObject(objectType) }

// setFrom records what etcd holds, keeping the attribute (value or
// value_base64) the object uses. With writeOnly the value is not recorded
// at all.
func (o *object) setFrom(kv *etcdclient.KeyValue, writeOnly bool) {
	o.Key = kv.Key
	switch {
	case writeOnly:
		o.Value, o.ValueBase64 = nil, nil
	case o.ValueBase64 != nil || !utf8.Valid(kv.Value):
		enc := base64.StdEncoding.EncodeToString(kv.Value)
		o.Value, o.ValueBase64 = nil, &enc
	default:
		text := string(kv.Value)
		o.Value, o.ValueBase64 = &text, nil
	}
	o.LeaseID = nil
	if kv.Lease != etcdclient.NoLease {
		id := int64(kv.Lease)
		o.LeaseID = &id
	}
	o.CreateRevision, o.ModRevision, o.Version = &kv.CreateRevision, &kv.ModRevision, &kv.Version
}

// lease is the lease the object attaches the key to (NoLease for none).
func (o *object) lease() etcdclient.LeaseID {
	if o.LeaseID == nil {
		return etcdclient.NoLease
	}
	return etcdclient.LeaseID(*o.LeaseID)
}

func (o *object) putOptions() []etcdclient.PutOption {
	if o.LeaseID == nil {
		return nil
	}
	return []etcdclient.PutOption{etcdclient.WithLease(o.lease())}
}

// rawValue is the value to write: value_wo when wo is not nil, else
// value_base64 decoded, else value.
func (o *object) rawValue(wo *string) (string, error) {
	switch {
	case wo != nil:
		return *wo, nil
	case o.ValueBase64 != nil:
		b, err := base64.StdEncoding.DecodeString(*o.ValueBase64)
		return string(b), err
	case o.Value != nil:
		return *o.Value, nil
	}
	return "", nil
}

func stringPtr(v tftypes.Value) *string {
	s, ok := protocol.KnownString(v)
	if !ok {
		return nil
	}
	return &s
}

// int64Ptr decodes a known whole number; nil when null or unknown.
func int64Ptr(v tftypes.Value) (*int64, error) {
	if !v.IsKnown() || v.IsNull() {
		return nil, nil
	}
	var f big.Float
	if err := v.As(&f); err != nil {
		return nil, err
	}
	i, _ := f.Int64()
	return &i, nil
}
