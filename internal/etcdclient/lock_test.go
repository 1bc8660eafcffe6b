package etcdclient_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
)

type lockResult struct {
	lock *etcdclient.Lock
	err  error
	at   time.Time // when AcquireLock returned
}

// acquireAsync starts AcquireLock in the background.
func acquireAsync(ctx context.Context, c *etcdclient.Client, name string, ttl time.Duration) <-chan lockResult {
	ch := make(chan lockResult, 1)
	go func() {
		l, err := c.AcquireLock(ctx, name, ttl)
		ch <- lockResult{l, err, time.Now()}
	}()
	return ch
}

func acquired(t *testing.T, ch <-chan lockResult) *etcdclient.Lock {
	t.Helper()
	select {
	case r := <-ch:
		if r.err != nil {
			t.Fatalf("AcquireLock: %v", r.err)
		}
		return r.lock
	case <-time.After(eventually):
		t.Fatalf("the lock was not acquired within %v", eventually)
	}
	return nil
}

// waiters returns the owner keys queued on a lock, holder first.
func waiters(t *testing.T, c *etcdclient.Client, name string) []string {
	t.Helper()
	kvs, err := c.List(t.Context(), name+"/")
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(kvs, func(a, b etcdclient.KeyValue) int { return int(a.CreateRevision - b.CreateRevision) })
	return keysOf(kvs)
}

func expectHolder(t *testing.T, c *etcdclient.Client, name string, want *etcdclient.Lock) {
	t.Helper()
	locked, err := c.IsLocked(t.Context(), name)
	if err != nil || locked != (want != nil) {
		t.Fatalf("IsLocked = %v, %v; want %v", locked, err, want != nil)
	}
	holder, err := c.LockHolder(t.Context(), name)
	switch {
	case err != nil:
		t.Fatalf("LockHolder: %v", err)
	case want == nil && holder != nil:
		t.Fatalf("LockHolder = %q, want none", holder.Key)
	case want != nil && (holder == nil || holder.Key != want.Key || holder.CreateRevision != want.Revision || holder.Lease != want.Lease):
		t.Fatalf("LockHolder = %+v, want key %q at %d on lease %d", holder, want.Key, want.Revision, want.Lease)
	}
}

