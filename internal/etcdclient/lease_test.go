package etcdclient_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

// grant grants a lease revoked when the test ends.
func grant(t *testing.T, c *etcdclient.Client, ttl int64) *etcdclient.Lease {
	t.Helper()
	lease, err := c.GrantLease(t.Context(), ttl)
	if err != nil {
		t.Fatalf("GrantLease(%d): %v", ttl, err)
	}
	t.Cleanup(func() { _ = c.RevokeLease(context.Background(), lease.ID) })
	return lease
}

func TestGrantLease(t *testing.T) {
	t.Parallel()
	c, _ := shared(t)
	for _, ttl := range []int64{0, -5} {
		_, err := c.GrantLease(t.Context(), ttl)
		expectErr(t, err, etcdclient.ErrInvalidArgument, fmt.Sprintf("got %d", ttl))
	}
	lease := grant(t, c, 30)
	if lease.ID == etcdclient.NoLease || lease.TTL != 30 {
		t.Fatalf("GrantLease(30) = %+v", lease)
	}
	other := grant(t, c, 30)
	if other.ID == lease.ID {
		t.Fatalf("two grants gave the same lease %d", lease.ID)
	}
}

func TestLeaseInfoAndList(t *testing.T) {
	t.Parallel()
	c, prefix := shared(t)
	ctx := t.Context()
	lease := grant(t, c, 60)
	keys := []string{prefix + "b", prefix + "a"}
	for _, k := range keys {
		mustPut(t, c, k, "v", etcdclient.WithLease(lease.ID))
	}

	info, err := c.GetLeaseInfo(ctx, lease.ID)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(info.Keys)
	if info.ID != lease.ID || info.GrantedTTL != 60 || info.TTL <= 0 || info.TTL > 60 || !slices.Equal(info.Keys, []string{prefix + "a", prefix + "b"}) {
		t.Fatalf("GetLeaseInfo = %+v; want granted 60, remaining in (0, 60], keys a and b", info)
	}

	ids, err := c.ListLeases(ctx)
	if err != nil || !slices.Contains(ids, lease.ID) {
		t.Fatalf("ListLeases = %v, %v; want it to hold %d", ids, err, lease.ID)
	}

	const unknown = etcdclient.LeaseID(0x7fff_ffff_0000_1234)
	_, err = c.GetLeaseInfo(ctx, unknown)
	expectErr(t, err, etcdclient.ErrLeaseNotFound, unknown.Hex())

	// Revoking deletes the attached keys and forgets the lease.
	if err := c.RevokeLease(ctx, lease.ID); err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		expectMissing(t, c, k)
	}
	_, err = c.GetLeaseInfo(ctx, lease.ID)
	expectErr(t, err, etcdclient.ErrLeaseNotFound)
	if ids, err := c.ListLeases(ctx); err != nil || slices.Contains(ids, lease.ID) {
		t.Fatalf("ListLeases after revoke = %v, %v; must not hold %d", ids, err, lease.ID)
	}
	err = c.RevokeLease(ctx, lease.ID)
	expectErr(t, err, etcdclient.ErrLeaseNotFound, lease.ID.Hex())
}

