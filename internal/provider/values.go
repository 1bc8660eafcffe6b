package provider

import (
	"encoding/base64"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

// valueAttrs renders an etcd value for the value / value_base64 pair: value
// holds it when it is UTF-8 text and text is wanted; value_base64 otherwise.
func valueAttrs(raw []byte, wantBase64 bool) (value, valueBase64 types.String) {
	if wantBase64 || !utf8.Valid(raw) {
		return types.StringNull(), types.StringValue(base64.StdEncoding.EncodeToString(raw))
	}
	return types.StringValue(string(raw)), types.StringNull()
}

// leaseAttr is a lease ID as the lease_id attribute holds it: null for none.
func leaseAttr(id etcdclient.LeaseID) types.Int64 {
	if id == etcdclient.NoLease {
		return types.Int64Null()
	}
	return types.Int64Value(int64(id))
}