func TestLockContention(t *testing.T) {
	t.Parallel()
	cfg := etcdtest.Shared(t).Config
	a, b, other := etcdtest.Client(t, cfg), etcdtest.Client(t, cfg), etcdtest.Client(t, cfg)
	name := etcdtest.Prefix(t) + "lock"
	ctx := t.Context()

	expectHolder(t, a, name, nil)
	la, err := a.AcquireLock(ctx, name, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	owner := mustGet(t, a, la.Key)
	if la.Name != name || !strings.HasPrefix(la.Key, name+"/") || la.Revision != owner.CreateRevision || la.Lease != owner.Lease || la.Lease == etcdclient.NoLease {
		t.Fatalf("Lock = %+v; owner key %+v", la, owner)
	}
	expectHolder(t, other, name, la)

	// TryLock fails at once, naming the holder, and leaves no waiter behind.
	start := time.Now()
	_, err = other.TryLock(ctx, name, 10*time.Second)
	expectErr(t, err, etcdclient.ErrLockHeld, la.Key, fmt.Sprintf("lock %q", name), "lease "+la.Lease.Hex())
	if took := time.Since(start); took > other.RequestTimeout()/2 {
		t.Errorf("TryLock of a held lock took %v", took)
	}
	if got := waiters(t, a, name); !slices.Equal(got, []string{la.Key}) {
		t.Fatalf("after a failed TryLock the lock has %q, want only the holder", got)
	}

	// b waits while a holds.
	wait := acquireAsync(ctx, b, name, 10*time.Second)
	waitFor(t, eventually, func() string {
		if n := len(waiters(t, a, name)); n != 2 {
			return fmt.Sprintf("%d keys under the lock, want the holder and b waiting", n)
		}
		return ""
	})
	select {
	case r := <-wait:
		t.Fatalf("b got the lock while a held it: %+v, %v", r.lock, r.err)
	default:
	}

	// Release hands the lock over.
	if err := a.ReleaseLock(ctx, la); err != nil {
		t.Fatal(err)
	}
	lb := acquired(t, wait)
	if lb.Key == la.Key || lb.Revision <= la.Revision {
		t.Fatalf("b's lock %+v, a's was %+v", lb, la)
	}
	select {
	case <-la.Done():
	case <-time.After(eventually):
		t.Fatal("a's lock is not Done after release")
	}
	expectMissing(t, a, la.Key)
	expectHolder(t, other, name, lb)

	// A context that ends while waiting gives ErrLockHeld and no leftover waiter.
	short, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	_, err = a.AcquireLock(short, name, 10*time.Second)
	expectErr(t, err, etcdclient.ErrLockHeld, lb.Key)
	waitFor(t, eventually, func() string {
		if got := waiters(t, a, name); !slices.Equal(got, []string{lb.Key}) {
			return fmt.Sprintf("the lock has %q after a timed-out wait, want only the holder", got)
		}
		return ""
	})

	if err := b.ReleaseLock(ctx, lb); err != nil {
		t.Fatal(err)
	}
	expectHolder(t, other, name, nil)

	for _, ttl := range []time.Duration{0, -1, 999 * time.Millisecond} {
		_, err = a.AcquireLock(ctx, name, ttl)
		expectErr(t, err, etcdclient.ErrInvalidArgument, "ttl")
		_, err = a.TryLock(ctx, name, ttl)
		expectErr(t, err, etcdclient.ErrInvalidArgument, "ttl")
	}
	if tl, err := a.TryLock(ctx, name, 10*time.Second); err != nil {
		t.Fatalf("TryLock of a free lock: %v", err)
	} else if err := a.ReleaseLock(ctx, tl); err != nil {
		t.Fatal(err)
	}
}

// TestLockFreedWhenHolderDies: a holder that goes away without releasing
// frees the lock when its session's lease expires.
func TestLockFreedWhenHolderDies(t *testing.T) {
	t.Parallel()
	cfg := etcdtest.Shared(t).Config
	name := etcdtest.Prefix(t) + "lock"
	dying, err := etcdclient.New(&cfg)
	if err != nil {
		t.Fatal(err)
	}
	held, err := dying.TryLock(t.Context(), name, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if err := dying.Close(); err != nil {
		t.Fatal(err)
	}

	c := etcdtest.Client(t, cfg)
	ctx, cancel := context.WithTimeout(t.Context(), eventually)
	defer cancel()
	start := time.Now()
	l, err := c.AcquireLock(ctx, name, 10*time.Second)
	if err != nil {
		t.Fatalf("the lock of a closed client was not freed within %v: %v", eventually, err)
	}
	t.Logf("freed after %v", time.Since(start))
	expectMissing(t, c, held.Key)
	if err := c.ReleaseLock(ctx, l); err != nil {
		t.Fatal(err)
	}
}

func TestLockFence(t *testing.T) {
	t.Parallel()
	c, prefix := shared(t)
	ctx := t.Context()
	name := prefix + "lock"

	l, err := c.AcquireLock(ctx, name, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if f := l.Fence(); f.Key != l.Key || f.Revision != l.Revision {
		t.Fatalf("Fence() = %+v, lock %+v", f, l)
	}
	fenced := c.WithFence(l.Fence())
	mustPut(t, fenced, prefix+"a", "while held")
	if err := c.ReleaseLock(ctx, l); err != nil {
		t.Fatal(err)
	}
	err = fenced.Put(ctx, prefix+"a", "after release")
	expectErr(t, err, etcdclient.ErrFenceLost, l.Key)
	expectValue(t, c, prefix+"a", "while held")

	// Losing the session's lease ends the lock too.
	l, err = c.AcquireLock(ctx, name, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	fenced = c.WithFence(l.Fence())
	if err := c.RevokeLease(ctx, l.Lease); err != nil {
		t.Fatal(err)
	}
	select {
	case <-l.Done():
	case <-time.After(eventually):
		t.Fatal("Done not closed after the lock's lease was revoked")
	}
	err = fenced.Put(ctx, prefix+"a", "after the lease was lost")
	expectErr(t, err, etcdclient.ErrFenceLost)
	expectHolder(t, c, name, nil)
}

// leasesOf returns the live leases of c's cluster, sorted.
func leasesOf(t *testing.T, c *etcdclient.Client) []etcdclient.LeaseID {
	t.Helper()
	ids, err := c.ListLeases(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(ids)
	return ids
}

// expectOnly waits until the lock name has only holder queued and the
// cluster only holder's lease: whatever gave up waiting left nothing behind.
func expectOnly(t *testing.T, c *etcdclient.Client, name string, holder *etcdclient.Lock, timeout time.Duration) {
	t.Helper()
	waitFor(t, timeout, func() string {
		if got := waiters(t, c, name); !slices.Equal(got, []string{holder.Key}) {
			return fmt.Sprintf("the lock has %q, want only the holder %q", got, holder.Key)
		}
		if got := leasesOf(t, c); !slices.Equal(got, []etcdclient.LeaseID{holder.Lease}) {
			return fmt.Sprintf("leases %v, want only the holder's %v", got, holder.Lease)
		}
		return ""
	})
}

// TestLockGivingUpLeavesNothing: a wait that times out, and a TryLock that
// finds the lock held, leave neither a waiter key nor a lease.
func TestLockGivingUpLeavesNothing(t *testing.T) {
	t.Parallel()
	_, c := ownServer(t)
	ctx := t.Context()
	name := "/locks/resource"
	holder, err := c.AcquireLock(ctx, name, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}

	short, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	_, err = c.AcquireLock(short, name, 10*time.Second)
	expectErr(t, err, etcdclient.ErrLockHeld, holder.Key)
	expectOnly(t, c, name, holder, 0)

	_, err = c.TryLock(ctx, name, 10*time.Second)
	expectErr(t, err, etcdclient.ErrLockHeld, holder.Key)
	expectOnly(t, c, name, holder, 0)
}

// TestAcquireLockReturnsWhenEtcdStops: etcd stops while AcquireLock waits
// behind a holder. AcquireLock must still return within its deadline plus
// the request timeout, and its waiter key and lease must be gone once etcd
// is back (its lease, no longer renewed, expires).
func TestAcquireLockReturnsWhenEtcdStops(t *testing.T) {
	t.Parallel()
	s, c := ownServer(t)
	cfg := s.ClientConfig()
	cfg.RequestTimeout = 2 * time.Second
	waiter := etcdtest.Client(t, cfg)
	name := "/locks/resource"
	holder, err := c.AcquireLock(t.Context(), name, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}

	const deadline, ttl = 3 * time.Second, 2 * time.Second
	ctx, cancel := context.WithTimeout(t.Context(), deadline)
	defer cancel()
	start := time.Now()
	wait := acquireAsync(ctx, waiter, name, ttl)
	waitFor(t, deadline/3, func() string {
		if n := len(waiters(t, c, name)); n != 2 {
			return fmt.Sprintf("%d keys under the lock, want the holder and the waiter", n)
		}
		return ""
	})
	time.Sleep(time.Until(start.Add(time.Second)))
	s.Stop()

	bound := deadline + cfg.RequestTimeout + 1500*time.Millisecond // slack for a loaded machine
	select {
	case r := <-wait:
		took := r.at.Sub(start) // not now: stopping etcd may take a while
		expectErr(t, r.err, etcdclient.ErrUnavailable)
		if took > bound {
			t.Errorf("AcquireLock returned after %v; want at most %v", took, bound)
		}
	case <-time.After(max(time.Until(start.Add(bound)), 0) + time.Second):
		t.Errorf("AcquireLock still waiting %v after it started (deadline %v, request timeout %v)", time.Since(start), deadline, cfg.RequestTimeout)
		defer func() { <-wait }() // it returns once etcd is back
	}

	if err := s.Restart(); err != nil {
		t.Fatal(err)
	}
	expectOnly(t, c, name, holder, eventually)
}

// TestReleaseLockTwice: releasing is idempotent, also when the lock's lease
// is already gone.
func TestReleaseLockTwice(t *testing.T) {
	t.Parallel()
	c, prefix := shared(t)
	ctx := t.Context()
	l, err := c.AcquireLock(ctx, prefix+"lock", 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if err := c.ReleaseLock(ctx, l); err != nil {
			t.Fatalf("ReleaseLock #%d: %v", i+1, err)
		}
	}
	expectHolder(t, c, prefix+"lock", nil)

	l, err = c.AcquireLock(ctx, prefix+"lock", 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.RevokeLease(ctx, l.Lease); err != nil {
		t.Fatal(err)
	}
	if err := c.ReleaseLock(ctx, l); err != nil {
		t.Fatalf("ReleaseLock of a lock whose lease is gone: %v", err)
	}
	expectErr(t, c.ReleaseLock(ctx, nil), etcdclient.ErrInvalidArgument)
}

// TestIsLockedExactName: only a holder of exactly that lock counts, not
// plain keys, keys shaped like owner keys of another lease, nor nested
// locks, even when they are older than the holder.
func TestIsLockedExactName(t *testing.T) {
	t.Parallel()
	c, prefix := shared(t)
	ctx := t.Context()
	name := prefix + "lock"
	other := grant(t, c, 60)
	putAll(t, c, name+"/plain", "x", name+"/0", "hex-shaped, no lease")
	mustPut(t, c, name+"/abc", "hex-shaped, another lease", etcdclient.WithLease(other.ID))
	nested, err := c.AcquireLock(ctx, name+"/nested", 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.ReleaseLock(ctx, nested) }()
	expectHolder(t, c, name, nil)
	expectHolder(t, c, name+"/nested", nested)

	// A holder as etcdctl lock writes it. etcd's mutex would wait for the
	// older keys above, so it is written directly.
	lease := grant(t, c, 60)
	key := name + "/" + lease.ID.Hex()
	rev := mustPut(t, c, key, "", etcdclient.WithLease(lease.ID))
	expectHolder(t, c, name, &etcdclient.Lock{Key: key, Revision: rev, Lease: lease.ID})
	if err := c.RevokeLease(ctx, lease.ID); err != nil {
		t.Fatal(err)
	}
	expectHolder(t, c, name, nil)
}
