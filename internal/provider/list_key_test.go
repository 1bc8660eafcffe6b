package provider

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

func TestKeyList_protocol(t *testing.T) {
	f := sharedListFixture(t)
	s := newListServer(t, f.etcd.cfg)
	var want []string
	for k := range f.keys {
		want = append(want, k)
	}
	sort.Strings(want)

	t.Run("every key under a prefix, in pages", func(t *testing.T) {
		got := s.mustList("etcd_key", listConfig{"prefix": f.apps}, false, 0)
		keys := make([]string, len(got))
		for i, r := range got {
			keys[i] = r.id("key")
			if r.resource != nil {
				t.Fatalf("%s: a resource object without include_resource", keys[i])
			}
			if r.display != keys[i] {
				t.Fatalf("display name %q, want the key %q", r.display, keys[i])
			}
		}
		if !slices.Equal(keys, want) {
			t.Fatalf("listed %d keys, want the %d written, in key order", len(keys), len(want))
		}
	})

	t.Run("full objects", func(t *testing.T) {
		got := s.mustList("etcd_key", listConfig{"prefix": f.apps}, true, 0)
		if len(got) != len(want) {
			t.Fatalf("listed %d keys, want %d", len(got), len(want))
		}
		for _, r := range got {
			key := r.id("key")
			value, _ := stringOf(r.resource["value"])
			id, _ := stringOf(r.resource["id"])
			if value != f.keys[key] || id != key || !r.resource["value_base64"].IsNull() || !r.resource["lease_id"].IsNull() {
				t.Fatalf("%s: resource %v, want value %q", key, r.resource, f.keys[key])
			}
			for _, attr := range []string{"create_revision", "mod_revision", "version"} {
				if r.resource[attr].IsNull() {
					t.Fatalf("%s: %s is null", key, attr)
				}
			}
		}
	})

	t.Run("include_values shows values", func(t *testing.T) {
		got := s.mustList("etcd_key", listConfig{"prefix": f.apps + "app-03/config/", "include_values": true}, false, 0)
		if len(got) != listKeysPerPart {
			t.Fatalf("listed %d keys, want %d", len(got), listKeysPerPart)
		}
		if r := got[0]; r.display != r.id("key")+` = "`+f.keys[r.id("key")]+`"` {
			t.Fatalf("display name %q does not show the value %q", r.display, f.keys[r.id("key")])
		}
	})

	t.Run("limit", func(t *testing.T) {
		for _, limit := range []int64{1, 100, 1500} {
			got := s.mustList("etcd_key", listConfig{"prefix": f.apps}, false, limit)
			if int64(len(got)) != limit || got[len(got)-1].id("key") != want[limit-1] {
				t.Fatalf("limit %d: listed %d keys", limit, len(got))
			}
		}
	})

	t.Run("a reader that stops early stops the read", func(t *testing.T) {
		stream, err := s.server.ListResource(t.Context(), &tfprotov6.ListResourceRequest{
			TypeName: "etcd_key", Config: s.config("etcd_key", listConfig{"prefix": f.apps}),
		})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for range stream.Results {
			if n++; n == 3 {
				break
			}
		}
		if n != 3 {
			t.Fatalf("read %d results", n)
		}
	})

	t.Run("limit in the configuration", func(t *testing.T) {
		got := s.mustList("etcd_key", listConfig{"prefix": f.apps, "limit": 30}, false, 0)
		if len(got) != 30 || got[29].id("key") != want[29] {
			t.Fatalf("limit = 30 listed %d keys", len(got))
		}
		got = s.mustList("etcd_key", listConfig{"prefix": f.apps, "limit": 30}, false, 10)
		if len(got) != 10 {
			t.Fatalf("limit = 30 with a block limit of 10 listed %d keys", len(got))
		}
	})

	t.Run("key and range_end", func(t *testing.T) {
		got := s.mustList("etcd_key", listConfig{"key": f.apps + "app-01/", "range_end": f.apps + "app-02/"}, false, 0)
		if len(got) != 2*listKeysPerPart || !strings.HasPrefix(got[0].id("key"), f.apps+"app-01/") {
			t.Fatalf("listed %d keys of app-01, want %d", len(got), 2*listKeysPerPart)
		}
		one := s.mustList("etcd_key", listConfig{"key": f.apps + "README"}, true, 0)
		if len(one) != 1 || one[0].id("key") != f.apps+"README" {
			t.Fatalf("a single key lists %v", one)
		}
		none := s.mustList("etcd_key", listConfig{"key": f.apps + "nothing"}, false, 0)
		if len(none) != 0 {
			t.Fatalf("a missing key lists %v", none)
		}
	})

	t.Run("bad config", func(t *testing.T) {
		for _, c := range []struct {
			config     listConfig
			attr, want string
		}{
			{listConfig{}, "prefix", "Set prefix"},
			{listConfig{"prefix": "/a/", "key": "/a/b"}, "prefix", "not both"},
			{listConfig{"range_end": "/b"}, "range_end", "range_end needs key"},
			{listConfig{"key": "/b", "range_end": "/a"}, "range_end", "does not sort after key"},
			{listConfig{"key": ""}, "key", "must not be empty"},
			{listConfig{"prefix": "/a/", "limit": 0}, "limit", "at least 1"},
		} {
			expectAttrError(t, s.validate("etcd_key", c.config), c.attr, c.want)
			_, diags := s.list("etcd_key", c.config, false, 0)
			expectAttrError(t, diags, c.attr, c.want)
		}
		if diags := s.validate("etcd_key", listConfig{"prefix": ""}); len(diags) != 0 {
			t.Fatalf("the whole keyspace is refused: %s", diagText(diags))
		}
	})
}
