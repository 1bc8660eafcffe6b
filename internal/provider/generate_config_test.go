package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The configuration Terraform 1.14+ generates for a framework resource has
// null for an optional and computed attribute at its default (which
// Terraform then leaves out), and every other value as the state holds it.
func TestGenerateResourceConfig_defaultsLeftOut(t *testing.T) {
	server, err := NewServer("test")()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := leaveDefaultsOut(t.Context(), providerserver.NewProtocol6(&etcdProvider{})(), &etcdProvider{}).(defaultsLeftOut); !ok {
		t.Fatal("the framework server is served without the wrapper: it lacks one of frameworkServer's methods")
	}
	schemas, err := server.GetProviderSchema(t.Context(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	objectType, _ := schemas.ResourceSchemas["etcd_user"].ValueType().(tftypes.Object)
	roles := tftypes.Set{ElementType: tftypes.String}
	user := func(noPassword bool, withRoles ...string) map[string]tftypes.Value {
		elems := []tftypes.Value{}
		for _, r := range withRoles {
			elems = append(elems, tftypes.NewValue(tftypes.String, r))
		}
		return map[string]tftypes.Value{
			"id":                  tftypes.NewValue(tftypes.String, "app"),
			"name":                tftypes.NewValue(tftypes.String, "app"),
			"password":            tftypes.NewValue(tftypes.String, nil),
			"password_wo":         tftypes.NewValue(tftypes.String, nil),
			"password_wo_version": tftypes.NewValue(tftypes.Number, nil),
			"no_password":         tftypes.NewValue(tftypes.Bool, noPassword),
			"roles":               tftypes.NewValue(roles, elems),
		}
	}
	generate := func(state map[string]tftypes.Value) map[string]tftypes.Value {
		t.Helper()
		dv, err := tfprotov6.NewDynamicValue(objectType, tftypes.NewValue(objectType, state))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := server.GenerateResourceConfig(t.Context(), &tfprotov6.GenerateResourceConfigRequest{TypeName: "etcd_user", State: &dv})
		if err != nil || len(resp.Diagnostics) > 0 || resp.Config == nil {
			t.Fatalf("GenerateResourceConfig: %v %+v", err, resp)
		}
		v, err := resp.Config.Unmarshal(objectType)
		var attrs map[string]tftypes.Value
		if err == nil {
			err = v.As(&attrs)
		}
		if err != nil {
			t.Fatal(err)
		}
		return attrs
	}

	got := generate(user(false))
	for _, name := range []string{"no_password", "roles", "id"} {
		if !got[name].IsNull() {
			t.Errorf("%s = %v in the generated configuration, want null (left out)", name, got[name])
		}
	}
	if !got["name"].Equal(tftypes.NewValue(tftypes.String, "app")) {
		t.Errorf("name = %v", got["name"])
	}

	got = generate(user(true, "reader"))
	if !got["no_password"].Equal(tftypes.NewValue(tftypes.Bool, true)) || got["roles"].IsNull() {
		t.Errorf("values other than the defaults are left out: no_password = %v, roles = %v", got["no_password"], got["roles"])
	}
}
