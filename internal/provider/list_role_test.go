package provider

import (
	"maps"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func TestRoleList_protocol(t *testing.T) {
	f := sharedListFixture(t)
	s := newListServer(t, f.etcd.cfg)
	got := f.ours(s.mustList("etcd_role", listConfig{}, true, 0), "name")
	names := make([]string, len(got))
	for i, r := range got {
		names[i] = r.id("name")
		if n, _ := stringOf(r.resource["name"]); n != names[i] {
			t.Fatalf("%s: resource %v", names[i], r.resource)
		}
	}
	if want := slices.Sorted(maps.Keys(f.roles)); !slices.Equal(names, want) {
		t.Fatalf("listed roles %v, want %v in name order", names, want)
	}
	if limited := s.mustList("etcd_role", listConfig{}, false, 2); len(limited) != 2 {
		t.Fatalf("limit 2 listed %d roles", len(limited))
	}
}

// setStrings decodes a set of strings, sorted.
func setStrings(t *testing.T, v tftypes.Value) []string {
	t.Helper()
	var elems []tftypes.Value
	if err := v.As(&elems); err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, e := range elems {
		s, _ := stringOf(e)
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}
