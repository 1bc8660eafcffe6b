package etcdclient

import (
	"context"
	"errors"
	"fmt"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/concurrency"
)

// Lock is a held distributed lock: an owner key under the lock's name,
// attached to the lease of a session that is kept alive in the background.
// If the holder dies, the lease expires after its TTL and the lock is free.
type Lock struct {
	// Name is the lock's key prefix, as given to AcquireLock.
	Name string
	// Key is the owner key etcd created for this holder.
	Key string
	// Revision is the create revision of Key; with Key it identifies this
	// holding of the lock (see Fence).
	Revision int64
	Lease    LeaseID

	session *concurrency.Session
	mutex   *concurrency.Mutex
}

// Fence returns the fence that holds while this lock is held.
func (l *Lock) Fence() Fence { return Fence{Key: l.Key, Revision: l.Revision} }

// Done is closed when the lock's session ends: released, or its lease lost.
func (l *Lock) Done() <-chan struct{} { return l.session.Done() }

// AcquireLock blocks until the lock called name is held or ctx ends. ttl is
// the session's lease TTL in seconds.
func (c *Client) AcquireLock(ctx context.Context, name string, ttl int64) (*Lock, error) {
	return c.lock(ctx, name, ttl, false)
}

// TryLock takes the lock called name if it is free and otherwise returns at
// once with an error wrapping ErrLockHeld that names the holder's key.
func (c *Client) TryLock(ctx context.Context, name string, ttl int64) (*Lock, error) {
	return c.lock(ctx, name, ttl, true)
}

func (c *Client) lock(ctx context.Context, name string, ttl int64, try bool) (*Lock, error) {
	subject := fmt.Sprintf("lock %q", name)
	if ttl <= 0 {
		return nil, &Error{Op: "lock", Subject: subject, Kind: ErrInvalidArgument, Err: fmt.Errorf("ttl must be at least 1 second, got %d", ttl)}
	}
	lease, err := c.GrantLease(ctx, ttl)
	if err != nil {
		return nil, err
	}
	session, err := concurrency.NewSession(c.raw, concurrency.WithLease(clientv3.LeaseID(lease.ID)))
	if err != nil {
		_ = c.RevokeLease(context.WithoutCancel(ctx), lease.ID)
		return nil, c.wrap("lock", subject, err)
	}
	mutex := concurrency.NewMutex(session, name)
	if try {
		tctx, cancel := c.withTimeout(ctx)
		err = mutex.TryLock(tctx)
		cancel()
	} else {
		err = mutex.Lock(ctx)
	}
	if err != nil {
		_ = session.Close()
		return nil, c.lockError(ctx, name, subject, err)
	}
	owner, err := c.Get(ctx, mutex.Key())
	if err != nil {
		_ = session.Close()
		return nil, err
	}
	return &Lock{
		Name:     name,
		Key:      owner.Key,
		Revision: owner.CreateRevision,
		Lease:    lease.ID,
		session:  session,
		mutex:    mutex,
	}, nil
}

func (c *Client) lockError(ctx context.Context, name, subject string, err error) error {
	if !errors.Is(err, concurrency.ErrLocked) && !errors.Is(err, context.DeadlineExceeded) {
		return c.wrap("lock", subject, err)
	}
	holder, herr := c.LockHolder(context.WithoutCancel(ctx), name)
	if herr != nil || holder == nil {
		return c.wrap("lock", subject, err)
	}
	return &Error{Op: "lock", Subject: subject, Kind: ErrLockHeld,
		Err: fmt.Errorf("held by owner key %q (lease %x, since revision %d)", holder.Key, int64(holder.Lease), holder.CreateRevision)}
}

// ReleaseLock releases a held lock and revokes its session's lease.
func (c *Client) ReleaseLock(ctx context.Context, l *Lock) error {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	if err := l.mutex.Unlock(ctx); err != nil {
		return c.wrap("unlock", fmt.Sprintf("lock %q", l.Name), err)
	}
	return c.wrap("unlock", fmt.Sprintf("lock %q", l.Name), l.session.Close())
}

// IsLocked reports whether anyone holds the lock called name.
func (c *Client) IsLocked(ctx context.Context, name string) (bool, error) {
	holder, err := c.LockHolder(ctx, name)
	return holder != nil, err
}

// LockHolder returns the owner key of the current holder of the lock called
// name, or nil when it is free.
func (c *Client) LockHolder(ctx context.Context, name string) (*KeyValue, error) {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	// Not keys-only: etcd 3.7 serves keys-only ranges from its index, which
	// leaves out the lease. Owner keys have empty values anyway.
	resp, err := c.raw.Get(ctx, name+"/", clientv3.WithFirstCreate()...)
	if err != nil {
		return nil, c.wrap("lock holder", fmt.Sprintf("lock %q", name), err)
	}
	if len(resp.Kvs) == 0 {
		return nil, nil
	}
	kv := fromPB(resp.Kvs[0])
	return &kv, nil
}
