package etcdclient

import (
	"context"
	"errors"
	"fmt"
	"slices"
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

// Watch is a running watch started by StartWatch. It stops when the context
// given to StartWatch ends, when etcd cancels it, or when the client closes.
type Watch struct {
	done chan struct{}
	mu   sync.Mutex
	err  error
}

// Done is closed when the watch has stopped and its last callback returned.
func (w *Watch) Done() <-chan struct{} { return w.done }

// Err returns why the watch stopped: nil when its context ended, an error
// wrapping ErrCompacted when the start revision was compacted, ErrClosed when
// the client was closed, or another error from etcd. Call it after Done is
// closed.
func (w *Watch) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// WatchOptions choose what StartWatch watches besides its key.
type WatchOptions struct {
	// Prefix watches every key starting with the key; the empty key with
	// Prefix watches the whole keyspace.
	Prefix bool
	// Revision, when > 0, first replays the changes since that revision.
	Revision int64
}

// Watch calls cb, in the background, for every change of key from now on,
// until ctx ends. It returns once etcd has confirmed the watch, so no change
// made after it returns is missed; or with the error that kept the watch
// from starting (etcd unreachable within the request timeout, an ended ctx).
// Callbacks run one at a time, in revision order. Use StartWatch to learn
// when and why a watch stopped.
func (c *Client) Watch(ctx context.Context, key string, cb func(*WatchEvent)) error {
	_, err := c.StartWatch(ctx, key, WatchOptions{}, cb)
	return err
}

// WatchPrefix is Watch for every key starting with prefix; the empty prefix
// watches the whole keyspace.
func (c *Client) WatchPrefix(ctx context.Context, prefix string, cb func(*WatchEvent)) error {
	_, err := c.StartWatch(ctx, prefix, WatchOptions{Prefix: true}, cb)
	return err
}

// WatchFromRevision is Watch that first replays the changes of key since
// revision rev. A compacted rev is refused with an error wrapping
// ErrCompacted.
func (c *Client) WatchFromRevision(ctx context.Context, key string, rev int64, cb func(*WatchEvent)) error {
	_, err := c.StartWatch(ctx, key, WatchOptions{Revision: rev}, cb)
	return err
}

// WatchPrefixFromRevision is WatchFromRevision for every key under prefix.
func (c *Client) WatchPrefixFromRevision(ctx context.Context, prefix string, rev int64, cb func(*WatchEvent)) error {
	_, err := c.StartWatch(ctx, prefix, WatchOptions{Prefix: true, Revision: rev}, cb)
	return err
}

// StartWatch is the watch behind Watch, WatchPrefix and WatchFromRevision,
// returning a handle that tells when and why the watch stopped.
func (c *Client) StartWatch(ctx context.Context, key string, o WatchOptions, cb func(*WatchEvent)) (*Watch, error) {
	subject, opts := o.describe(key)
	if err := c.checkOpen("watch", subject); err != nil {
		return nil, err
	}
	return c.startWatch(ctx, subject, key, o.Revision, cb, opts...)
}

func (o WatchOptions) describe(key string) (string, []clientv3.OpOption) {
	subject := keySubject(key)
	var opts []clientv3.OpOption
	if o.Prefix {
		subject = prefixSubject(key)
		opts = append(opts, clientv3.WithPrefix())
	}
	if o.Revision > 0 {
		subject = fmt.Sprintf("%s from revision %d", subject, o.Revision)
		opts = append(opts, clientv3.WithRev(o.Revision))
	}
	return subject, opts
}

// startWatch returns once etcd has confirmed the watch, so no change made
// after the call returns can be missed.
func (c *Client) startWatch(ctx context.Context, subject, key string, rev int64, cb func(*WatchEvent), opts ...clientv3.OpOption) (*Watch, error) {
	const op = "watch"
	ctx, cancel := context.WithCancel(ctx)
	// RequireLeader makes the watch fail instead of hanging on a member cut
	// off from the cluster.
	wch := c.raw.Watch(clientv3.WithRequireLeader(ctx), key, append(slices.Clip(opts), clientv3.WithCreatedNotify())...)
	w := &Watch{done: make(chan struct{})}
	err := c.awaitCreated(ctx, op, subject, wch)
	if err == nil && rev > 0 {
		err = c.checkNotCompacted(ctx, op, subject, key, opts)
	}
	if err != nil {
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

// checkNotCompacted reads the watched range at the start revision in opts. etcd confirms a watch
// from a compacted revision and cancels it only later; compaction never
// goes back, so a read at rev made after the confirmation fails whenever
// the compaction came first. One that comes later reaches Watch.Err.
func (c *Client) checkNotCompacted(ctx context.Context, op, subject, key string, opts []clientv3.OpOption) error {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	_, err := c.raw.Get(ctx, key, append(slices.Clip(opts), clientv3.WithCountOnly())...)
	if err = c.wrap(op, subject, err); errors.Is(err, ErrFutureRevision) {
		return nil // a watch may wait for a revision to come
	}
	return err
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

func (c *Client) deliver(ctx context.Context, op, subject string, wch clientv3.WatchChan, cb func(*WatchEvent)) error {
	for resp := range wch {
		if err := c.watchErr(op, subject, resp); err != nil {
			if ctx.Err() != nil && !errors.Is(err, ErrCompacted) {
				return nil
			}
			return err
		}
		for _, e := range resp.Events {
			ev := toWatchEvent(e)
			cb(&ev)
		}
	}
	if err := c.checkOpen(op, subject); err != nil {
		return err
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
