package provider

import (
	"fmt"
	"testing"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

func TestRolePermissionList_protocol(t *testing.T) {
	f := sharedListFixture(t)
	s := newListServer(t, f.etcd.cfg)

	check := func(t *testing.T, got []listed) {
		t.Helper()
		seen := map[permissionID]bool{}
		for _, r := range got {
			id := permissionID{Role: r.id("role"), Key: r.id("key"), RangeEnd: r.id("range_end")}
			seen[id] = true
			var want *etcdclient.Permission
			for _, p := range f.roles[id.Role] {
				if p.Key == id.Key && p.RangeEnd == id.RangeEnd {
					want = &p
				}
			}
			if want == nil {
				t.Fatalf("listed %v, which was not granted", id)
			}
			perm, _ := stringOf(r.resource["permission"])
			rid, _ := stringOf(r.resource["id"])
			var prefix bool
			_ = r.resource["prefix"].As(&prefix)
			isPrefix := id.RangeEnd != "" && id.RangeEnd == etcdclient.PrefixRangeEnd(id.Key)
			if perm != want.Type.String() || rid != id.String() || prefix != isPrefix {
				t.Fatalf("%v: resource %v, want permission %s, prefix %t", id, r.resource, want.Type, isPrefix)
			}
		}
		if len(seen) != len(got) {
			t.Fatalf("%d results for %d permissions", len(got), len(seen))
		}
	}

	t.Run("every role", func(t *testing.T) {
		got := f.ours(s.mustList("etcd_role_permission", listConfig{}, true, 0), "role")
		if len(got) != listRoles*listPermsEach {
			t.Fatalf("listed %d permissions, want %d", len(got), listRoles*listPermsEach)
		}
		check(t, got)
	})

	t.Run("one role", func(t *testing.T) {
		role := fmt.Sprintf("%s-role-%d", f.tag, 2)
		got := s.mustList("etcd_role_permission", listConfig{"role": role}, true, 0)
		if len(got) != listPermsEach {
			t.Fatalf("listed %d permissions of %s, want %d", len(got), role, listPermsEach)
		}
		check(t, got)
		if limited := s.mustList("etcd_role_permission", listConfig{"role": role}, false, 3); len(limited) != 3 {
			t.Fatalf("limit 3 listed %d permissions", len(limited))
		}
	})

	t.Run("bad config", func(t *testing.T) {
		expectAttrError(t, s.validate("etcd_role_permission", listConfig{"role": ""}), "role", "must name a role")
		_, diags := s.list("etcd_role_permission", listConfig{"role": f.tag + "-missing"}, false, 0)
		expectAttrError(t, diags, "role", "does not exist")
	})
}
