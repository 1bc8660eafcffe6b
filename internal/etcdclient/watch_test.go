package etcdclient_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
)

// events collects what a watch delivers.
type events chan etcdclient.WatchEvent

func newEvents() events { return make(events, 1000) }

func (e events) cb(ev *etcdclient.WatchEvent) { e <- *ev }

// want describes one expected event; Rev 0 is not checked.
type want struct {
	Type  etcdclient.EventType
	Key   string
	Value string
	Rev   int64
}

// expect fails unless the next events are exactly ws, in order.
func (e events) expect(t *testing.T, ws ...want) []etcdclient.WatchEvent {
	t.Helper()
	var got []etcdclient.WatchEvent
	for i, w := range ws {
		select {
		case ev := <-e:
			got = append(got, ev)
			if ev.Type != w.Type || ev.Key != w.Key || string(ev.Value) != w.Value || (w.Rev != 0 && ev.Revision != w.Rev) {
				t.Fatalf("event %d = %s %q=%q at %d; want %s %q=%q at %d", i, ev.Type, ev.Key, ev.Value, ev.Revision, w.Type, w.Key, w.Value, w.Rev)
			}
		case <-time.After(eventually):
			t.Fatalf("event %d (%s %q) did not come within %v", i, w.Type, w.Key, eventually)
		}
	}
	return got
}

// expectStopped waits for w to stop and returns its Err.
func expectStopped(t *testing.T, w *etcdclient.Watch) error {
	t.Helper()
	select {
	case <-w.Done():
		return w.Err()
	case <-time.After(eventually):
		t.Fatalf("the watch did not stop within %v", eventually)
	}
	return nil
}

// watching starts a watch with start, under a context the test can end,
// and returns what it delivers.
func watching(t *testing.T, start func(ctx context.Context, cb func(*etcdclient.WatchEvent)) (*etcdclient.Watch, error)) (events, *etcdclient.Watch, context.CancelFunc) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	t.Cleanup(cancel)
	evs := newEvents()
	w, err := start(ctx, evs.cb)
	if err != nil {
		t.Fatalf("starting the watch: %v", err)
	}
	return evs, w, cancel
}

// expectCancelled ends the context of w and expects it to stop cleanly.
func expectCancelled(t *testing.T, w *etcdclient.Watch, cancel context.CancelFunc) {
	t.Helper()
	cancel()
	if err := expectStopped(t, w); err != nil {
		t.Fatalf("a watch stopped by its context: Err() = %v, want nil", err)
	}
}

func put(k, v string) want { return want{Type: etcdclient.EventTypePut, Key: k, Value: v} }
func del(k string) want    { return want{Type: etcdclient.EventTypeDelete, Key: k} }

func TestWatch(t *testing.T) {
	t.Parallel()
	c, prefix := shared(t)
	key := prefix + "watched"
	evs, w, cancel := watching(t, func(ctx context.Context, cb func(*etcdclient.WatchEvent)) (*etcdclient.Watch, error) {
		return c.StartWatch(ctx, key, etcdclient.WatchOptions{}, cb)
	})
	ctx := t.Context()

	r1 := mustPut(t, c, key, "v1")
	mustPut(t, c, key+"2", "not watched") // a key that only starts with key
	mustPut(t, c, prefix+"other", "not watched")
	r2 := mustPut(t, c, key, "v2")
	if _, err := c.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	r3 := mustPut(t, c, key, "v3")
	got := evs.expect(t,
		want{etcdclient.EventTypePut, key, "v1", r1}, want{etcdclient.EventTypePut, key, "v2", r2},
		del(key), want{etcdclient.EventTypePut, key, "v3", r3})
	if got[0].CreateRevision != r1 || got[0].Version != 1 || got[1].Version != 2 || got[3].Version != 1 || got[3].CreateRevision != r3 {
		t.Errorf("create revisions / versions: %+v", got)
	}
	if got[2].Revision <= r2 || got[2].Revision >= r3 || len(got[2].Value) != 0 {
		t.Errorf("delete event: %+v, want a revision between %d and %d and no value", got[2], r2, r3)
	}

	expectCancelled(t, w, cancel)
}

func TestWatchPrefix(t *testing.T) {
	t.Parallel()
	c, prefix := shared(t)
	dir := prefix + "dir/"
	evs, w, cancel := watching(t, func(ctx context.Context, cb func(*etcdclient.WatchEvent)) (*etcdclient.Watch, error) {
		return c.StartWatch(ctx, dir, etcdclient.WatchOptions{Prefix: true}, cb)
	})
	ctx := t.Context()
	lease := grant(t, c, 60)

	mustPut(t, c, dir+"a", "1")
	mustPut(t, c, prefix+"dir", "outside: no slash")
	mustPut(t, c, prefix+"dir0", "outside: after the range")
	mustPut(t, c, dir+"b/c", "2", etcdclient.WithLease(lease.ID))
	if _, err := c.Delete(ctx, dir+"a"); err != nil {
		t.Fatal(err)
	}
	mustPut(t, c, dir+"z", "last")
	got := evs.expect(t, put(dir+"a", "1"), put(dir+"b/c", "2"), del(dir+"a"), put(dir+"z", "last"))
	if got[1].Lease != lease.ID {
		t.Errorf("event of a leased key has lease %d, want %d", got[1].Lease, lease.ID)
	}
	if got[0].Type.String() != "PUT" || got[2].Type.String() != "DELETE" {
		t.Errorf("EventType.String() = %q, %q; want PUT, DELETE", got[0].Type, got[2].Type)
	}
	expectCancelled(t, w, cancel)
}

