// Command floorprovider-sdkv2 is the benchmarks' second floor: etcd_key
// with the schema of terraform-provider-etcd's, written on
// terraform-plugin-sdk/v2 as the existing etcd providers are, doing no I/O.
// Timing 500 etcd_key resources against it measures what Terraform and the
// SDKv2 plugin machinery alone cost, so the provider's etcd_key (served by
// terraform-plugin-go, internal/provider/key) can be held against what an
// SDKv2 provider could reach at best.
package main

import (
	"context"

	"github.com/hashicorp/terraform-plugin-sdk/v2/diag"
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
	"github.com/hashicorp/terraform-plugin-sdk/v2/plugin"
)

func main() {
	plugin.Serve(&plugin.ServeOpts{ProviderFunc: func() *schema.Provider {
		return &schema.Provider{ResourcesMap: map[string]*schema.Resource{"etcd_key": keyResource()}}
	}})
}

func keyResource() *schema.Resource {
	computed := func() *schema.Schema { return &schema.Schema{Type: schema.TypeInt, Computed: true} }
	return &schema.Resource{
		Schema: map[string]*schema.Schema{
			"key":             {Type: schema.TypeString, Required: true, ForceNew: true},
			"value":           {Type: schema.TypeString, Optional: true},
			"value_base64":    {Type: schema.TypeString, Optional: true},
			"lease_id":        {Type: schema.TypeInt, Optional: true},
			"create_revision": computed(),
			"mod_revision":    computed(),
			"version":         computed(),
		},
		CreateContext: func(_ context.Context, d *schema.ResourceData, _ any) diag.Diagnostics {
			d.SetId(d.Get("key").(string)) //nolint:forcetypeassert // the schema makes it a string
			return setRevisions(d)
		},
		ReadContext:   func(context.Context, *schema.ResourceData, any) diag.Diagnostics { return nil },
		UpdateContext: func(_ context.Context, d *schema.ResourceData, _ any) diag.Diagnostics { return setRevisions(d) },
		DeleteContext: func(context.Context, *schema.ResourceData, any) diag.Diagnostics { return nil },
	}
}

func setRevisions(d *schema.ResourceData) diag.Diagnostics {
	for _, attr := range []string{"create_revision", "mod_revision", "version"} {
		if err := d.Set(attr, 1); err != nil {
			return diag.FromErr(err)
		}
	}
	return nil
}
