package provider

import (
	"maps"
	"slices"
	"testing"
)

func TestUserList_protocol(t *testing.T) {
	f := sharedListFixture(t)
	s := newListServer(t, f.etcd.cfg)
	got := f.ours(s.mustList("etcd_user", listConfig{}, true, 0), "name")
	names := make([]string, len(got))
	for i, r := range got {
		name := r.id("name")
		names[i] = name
		roles := setStrings(t, r.resource["roles"])
		if !slices.Equal(roles, f.users[name]) {
			t.Fatalf("%s has roles %v, want %v", name, roles, f.users[name])
		}
		var noPassword bool
		_ = r.resource["no_password"].As(&noPassword)
		if id, _ := stringOf(r.resource["id"]); id != name || noPassword || !r.resource["password"].IsNull() || !r.resource["password_wo"].IsNull() {
			t.Fatalf("%s: resource %v", name, r.resource)
		}
	}
	if want := slices.Sorted(maps.Keys(f.users)); !slices.Equal(names, want) {
		t.Fatalf("listed users %v, want %v in name order", names, want)
	}
	if limited := s.mustList("etcd_user", listConfig{}, false, 3); len(limited) != 3 {
		t.Fatalf("limit 3 listed %d users", len(limited))
	}
}
