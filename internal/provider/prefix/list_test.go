package prefix

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/protocol"
)

func TestSubPrefix(t *testing.T) {
	for _, c := range []struct {
		parent, key string
		depth       int
		want        string
		ok          bool
	}{
		{"/apps/", "/apps/a/x", 1, "/apps/a/", true},
		{"/apps/", "/apps/a/", 1, "/apps/a/", true},
		{"/apps/", "/apps/a/x/y", 2, "/apps/a/x/", true},
		{"/apps/", "/apps/a/x", 2, "", false},
		{"/apps/", "/apps/README", 1, "", false},
		{"/apps/", "/apps//x", 1, "/apps//", true},
		{"", "/apps/a", 1, "/", true},
		{"", "/apps/a", 2, "/apps/", true},
	} {
		got, ok := subPrefix(c.parent, c.key, c.depth)
		if got != c.want || ok != c.ok {
			t.Errorf("subPrefix(%q, %q, %d) = %q, %t; want %q, %t", c.parent, c.key, c.depth, got, ok, c.want, c.ok)
		}
	}
}

func TestGenerateConfig(t *testing.T) {
	st := (&state{Prefix: "/apps/shop/", Keys: map[string]string{"db/host": "h"}, Exclusive: true}).encode(&protocol.Diagnostics{})
	resp := generateConfig(&tfprotov6.GenerateResourceConfigRequest{TypeName: TypeName, State: st})
	if len(resp.Diagnostics) > 0 {
		t.Fatal(resp.Diagnostics[0].Detail)
	}
	attrs, err := objectAttrs(resp.Config)
	if err != nil {
		t.Fatal(err)
	}
	if !attrs["id"].IsNull() || !attrs["keys_json"].IsNull() || !attrs["exclusive"].IsNull() {
		t.Fatalf("id, keys_json or exclusive at its default in the generated configuration: %v", attrs)
	}
	if p, _ := protocol.KnownString(attrs["prefix"]); p != "/apps/shop/" {
		t.Fatalf("prefix = %q", p)
	}
	if keys, _ := stringMap(attrs["keys"]); keys["db/host"] != "h" {
		t.Fatalf("keys = %v", keys)
	}
	st = (&state{Prefix: "/apps/shop/", Keys: map[string]string{"db/host": "h"}, Exclusive: false}).encode(&protocol.Diagnostics{})
	attrs, err = objectAttrs(generateConfig(&tfprotov6.GenerateResourceConfigRequest{TypeName: TypeName, State: st}).Config)
	if err != nil || !attrs["exclusive"].Equal(tftypes.NewValue(tftypes.Bool, false)) {
		t.Fatalf("exclusive = false is not in the generated configuration: %v, %v", attrs, err)
	}
	if resp := generateConfig(&tfprotov6.GenerateResourceConfigRequest{TypeName: TypeName, State: nullState()}); len(resp.Diagnostics) != 1 {
		t.Fatal("a null state generated configuration")
	}
}