func TestPutWithTTLExpires(t *testing.T) {
	t.Parallel()
	c, prefix := shared(t)
	key := prefix + "ephemeral"
	lease, err := c.PutWithTTL(t.Context(), key, "v", 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if kv := mustGet(t, c, key); kv.Lease != lease.ID || string(kv.Value) != "v" {
		t.Fatalf("Get = %+v; want value v on lease %d", kv, lease.ID)
	}
	start := time.Now()
	waitGone(t, c, key, eventually)
	if took := time.Since(start); took < time.Second {
		t.Errorf("a 2 s lease expired after %v", took)
	}
	_, err = c.GetLeaseInfo(t.Context(), lease.ID)
	expectErr(t, err, etcdclient.ErrLeaseNotFound)
	_, err = c.KeepAliveOnce(t.Context(), lease.ID)
	expectErr(t, err, etcdclient.ErrLeaseNotFound)

	_, err = c.PutWithTTL(t.Context(), key, "v", 0)
	expectErr(t, err, etcdclient.ErrInvalidArgument)
}

func TestKeepAlive(t *testing.T) {
	t.Parallel()
	c, prefix := shared(t)
	key := prefix + "kept"
	lease, err := c.PutWithTTL(t.Context(), key, "v", 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	renewals, err := c.KeepAlive(ctx, lease.ID)
	if err != nil {
		t.Fatal(err)
	}

	// The key must live on well past its 2 s TTL.
	start, n := time.Now(), 0
	for time.Since(start) < 5500*time.Millisecond {
		select {
		case r, ok := <-renewals:
			if !ok {
				t.Fatalf("the renewal channel closed after %v", time.Since(start))
			}
			if r.ID != lease.ID || r.TTL <= 0 {
				t.Fatalf("renewal %+v", r)
			}
			n++
		case <-time.After(250 * time.Millisecond):
		}
		mustGet(t, c, key)
	}
	if n < 2 {
		t.Errorf("%d renewals in 5.5 s of a 2 s lease", n)
	}

	cancel()
	select {
	case _, ok := <-renewals:
		for ok {
			_, ok = <-renewals
		}
	case <-time.After(eventually):
		t.Fatal("the renewal channel was not closed after the context ended")
	}
	waitGone(t, c, key, eventually)
}

func TestKeepAliveOnce(t *testing.T) {
	t.Parallel()
	c, _ := shared(t)
	lease := grant(t, c, 10)
	ttl, err := c.KeepAliveOnce(t.Context(), lease.ID)
	if err != nil || ttl < 9 || ttl > 10 {
		t.Fatalf("KeepAliveOnce = %d, %v; want 10 (or 9 after rounding)", ttl, err)
	}
	_, err = c.KeepAliveOnce(t.Context(), etcdclient.LeaseID(0x7fff_ffff_0000_4321))
	expectErr(t, err, etcdclient.ErrLeaseNotFound, "7fffffff00004321")
}

func TestKeepAliveOfUnknownLease(t *testing.T) {
	t.Parallel()
	c, _ := shared(t)
	renewals, err := c.KeepAlive(t.Context(), etcdclient.LeaseID(0x7fff_ffff_0000_5678))
	if err != nil {
		expectErr(t, err, etcdclient.ErrLeaseNotFound)
		return
	}
	select { // the lease is lost at once: the channel closes
	case _, ok := <-renewals:
		for ok {
			_, ok = <-renewals
		}
	case <-time.After(eventually):
		t.Fatal("the renewal channel of an unknown lease stayed open")
	}
}

func TestParseLeaseID(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]etcdclient.LeaseID{
		"123":                 123,
		" 42\n":               42, //nolint:gocritic // whitespace around the ID is trimmed on purpose
		"7b":                  0x7b,
		"0x7b":                0x7b,
		"0X7B":                0x7b,
		"694d7a1d1b6c5d0b":    0x694d7a1d1b6c5d0b,
		"0x10":                0x10,
		"10":                  10, // decimal wins when both readings are valid
		"9223372036854775807": 9223372036854775807,
	} {
		got, err := etcdclient.ParseLeaseID(in)
		if err != nil || got != want {
			t.Errorf("ParseLeaseID(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "0x0", "-5", "-0x5", "0x", "xyz", "12.5", "ffffffffffffffff", "0x8000000000000000"} {
		if got, err := etcdclient.ParseLeaseID(in); err == nil {
			t.Errorf("ParseLeaseID(%q) = %d, want an error", in, got)
		} else if !strings.Contains(err.Error(), fmt.Sprintf("%q", in)) {
			t.Errorf("ParseLeaseID(%q) error %q does not quote the input", in, err)
		}
	}
}

func TestLeaseIDHex(t *testing.T) {
	t.Parallel()
	for id, want := range map[etcdclient.LeaseID]string{255: "ff", 0x694d7a1d1b6c5d0b: "694d7a1d1b6c5d0b", 1: "1"} {
		if got := id.Hex(); got != want {
			t.Errorf("LeaseID(%d).Hex() = %q, want %q", id, got, want)
		}
		if back, err := etcdclient.ParseLeaseID("0x" + id.Hex()); err != nil || back != id {
			t.Errorf("ParseLeaseID(0x%s) = %d, %v; want %d", id.Hex(), back, err, id)
		}
	}
}
