package provider

import (
	"strings"
	"testing"
)

func TestLeaseList_protocol(t *testing.T) {
	f := sharedListFixture(t)
	s := newListServer(t, f.etcd.cfg)
	found := 0
	for _, r := range s.mustList("etcd_lease", listConfig{}, true, 0) {
		id, ok := f.leases[r.id("id")]
		if !ok {
			continue // another test's lease
		}
		found++
		ttl, granted, leaseID := int64Of(r.resource["ttl"]), int64Of(r.resource["granted_ttl"]), int64Of(r.resource["lease_id"])
		hex, _ := stringOf(r.resource["lease_id_hex"])
		var keepalive bool
		_ = r.resource["refresh_keepalive"].As(&keepalive)
		if ttl != 3600 || granted != 3600 || leaseID != int64(id) || hex != id.Hex() || keepalive {
			t.Fatalf("lease %s: resource %v", id.Hex(), r.resource)
		}
		if !strings.HasPrefix(r.display, id.Hex()+" (ttl ") {
			t.Fatalf("display name %q", r.display)
		}
	}
	if found != len(f.leases) {
		t.Fatalf("listed %d of the %d leases", found, len(f.leases))
	}
	if limited := s.mustList("etcd_lease", listConfig{}, false, 1); len(limited) != 1 {
		t.Fatalf("limit 1 listed %d leases", len(limited))
	}
}