func TestWatchFromRevision(t *testing.T) {
	t.Parallel()
	c, prefix := shared(t)
	key := prefix + "k"
	ctx := t.Context()
	r1 := mustPut(t, c, key, "1")
	mustPut(t, c, prefix+"other", "o")
	r2 := mustPut(t, c, key, "2")
	if _, err := c.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}

	t.Run("key", func(t *testing.T) {
		evs := newEvents()
		if err := c.WatchFromRevision(ctx, key, r1, evs.cb); err != nil {
			t.Fatal(err)
		}
		evs.expect(t, want{etcdclient.EventTypePut, key, "1", r1}, want{etcdclient.EventTypePut, key, "2", r2}, del(key))
		r4 := mustPut(t, c, key, "after")
		evs.expect(t, want{etcdclient.EventTypePut, key, "after", r4})
		if len(evs) != 0 {
			t.Fatalf("extra events: %d", len(evs))
		}
	})
	t.Run("prefix", func(t *testing.T) {
		evs := newEvents()
		if err := c.WatchPrefixFromRevision(ctx, prefix, r1+1, evs.cb); err != nil {
			t.Fatal(err)
		}
		evs.expect(t, put(prefix+"other", "o"), want{etcdclient.EventTypePut, key, "2", r2}, del(key), put(key, "after"))
	})
}

// TestWatchCompactedRevision: a watch from a compacted revision is refused
// by the call that starts it, with ErrCompacted; never silence.
func TestWatchCompactedRevision(t *testing.T) {
	t.Parallel()
	_, c := ownServer(t)
	ctx := t.Context()
	r1 := mustPut(t, c, "/k", "1")
	mustPut(t, c, "/k", "2")
	r3 := mustPut(t, c, "/k", "3")
	if err := c.CompactHistory(ctx, r3); err != nil {
		t.Fatal(err)
	}

	for name, start := range map[string]func(cb func(*etcdclient.WatchEvent)) error{
		"key": func(cb func(*etcdclient.WatchEvent)) error {
			return c.WatchFromRevision(ctx, "/k", r1, cb)
		},
		"prefix": func(cb func(*etcdclient.WatchEvent)) error {
			return c.WatchPrefixFromRevision(ctx, "/", r1, cb)
		},
		"whole keyspace": func(cb func(*etcdclient.WatchEvent)) error {
			return c.WatchPrefixFromRevision(ctx, "", r1, cb)
		},
		"handle": func(cb func(*etcdclient.WatchEvent)) error {
			_, err := c.StartWatch(ctx, "/k", etcdclient.WatchOptions{Revision: r1}, cb)
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			evs := newEvents()
			err := start(evs.cb)
			expectErr(t, err, etcdclient.ErrCompacted, "has been compacted", fmt.Sprintf("from revision %d", r1))
			if len(evs) != 0 {
				t.Errorf("a compacted watch delivered %d events", len(evs))
			}
		})
	}
	// A revision still to come is no error: the watch waits for it.
	evs := newEvents()
	if err := c.WatchFromRevision(ctx, "/k", r3+2, evs.cb); err != nil {
		t.Fatalf("a watch from a future revision: %v", err)
	}
	mustPut(t, c, "/k", "4")
	r5 := mustPut(t, c, "/k", "5")
	evs.expect(t, want{etcdclient.EventTypePut, "/k", "5", r5})
}

func TestWatchEndsWhenClientCloses(t *testing.T) {
	t.Parallel()
	cfg := etcdtest.Shared(t).Config
	c, err := etcdclient.New(&cfg) // closed by the test
	if err != nil {
		t.Fatal(err)
	}
	w, err := c.StartWatch(context.Background(), etcdtest.Prefix(t)+"k", etcdclient.WatchOptions{}, func(*etcdclient.WatchEvent) {})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	expectErr(t, expectStopped(t, w), etcdclient.ErrClosed)
}

func TestWatchWithEndedContext(t *testing.T) {
	t.Parallel()
	c, prefix := shared(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := c.Watch(ctx, prefix+"k", func(*etcdclient.WatchEvent) {})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Watch with an ended context = %v, want an error wrapping context.Canceled", err)
	}
}
