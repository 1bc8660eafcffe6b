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
}

// acquireAsync starts AcquireLock in the background.
func acquireAsync(ctx context.Context, c *etcdclient.Client, name string, ttl int64) <-chan lockResult {
	ch := make(chan lockResult, 1)
	go func() {
		l, err := c.AcquireLock(ctx, name, ttl)
		ch <- lockResult{l, err}
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
	la, err := a.AcquireLock(ctx, name, 10)
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
	_, err = other.TryLock(ctx, name, 10)
	expectErr(t, err, etcdclient.ErrLockHeld, la.Key, fmt.Sprintf("lock %q", name), "lease "+la.Lease.Hex())
	if took := time.Since(start); took > other.RequestTimeout()/2 {
		t.Errorf("TryLock of a held lock took %v", took)
	}
	if got := waiters(t, a, name); !slices.Equal(got, []string{la.Key}) {
		t.Fatalf("after a failed TryLock the lock has %q, want only the holder", got)
	}

	// b waits while a holds.
	wait := acquireAsync(ctx, b, name, 10)
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
	_, err = a.AcquireLock(short, name, 10)
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

	for _, ttl := range []int64{0, -1} {
		_, err = a.AcquireLock(ctx, name, ttl)
		expectErr(t, err, etcdclient.ErrInvalidArgument, "ttl")
		_, err = a.TryLock(ctx, name, ttl)
		expectErr(t, err, etcdclient.ErrInvalidArgument, "ttl")
	}
	if tl, err := a.TryLock(ctx, name, 10); err != nil {
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
	dying, err := etcdclient.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	held, err := dying.TryLock(t.Context(), name, 2)
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
	l, err := c.AcquireLock(ctx, name, 10)
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

	l, err := c.AcquireLock(ctx, name, 10)
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
	_, err = fenced.Put(ctx, prefix+"a", "after release")
	expectErr(t, err, etcdclient.ErrFenceLost, l.Key)
	expectValue(t, c, prefix+"a", "while held")

	// Losing the session's lease ends the lock too.
	l, err = c.AcquireLock(ctx, name, 10)
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
	_, err = fenced.Put(ctx, prefix+"a", "after the lease was lost")
	expectErr(t, err, etcdclient.ErrFenceLost)
	expectHolder(t, c, name, nil)
}
