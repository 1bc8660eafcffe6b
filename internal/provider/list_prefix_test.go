package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The etcd_prefix list resource is served by package prefix; this tests it
// through the muxed server, as Terraform reaches it.
func TestPrefixList_protocol(t *testing.T) {
	f := sharedListFixture(t)
	s := newListServer(t, f.etcd.cfg)

	t.Run("one result per application", func(t *testing.T) {
		got := s.mustList("etcd_prefix", listConfig{"prefix": f.apps}, false, 0)
		if len(got) != listApps {
			t.Fatalf("listed %d prefixes, want %d", len(got), listApps)
		}
		for i, r := range got {
			want := fmt.Sprintf("%sapp-%02d/", f.apps, i)
			if r.id("prefix") != want || r.display != fmt.Sprintf("%s (%d keys)", want, 2*listKeysPerPart) || r.resource != nil {
				t.Fatalf("result %d: %q (%s), want %q", i, r.id("prefix"), r.display, want)
			}
		}
	})

	t.Run("depth 2 with full objects", func(t *testing.T) {
		got := s.mustList("etcd_prefix", listConfig{"prefix": f.apps, "depth": 2}, true, 0)
		if len(got) != 2*listApps {
			t.Fatalf("listed %d prefixes, want %d", len(got), 2*listApps)
		}
		for _, r := range got {
			sub := r.id("prefix")
			var keys map[string]tftypes.Value
			if err := r.resource["keys"].As(&keys); err != nil {
				t.Fatal(err)
			}
			if len(keys) != listKeysPerPart {
				t.Fatalf("%s holds %d keys, want %d", sub, len(keys), listKeysPerPart)
			}
			for rel, v := range keys {
				if got, _ := stringOf(v); got != f.keys[sub+rel] {
					t.Fatalf("%s%s = %q, want %q", sub, rel, got, f.keys[sub+rel])
				}
			}
			var exclusive bool
			_ = r.resource["exclusive"].As(&exclusive)
			if p, _ := stringOf(r.resource["prefix"]); p != sub || !exclusive || !r.resource["keys_json"].IsNull() {
				t.Fatalf("%s: resource %v", sub, r.resource)
			}
		}
	})

	t.Run("limit", func(t *testing.T) {
		got := s.mustList("etcd_prefix", listConfig{"prefix": f.apps}, true, 7)
		if len(got) != 7 || got[6].id("prefix") != f.apps+"app-06/" {
			t.Fatalf("limit 7 listed %d prefixes", len(got))
		}
	})

	t.Run("keys above the depth belong to no prefix", func(t *testing.T) {
		got := s.mustList("etcd_prefix", listConfig{"prefix": f.apps + "app-09/config/"}, false, 0)
		if len(got) != 0 {
			t.Fatalf("keys without a / below the parent were listed as prefixes: %v", got)
		}
	})

	t.Run("bad config", func(t *testing.T) {
		for _, c := range []struct {
			config     listConfig
			attr, want string
		}{
			{listConfig{}, "prefix", "Missing prefix"},
			{listConfig{"prefix": f.apps, "depth": 0}, "depth", "whole number from 1"},
			{listConfig{"prefix": f.apps, "depth": 1.5}, "depth", "whole number from 1"},
			{listConfig{"prefix": f.apps, "depth": 65}, "depth", "whole number from 1"},
		} {
			expectAttrError(t, s.validate("etcd_prefix", c.config), c.attr, c.want)
			_, diags := s.list("etcd_prefix", c.config, false, 0)
			expectAttrError(t, diags, c.attr, c.want)
		}
		diags := s.validate("etcd_prefix", listConfig{"prefix": "/apps"})
		if len(diags) != 1 || !strings.Contains(diags[0].Summary, "does not end with /") {
			t.Fatalf("no warning for a parent without a trailing /: %s", diagText(diags))
		}
	})
}
