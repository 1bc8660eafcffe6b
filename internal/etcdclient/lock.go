package etcdclient

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/concurrency"
)

// Lock is a held distributed lock: an owner key under the lock's name,
// attached to the lease of a session that is kept alive in the background.
// If the holder dies, the lease expires after its TTL and the lock is free.
type Lock struct {
	// Name is the lock's key prefix, as given to AcquireLock.
	Name string
	// Key is the owner key etcd created for this holder: Name + "/" + the
	// lease ID in hexadecimal.
	Key string
	// Revision is the create revision of Key; with Key it identifies this
	// holding of the lock (see Fence).
	Revision int64
	Lease    LeaseID

	session *concurrency.Session
	stop    context.CancelFunc // ends the session's keep-alive

	mu       sync.Mutex
	released bool
}

// Fence returns the fence that holds while this lock is held.
func (l *Lock) Fence() Fence { return Fence{Key: l.Key, Revision: l.Revision} }

// Done is closed when the lock's session ends: released, its lease lost, or
// the client closed.
func (l *Lock) Done() <-chan struct{} { return l.session.Done() }

// AcquireLock blocks until the lock called name is held or ctx ends; the
// wait itself has no timeout but ctx's. ttl (rounded up to whole seconds,
// at least 1 s) is the TTL of the session's lease: the lock is renewed in
// the background while held, and frees itself that long after its holder
// is gone.
//
// When ctx ends first, AcquireLock returns within at most RequestTimeout
// more, whatever etcd does, with an error wrapping ErrLockHeld (naming the
// holder) when the lock was held all along. It leaves no waiter key or lease
// behind: it revokes its lease, and if etcd cannot be reached the lease, no
// longer renewed, expires within ttl.
//
// The lock is etcd's concurrency mutex, which also waits for every older key
// under name + "/": keep lock names free of other keys and of other locks.
func (c *Client) AcquireLock(ctx context.Context, name string, ttl time.Duration) (*Lock, error) {
	return c.lock(ctx, name, ttl, false)
}

// TryLock takes the lock called name if it is free and otherwise returns at
// once with an error wrapping ErrLockHeld that names the holder's key. ttl
// is as for AcquireLock.
func (c *Client) TryLock(ctx context.Context, name string, ttl time.Duration) (*Lock, error) {
	return c.lock(ctx, name, ttl, true)
}

func lockSubject(name string) string { return fmt.Sprintf("lock %q", name) }

func (c *Client) lock(ctx context.Context, name string, ttl time.Duration, try bool) (*Lock, error) {
	seconds, err := ttlSeconds("lock", lockSubject(name), ttl)
	if err != nil {
		return nil, err
	}
	l, err := c.newLockSession(ctx, name, seconds)
	if err != nil {
		return nil, err
	}
	mutex := concurrency.NewMutex(l.session, name)
	if try {
		tctx, cancel := c.withTimeout(ctx)
		err = mutex.TryLock(tctx)
		cancel()
	} else {
		err = waitLock(ctx, mutex)
	}
	if err == nil {
		err = c.setOwner(ctx, l, mutex.Key())
	}
	if err != nil {
		return nil, c.giveUp(ctx, l, err)
	}
	return l, nil
}

// newLockSession grants the session's lease itself, within ctx:
// NewSession would grant it on the session's context, which has no deadline
// since the session outlives the call.
func (c *Client) newLockSession(ctx context.Context, name string, seconds int64) (*Lock, error) {
	lease, err := c.GrantLease(ctx, seconds)
	if err != nil {
		return nil, err
	}
	sctx, stop := context.WithCancel(c.raw.Ctx())
	session, err := concurrency.NewSession(c.raw, concurrency.WithContext(sctx),
		concurrency.WithTTL(int(seconds)), concurrency.WithLease(clientv3.LeaseID(lease.ID)))
	l := &Lock{Name: name, Lease: lease.ID, session: session, stop: stop}
	if err != nil {
		return nil, c.giveUp(ctx, l, err)
	}
	return l, nil
}

