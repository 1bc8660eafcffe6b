package etcdclient

import (
	"context"
	"errors"
	"fmt"
	"sync"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// EventType says what happened to a key.
type EventType int

// Event types, as etcd reports them.
const (
	EventTypePut EventType = iota
	EventTypeDelete
)

func (t EventType) String() string {
	if t == EventTypeDelete {
		return "DELETE"
	}
	return "PUT"
}

// WatchEvent is one change of one key.
type WatchEvent struct {
	Type EventType
	Key  string
	// Value is the new value; empty for a delete.
	Value []byte
	// Revision is the store revision of the change.
	Revision       int64
	CreateRevision int64
	Version        int64
	Lease          LeaseID
}

// Watch is a running watch. It stops when the context given to the call that
// started it ends, or when etcd cancels it.
type Watch struct {
	done chan struct{}
	mu   sync.Mutex
	err  error
}

// Done is closed when the watch has stopped and its last callback returned.
func (w *Watch) Done() <-chan struct{} { return w.done }

// Err returns why the watch stopped: nil when its context ended, an error
// wrapping ErrCompacted when the start revision was compacted, or another
// error from etcd. Call it after Done is closed.
func (w *Watch) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// Watch calls cb for every change of key from now on.
func (c *Client) Watch(ctx context.Context, key string, cb func(WatchEvent)) (*Watch, error) {
	return c.startWatch(ctx, keySubject(key), key, cb)
}

// WatchPrefix calls cb for every change of a key starting with prefix.
func (c *Client) WatchPrefix(ctx context.Context, prefix string, cb func(WatchEvent)) (*Watch, error) {
	return c.startWatch(ctx, prefixSubject(prefix), prefix, cb, clientv3.WithPrefix())
}

// WatchFromRevision replays the changes of key since revision rev, then goes
// on with new ones. A compacted rev stops the watch with ErrCompacted.
func (c *Client) WatchFromRevision(ctx context.Context, key string, rev int64, cb func(WatchEvent)) (*Watch, error) {
	return c.startWatch(ctx, fmt.Sprintf("%s from revision %d", keySubject(key), rev), key, cb, clientv3.WithRev(rev))
}

// WatchPrefixFromRevision is WatchFromRevision for every key under prefix.
func (c *Client) WatchPrefixFromRevision(ctx context.Context, prefix string, rev int64, cb func(WatchEvent)) (*Watch, error) {
	return c.startWatch(ctx, fmt.Sprintf("%s from revision %d", prefixSubject(prefix), rev), prefix, cb, clientv3.WithPrefix(), clientv3.WithRev(rev))
}

// startWatch returns once etcd has confirmed the watch, so no change made
// after the call returns can be missed.
func (c *Client) startWatch(ctx context.Context, subject, key string, cb func(WatchEvent), opts ...clientv3.OpOption) (*Watch, error) {
	const op = "watch"
	ctx, cancel := context.WithCancel(ctx)
	// RequireLeader makes the watch fail instead of hanging on a member cut
	// off from the cluster.
	wch := c.raw.Watch(clientv3.WithRequireLeader(ctx), key, append(opts, clientv3.WithCreatedNotify())...)
	w := &Watch{done: make(chan struct{})}
	if err := c.awaitCreated(ctx, op, subject, wch); err != nil {
		cancel()
		return nil, err
	}
	go func() {
		defer close(w.done)
		defer cancel()
		w.setErr(c.deliver(ctx, op, subject, wch, cb))
	}()
	return w, nil
}

func (c *Client) awaitCreated(ctx context.Context, op, subject string, wch clientv3.WatchChan) error {
	tctx, cancel := c.withTimeout(ctx)
	defer cancel()
	select {
	case resp, ok := <-wch:
		if !ok {
			return c.wrap(op, subject, ctx.Err())
		}
		return c.watchErr(op, subject, resp)
	case <-tctx.Done():
		return c.wrap(op, subject, tctx.Err())
	}
}

func (c *Client) deliver(ctx context.Context, op, subject string, wch clientv3.WatchChan, cb func(WatchEvent)) error {
	for resp := range wch {
		if err := c.watchErr(op, subject, resp); err != nil {
			if ctx.Err() != nil && !errors.Is(err, ErrCompacted) {
				return nil
			}
			return err
		}
		for _, ev := range resp.Events {
			cb(toWatchEvent(ev))
		}
	}
	if ctx.Err() == nil {
		return &Error{Op: op, Subject: subject, Kind: ErrUnavailable, Err: errors.New("the watch was closed (client closed?)")}
	}
	return nil
}

func (c *Client) watchErr(op, subject string, resp clientv3.WatchResponse) error {
	if resp.CompactRevision > 0 {
		return &Error{Op: op, Subject: subject, Kind: ErrCompacted,
			Err: fmt.Errorf("history before revision %d has been compacted; watch from a later revision", resp.CompactRevision)}
	}
	return c.wrap(op, subject, resp.Err())
}

func (w *Watch) setErr(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.err = err
}

func toWatchEvent(ev *clientv3.Event) WatchEvent {
	kv := fromPB(ev.Kv)
	t := EventTypePut
	if ev.Type == clientv3.EventTypeDelete {
		t = EventTypeDelete
	}
	return WatchEvent{
		Type:           t,
		Key:            kv.Key,
		Value:          kv.Value,
		Revision:       kv.ModRevision,
		CreateRevision: kv.CreateRevision,
		Version:        kv.Version,
		Lease:          kv.Lease,
	}
}
