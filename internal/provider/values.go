package provider

import (
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

// textAttr renders an etcd value for a value attribute: the text when it
// is UTF-8, null otherwise (value_base64 then holds it).
func textAttr(raw []byte) types.String {
	if !utf8.Valid(raw) {
		return types.StringNull()
	}
	return types.StringValue(string(raw))
}

// leaseAttr is a lease ID as the lease_id attribute holds it: null for none.
func leaseAttr(id etcdclient.LeaseID) types.Int64 {
	if id == etcdclient.NoLease {
		return types.Int64Null()
	}
	return types.Int64Value(int64(id))
}