// waitLock waits for mutex until ctx ends. When its wait fails, the mutex
// deletes its waiter key on the client's context, which has no deadline:
// with etcd down it would block until etcd is back. So the wait is left
// to finish on its own and giveUp cleans up within a bound.
func waitLock(ctx context.Context, mutex *concurrency.Mutex) error {
	done := make(chan error, 1)
	go func() { done <- mutex.Lock(ctx) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *Client) setOwner(ctx context.Context, l *Lock, key string) error {
	owner, err := c.Get(ctx, key)
	if err != nil {
		return err
	}
	l.Key, l.Revision = owner.Key, owner.CreateRevision
	return nil
}

// giveUp stops l's session and revokes its lease, which deletes its waiter
// key, then explains cause; all within RequestTimeout after ctx.
func (c *Client) giveUp(ctx context.Context, l *Lock, cause error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.cfg.RequestTimeout)
	defer cancel()
	l.stop()
	_ = c.RevokeLease(ctx, l.Lease)
	return c.lockError(ctx, l.Name, cause)
}

func (c *Client) lockError(ctx context.Context, name string, err error) error {
	subject := lockSubject(name)
	if !errors.Is(err, concurrency.ErrLocked) && !errors.Is(err, context.DeadlineExceeded) {
		return c.wrap("lock", subject, err)
	}
	holder, herr := c.LockHolder(ctx, name)
	if herr != nil || holder == nil {
		return c.wrap("lock", subject, err)
	}
	return &Error{Op: "lock", Subject: subject, Kind: ErrLockHeld,
		Err: fmt.Errorf("held by owner key %q (lease %x, since revision %d)", holder.Key, int64(holder.Lease), holder.CreateRevision)}
}

// ReleaseLock releases a held lock by revoking its session's lease, which
// deletes the owner key. Releasing a released lock, or one whose lease is
// already gone, returns nil. If etcd cannot be reached the error is
// returned, and the lease, no longer renewed, expires within its TTL.
func (c *Client) ReleaseLock(ctx context.Context, l *Lock) error {
	if l == nil {
		return &Error{Op: "unlock", Kind: ErrInvalidArgument, Err: errors.New("no lock given")}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.released {
		return nil
	}
	l.stop()
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	_, err := c.raw.Revoke(ctx, clientv3.LeaseID(l.Lease))
	if err = c.wrap("unlock", lockSubject(l.Name), err); err != nil && !errors.Is(err, ErrLeaseNotFound) {
		return err
	}
	l.released = true
	return nil
}

// IsLocked reports whether the lock called name has a holder: a key
// name + "/" + <lease ID in hexadecimal> attached to that lease, as etcd's
// concurrency mutex and `etcdctl lock` write it. Plain keys under name + "/"
// and locks nested under name do not count.
func (c *Client) IsLocked(ctx context.Context, name string) (bool, error) {
	holder, err := c.LockHolder(ctx, name)
	return holder != nil, err
}

// holderPage is how many candidate keys LockHolder reads at a time.
const holderPage = 16

// LockHolder returns the owner key of the current holder of the lock called
// name (the oldest owner key, see IsLocked), or nil when it is free.
func (c *Client) LockHolder(ctx context.Context, name string) (*KeyValue, error) {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	// Owner keys end in lowercase hex digits, all in [name/0, name/g).
	// Not keys-only: etcd 3.7 serves keys-only ranges from its index, which
	// leaves out the lease. Owner keys have empty values anyway.
	from, end := name+"/0", name+"/g"
	minRev := int64(0)
	for {
		resp, err := c.raw.Get(ctx, from, clientv3.WithRange(end), clientv3.WithMinCreateRev(minRev), clientv3.WithLimit(holderPage),
			clientv3.WithSort(clientv3.SortByCreateRevision, clientv3.SortAscend))
		if err != nil {
			return nil, c.wrap("lock holder", lockSubject(name), err)
		}
		for _, pb := range resp.Kvs {
			if kv := fromPB(pb); isOwnerKey(name, kv) {
				return &kv, nil
			}
		}
		if !resp.More || len(resp.Kvs) == 0 {
			return nil, nil
		}
		// Keys sharing the last key's create revision were written in its
		// transaction, and the mutex writes an owner key alone in one.
		minRev = resp.Kvs[len(resp.Kvs)-1].CreateRevision + 1
	}
}

func isOwnerKey(name string, kv KeyValue) bool {
	return kv.Lease != NoLease && kv.Key == name+"/"+kv.Lease.Hex()
}
