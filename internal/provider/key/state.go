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
	o := &object{WOVersion: attrs["value_wo_version"]}
	o.Key, _ = protocol.KnownString(attrs["key"])
	o.Value = stringPtr(attrs["value"])
	o.ValueBase64 = stringPtr(attrs["value_base64"])
	if b := attrs["delete_on_destroy"]; b.IsKnown() && !b.IsNull() {
		var keep bool
		if err := b.As(&keep); err != nil {
			return nil, err
		}
		o.DeleteOnDestroy = &keep
	}
	for _, n := range []struct {
		name string
		to   **int64
	}{{"lease_id", &o.LeaseID}, {"create_revision", &o.CreateRevision}, {"mod_revision", &o.ModRevision}, {"version", &o.Version}} {
		i, err := int64Ptr(attrs[n.name])
		if err != nil {
			return nil, err
		}
		*n.to = i
	}
	return o, nil
}

func (o *object) encode(diags *protocol.Diagnostics) *tfprotov6.DynamicValue {
	woVersion := o.WOVersion
	if woVersion.Type() == nil {
		woVersion = tftypes.NewValue(tftypes.Number, nil)
	}
	v := tftypes.NewValue(objectType, map[string]tftypes.Value{
		"id":                tftypes.NewValue(tftypes.String, o.Key),
		"key":               tftypes.NewValue(tftypes.String, o.Key),
		"value":             tftypes.NewValue(tftypes.String, o.Value),
		"value_base64":      tftypes.NewValue(tftypes.String, o.ValueBase64),
		"value_wo":          tftypes.NewValue(tftypes.String, nil),
		"value_wo_version":  woVersion,
		"delete_on_destroy": tftypes.NewValue(tftypes.Bool, o.DeleteOnDestroy),
		"lease_id":          tftypes.NewValue(tftypes.Number, o.LeaseID),
		"create_revision":   tftypes.NewValue(tftypes.Number, o.CreateRevision),
		"mod_revision":      tftypes.NewValue(tftypes.Number, o.ModRevision),
		"version":           tftypes.NewValue(tftypes.Number, o.Version),
	})
	dv, err := tfprotov6.NewDynamicValue(objectType, v)
	if err != nil {
		diags.AddError("Cannot encode etcd_key state", err.Error())
		return nil
	}
	return &dv
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
