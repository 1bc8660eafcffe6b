package provider

import (
	"encoding/base64"
	"fmt"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

// providerDataFrom is what every resource and data source does in
// Configure: take the provider's data, which is nil during validation.
func providerDataFrom(data any, diags *diag.Diagnostics) *ProviderData {
	if data == nil {
		return nil
	}
	d, ok := data.(*ProviderData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("Expected *ProviderData, got %T. This is a bug in the provider; please report it.", data))
		return nil
	}
	return d
}

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
