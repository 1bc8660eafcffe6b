package etcdclient_test

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

func TestPutGetDelete(t *testing.T) {
	t.Parallel()
	c, prefix := shared(t)
	ctx := t.Context()
	key := prefix + "a"

	_, err := c.Get(ctx, key)
	expectErr(t, err, etcdclient.ErrKeyNotFound, key)

	rev1 := mustPut(t, c, key, "one")
	kv := mustGet(t, c, key)
	want := etcdclient.KeyValue{Key: key, Value: []byte("one"), CreateRevision: rev1, ModRevision: rev1, Version: 1}
	if !equalKV(*kv, want) {
		t.Fatalf("after the first put: %+v, want %+v", *kv, want)
	}

	rev2 := mustPut(t, c, key, "two")
	if rev2 <= rev1 {
		t.Fatalf("second put at revision %d, not after %d", rev2, rev1)
	}
	kv = mustGet(t, c, key)
	want = etcdclient.KeyValue{Key: key, Value: []byte("two"), CreateRevision: rev1, ModRevision: rev2, Version: 2}
	if !equalKV(*kv, want) {
		t.Fatalf("after the second put: %+v, want %+v", *kv, want)
	}

	lease, err := c.GrantLease(ctx, 60)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.RevokeLease(ctx, lease.ID) }()
	mustPut(t, c, key, "leased", etcdclient.WithLease(lease.ID))
	if kv := mustGet(t, c, key); kv.Lease != lease.ID || kv.Version != 3 {
		t.Fatalf("after a put with a lease: %+v, want lease %d and version 3", *kv, lease.ID)
	}
	mustPut(t, c, key, "plain")
	if kv := mustGet(t, c, key); kv.Lease != etcdclient.NoLease {
		t.Fatalf("a put without WithLease must detach the key, got lease %d", kv.Lease)
	}

	existed, err := c.Delete(ctx, key)
	if err != nil || !existed {
		t.Fatalf("Delete(existing) = %v, %v; want true, nil", existed, err)
	}
	expectMissing(t, c, key)
	existed, err = c.Delete(ctx, key)
	if err != nil || existed {
		t.Fatalf("Delete(missing) = %v, %v; want false, nil", existed, err)
	}

	// Keys are bytes: empty values and binary keys round-trip.
	bin := prefix + "bin\x00\xff"
	mustPut(t, c, bin, "")
	if kv := mustGet(t, c, bin); kv.Key != bin || len(kv.Value) != 0 {
		t.Fatalf("binary key: %+v", *kv)
	}
}

func equalKV(a, b etcdclient.KeyValue) bool {
	return a.Key == b.Key && string(a.Value) == string(b.Value) && a.CreateRevision == b.CreateRevision &&
		a.ModRevision == b.ModRevision && a.Version == b.Version && a.Lease == b.Lease
}

func TestGetWithRevision(t *testing.T) {
	t.Parallel()
	c, prefix := shared(t)
	ctx := t.Context()
	key := prefix + "a"
	rev1 := mustPut(t, c, key, "old")
	rev2 := mustPut(t, c, key, "new")
	if _, err := c.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}

	for rev, want := range map[int64]string{rev1: "old", rev2: "new"} {
		kv, err := c.GetWithRevision(ctx, key, rev)
		if err != nil || string(kv.Value) != want || kv.ModRevision != rev {
			t.Errorf("GetWithRevision(%d) = %+v, %v; want %q", rev, kv, err, want)
		}
	}
	_, err := c.GetWithRevision(ctx, key, rev1-1)
	expectErr(t, err, etcdclient.ErrKeyNotFound, key)
	_, err = c.GetWithRevision(ctx, key, rev2+1_000_000)
	expectErr(t, err, etcdclient.ErrFutureRevision, key)
	// Revision 0 reads now, where the key is deleted.
	_, err = c.GetWithRevision(ctx, key, 0)
	expectErr(t, err, etcdclient.ErrKeyNotFound)
}

// DeleteRangeInChunks deletes every key of the range, chunk keys a
// transaction (one revision each), and nothing outside it.
func TestDeleteRangeInChunks(t *testing.T) {
	t.Parallel()
	_, c := ownServer(t) // alone, so that revisions count this test's writes only
	ctx := t.Context()
	for i, tc := range []struct{ keys, chunk, revisions int }{{25, 10, 3}, {20, 10, 2}, {10, 10, 1}, {0, 10, 0}, {3, 1, 3}, {2500, 1000, 3}} { // 2,500: bounds read over pages
		prefix := fmt.Sprintf("/t%d/", i)
		writeKeys(t, c, numbered(prefix+"in/", tc.keys))
		putAll(t, c, prefix+"before", "x", prefix+"in0", "x")
		before, err := c.CurrentRevision(ctx, prefix+"before")
		if err != nil {
			t.Fatal(err)
		}
		r := etcdclient.PrefixRange(prefix + "in/")
		n, err := c.DeleteRangeInChunks(ctx, r.Key, r.RangeEnd, int64(tc.chunk))
		if err != nil || n != int64(tc.keys) {
			t.Fatalf("%+v: DeleteRangeInChunks = %d, %v; want %d", tc, n, err, tc.keys)
		}
		if after, err := c.CurrentRevision(ctx, prefix+"before"); err != nil || after-before != int64(tc.revisions) {
			t.Fatalf("%+v: the deletes took revisions %d to %d (%v); want %d transactions", tc, before, after, err, tc.revisions)
		}
		if got := listKeys(t, c, prefix); !slices.Equal(got, []string{prefix + "before", prefix + "in0"}) {
			t.Fatalf("%+v: after the delete etcd holds %q", tc, got)
		}
	}
}

func TestDeletePrefixAndRange(t *testing.T) {
	t.Parallel()
	c, prefix := shared(t)
	ctx := t.Context()
	putAll(t, c,
		prefix+"app/a", "1", prefix+"app/b", "2", prefix+"app/c/d", "3",
		prefix+"apple", "4", prefix+"ap", "5", prefix+"b", "6")

	_, err := c.DeletePrefix(ctx, "")
	expectErr(t, err, etcdclient.ErrInvalidArgument, "empty prefix")

	n, err := c.DeletePrefix(ctx, prefix+"app/")
	if err != nil || n != 3 {
		t.Fatalf("DeletePrefix(app/) = %d, %v; want 3", n, err)
	}
	n, err = c.DeletePrefix(ctx, prefix+"app/")
	if err != nil || n != 0 {
		t.Fatalf("DeletePrefix(app/) again = %d, %v; want 0", n, err)
	}
	if got := listKeys(t, c, prefix); !slices.Equal(got, []string{prefix + "ap", prefix + "apple", prefix + "b"}) {
		t.Fatalf("after DeletePrefix: %q", got)
	}

	// [ap, b) holds ap and apple; an empty range end deletes one key only.
	n, err = c.DeleteRange(ctx, prefix+"b", "")
	if err != nil || n != 1 {
		t.Fatalf("DeleteRange(b, \"\") = %d, %v; want 1", n, err)
	}
	putAll(t, c, prefix+"b", "6")
	n, err = c.DeleteRange(ctx, prefix+"ap", prefix+"b")
	if err != nil || n != 2 {
		t.Fatalf("DeleteRange(ap, b) = %d, %v; want 2", n, err)
	}
	if got := listKeys(t, c, prefix); !slices.Equal(got, []string{prefix + "b"}) {
		t.Fatalf("after DeleteRange: %q, want only b", got)
	}
}

func listKeys(t *testing.T, c *etcdclient.Client, prefix string) []string {
	t.Helper()
	kvs, err := c.List(t.Context(), prefix)
	if err != nil {
		t.Fatalf("List(%q): %v", prefix, err)
	}
	return keysOf(kvs)
}

func TestListAndListRange(t *testing.T) {
	t.Parallel()
	c, prefix := shared(t)
	ctx := t.Context()
	// Written out of order: List returns key order.
	putAll(t, c, prefix+"c", "3", prefix+"a", "1", prefix+"b/x", "2", prefix+"b", "2b")
	outside := prefix[:len(prefix)-1] + "0" // sorts right after the prefix
	mustPut(t, c, outside, "outside")
	defer func() { _, _ = c.Delete(ctx, outside) }()

	all := []string{prefix + "a", prefix + "b", prefix + "b/x", prefix + "c"}
	kvs, err := c.List(ctx, prefix)
	if err != nil {
		t.Fatal(err)
	}
	if got := keysOf(kvs); !slices.Equal(got, all) {
		t.Fatalf("List = %q, want %q", got, all)
	}
	if string(kvs[0].Value) != "1" || string(kvs[3].Value) != "3" {
		t.Fatalf("List values: %q, %q", kvs[0].Value, kvs[3].Value)
	}
	if kvs, err := c.List(ctx, prefix+"nothing/"); err != nil || len(kvs) != 0 {
		t.Fatalf("List of an empty prefix = %v, %v", kvs, err)
	}

	revBefore := mustPut(t, c, prefix+"a", "1-new")
	if _, err := c.Delete(ctx, prefix+"c"); err != nil {
		t.Fatal(err)
	}
	now := mustPut(t, c, prefix+"d", "4")

	tests := []struct {
		name   string
		r      etcdclient.Range
		keys   []string
		values []string // nil: not checked
		rev    int64    // 0: at least now
	}{
		{"prefix", etcdclient.PrefixRange(prefix), []string{prefix + "a", prefix + "b", prefix + "b/x", prefix + "d"},
			[]string{"1-new", "2b", "2", "4"}, 0},
		{"limit", etcdclient.Range{Key: prefix, RangeEnd: etcdclient.PrefixRangeEnd(prefix), Limit: 2},
			[]string{prefix + "a", prefix + "b"}, nil, 0},
		{"limit larger than the range", etcdclient.Range{Key: prefix, RangeEnd: etcdclient.PrefixRangeEnd(prefix), Limit: 100},
			[]string{prefix + "a", prefix + "b", prefix + "b/x", prefix + "d"}, nil, 0},
		{"keys only", etcdclient.Range{Key: prefix + "a", RangeEnd: prefix + "c", KeysOnly: true},
			[]string{prefix + "a", prefix + "b", prefix + "b/x"}, []string{"", "", ""}, 0},
		{"single key", etcdclient.Range{Key: prefix + "b"}, []string{prefix + "b"}, []string{"2b"}, 0},
		{"missing single key", etcdclient.Range{Key: prefix + "zz"}, nil, nil, 0},
		{"at an old revision", etcdclient.Range{Key: prefix, RangeEnd: etcdclient.PrefixRangeEnd(prefix), Revision: revBefore - 1},
			all, []string{"1", "2b", "2", "3"}, revBefore - 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kvs, rev, err := c.ListRange(ctx, tt.r)
			if err != nil {
				t.Fatal(err)
			}
			if got := keysOf(kvs); !slices.Equal(got, tt.keys) {
				t.Fatalf("keys = %q, want %q", got, tt.keys)
			}
			if tt.values != nil {
				var got []string
				for _, kv := range kvs {
					got = append(got, string(kv.Value))
				}
				if !slices.Equal(got, tt.values) {
					t.Fatalf("values = %q, want %q", got, tt.values)
				}
			}
			if (tt.rev != 0 && rev != tt.rev) || (tt.rev == 0 && rev < now) {
				t.Fatalf("read at revision %d, want %d (0: at least %d)", rev, tt.rev, now)
			}
		})
	}
}

func TestForEach(t *testing.T) {
	t.Parallel()
	c, prefix, keys := sharedWithKeys(t, 10)
	ctx := t.Context()

	var seen []string
	rev, err := c.ForEach(ctx, etcdclient.PrefixRange(prefix), func(kv etcdclient.KeyValue) error {
		if string(kv.Value) != "v-"+kv.Key {
			return fmt.Errorf("%s = %q", kv.Key, kv.Value)
		}
		seen = append(seen, kv.Key)
		return nil
	})
	if err != nil || rev == 0 {
		t.Fatalf("ForEach = %d, %v", rev, err)
	}
	if !slices.Equal(seen, keys) {
		t.Fatalf("ForEach visited %q, want %q", seen, keys)
	}

	stop := errors.New("stop here")
	calls := 0
	_, err = c.ForEach(ctx, etcdclient.PrefixRange(prefix), func(etcdclient.KeyValue) error {
		calls++
		if calls == 3 {
			return stop
		}
		return nil
	})
	if err != stop || calls != 3 { //nolint:errorlint // must be returned as is
		t.Fatalf("ForEach with a failing callback = %v after %d calls; want the callback's error after 3", err, calls)
	}
}

func TestGetMany(t *testing.T) {
	t.Parallel()
	c, prefix, keys := sharedWithKeys(t, 7)
	ctx := t.Context()
	ask := append(slices.Clone(keys), prefix+"missing-1", prefix+"missing-2")

	for _, maxOps := range []int{0, 1, 2, 128} {
		got, err := c.GetMany(ctx, ask, maxOps)
		if err != nil {
			t.Fatalf("GetMany(maxOps %d): %v", maxOps, err)
		}
		if gotKeys := slices.Sorted(maps.Keys(got)); !slices.Equal(gotKeys, keys) {
			t.Fatalf("GetMany(maxOps %d) returned %q, want %q", maxOps, gotKeys, keys)
		}
		for k, kv := range got {
			if kv.Key != k || string(kv.Value) != "v-"+k || kv.ModRevision == 0 {
				t.Fatalf("GetMany: %q -> %+v", k, kv)
			}
		}
	}
	if got, err := c.GetMany(ctx, nil, 10); err != nil || len(got) != 0 {
		t.Fatalf("GetMany(nil) = %v, %v", got, err)
	}
}

func TestGetKeyCountWithPrefix(t *testing.T) {
	t.Parallel()
	c, prefix := shared(t)
	ctx := t.Context()
	writeKeys(t, c, numbered(prefix+"x/", 25))
	mustPut(t, c, prefix+"y", "1")
	for p, want := range map[string]int64{prefix: 26, prefix + "x/": 25, prefix + "y": 1, prefix + "z": 0} {
		if n, err := c.GetKeyCountWithPrefix(ctx, p); err != nil || n != want {
			t.Errorf("GetKeyCountWithPrefix(%q) = %d, %v; want %d", p, n, err, want)
		}
	}
	total, err := c.GetKeyCount(ctx)
	if err != nil || total < 26 {
		t.Errorf("GetKeyCount = %d, %v; want at least this test's 26 keys", total, err)
	}
}

// TestLargeKeyspace writes 100,000 keys and reads them back in pages: in
// order, complete, as one snapshot, and with Limit and KeysOnly.
func TestLargeKeyspace(t *testing.T) {
	t.Parallel()
	_, c := ownServer(t)
	ctx := t.Context()
	const n = 100_000
	prefix := "/big/"
	keys := numbered(prefix, n)
	writeKeys(t, c, keys)
	mustPut(t, c, "/after", "outside the prefix")

	if total, err := c.GetKeyCount(ctx); err != nil || total != n+1 {
		t.Fatalf("GetKeyCount = %d, %v; want %d", total, err, n+1)
	}
	if count, err := c.GetKeyCountWithPrefix(ctx, prefix); err != nil || count != n {
		t.Fatalf("GetKeyCountWithPrefix = %d, %v; want %d", count, err, n)
	}

	kvs, err := c.List(ctx, prefix)
	if err != nil {
		t.Fatal(err)
	}
	if len(kvs) != n {
		t.Fatalf("List returned %d keys, want %d", len(kvs), n)
	}
	for i, kv := range kvs {
		if kv.Key != keys[i] || string(kv.Value) != "v-"+keys[i] {
			t.Fatalf("List[%d] = %q=%q, want %q", i, kv.Key, kv.Value, keys[i])
		}
	}

	// The pages are read at the revision of the first one: a key written
	// and one deleted during the walk do not show.
	var walked int
	var lastKey string
	_, err = c.ForEach(ctx, etcdclient.PrefixRange(prefix), func(kv etcdclient.KeyValue) error {
		if walked == 0 {
			mustPut(t, c, prefix+"zzz-written-during-the-walk", "x")
			if _, err := c.Delete(ctx, keys[n-1]); err != nil {
				return err
			}
		}
		if kv.Key <= lastKey {
			return fmt.Errorf("%q after %q: not in key order", kv.Key, lastKey)
		}
		walked, lastKey = walked+1, kv.Key
		return nil
	})
	if err != nil || walked != n || lastKey != keys[n-1] {
		t.Fatalf("ForEach walked %d keys up to %q (%v); want the %d keys of the snapshot up to %q", walked, lastKey, err, n, keys[n-1])
	}

	// A limit across a page boundary, without values.
	kvs, _, err = c.ListRange(ctx, etcdclient.Range{Key: prefix, RangeEnd: etcdclient.PrefixRangeEnd(prefix), Limit: 2500, KeysOnly: true})
	if err != nil || len(kvs) != 2500 {
		t.Fatalf("ListRange(limit 2500) = %d keys, %v", len(kvs), err)
	}
	if kvs[2499].Key != keys[2499] || len(kvs[0].Value) != 0 {
		t.Fatalf("ListRange(limit 2500, keys only): last %q, first value %q", kvs[2499].Key, kvs[0].Value)
	}

	// "\x00" as range end: every key from Key on.
	kvs, _, err = c.ListRange(ctx, etcdclient.Range{Key: keys[n-3], RangeEnd: "\x00"})
	if got := keysOf(kvs); err != nil || !slices.Equal(got, []string{keys[n-3], keys[n-2], prefix + "zzz-written-during-the-walk"}) {
		t.Fatalf("ListRange from %q to the end = %q, %v", keys[n-3], got, err)
	}

	if deleted, err := c.DeletePrefix(ctx, prefix); err != nil || deleted != n {
		t.Fatalf("DeletePrefix = %d, %v; want %d", deleted, err, n)
	}
	if total, err := c.GetKeyCount(ctx); err != nil || total != 1 {
		t.Fatalf("GetKeyCount after DeletePrefix = %d, %v; want 1", total, err)
	}
}

func TestPrefixRangeEnd(t *testing.T) {
	t.Parallel()
	for prefix, want := range map[string]string{
		"":             "\x00",
		"a":            "b",
		"/app/":        "/app0",
		"a\xff":        "b",
		"ab\xff\xff":   "ac",
		"\xff":         "\x00",
		"\xff\xff":     "\x00",
		"a\x00":        "a\x01",
		"\xfe\xff":     "\xff",
		"/etcd/\xff/x": "/etcd/\xff/y",
	} {
		got := etcdclient.PrefixRangeEnd(prefix)
		if got != want {
			t.Errorf("PrefixRangeEnd(%q) = %q, want %q", prefix, got, want)
		}
		if raw := clientv3.GetPrefixRangeEnd(prefix); got != raw {
			t.Errorf("PrefixRangeEnd(%q) = %q, but clientv3.GetPrefixRangeEnd says %q", prefix, got, raw)
		}
		wantKey := prefix
		if prefix == "" { // etcd refuses an empty key: "\x00" starts the keyspace
			wantKey = "\x00"
		}
		if r := etcdclient.PrefixRange(prefix); r.Key != wantKey || r.RangeEnd != want || r.Limit != 0 || r.Revision != 0 || r.KeysOnly {
			t.Errorf("PrefixRange(%q) = %+v", prefix, r)
		}
	}
}

// TestPrefixRangeEndAgainstEtcd checks that a prefix whose last bytes are
// 0xff selects exactly the keys that start with it.
func TestPrefixRangeEndAgainstEtcd(t *testing.T) {
	t.Parallel()
	c, prefix := shared(t)
	in := []string{prefix + "a\xff", prefix + "a\xff\x00", prefix + "a\xff\xff"}
	putAll(t, c, in[0], "", in[1], "", in[2], "", prefix+"b", "", prefix+"a", "")
	got := listKeys(t, c, prefix+"a\xff")
	if !slices.Equal(got, in) {
		t.Fatalf("List(a\\xff) = %q, want %q", got, in)
	}
}

// TestEmptyPrefixIsWholeKeyspace: List, GetKeyCountWithPrefix and
// WatchPrefix read the empty prefix as every key; DeletePrefix refuses it.
func TestEmptyPrefixIsWholeKeyspace(t *testing.T) {
	t.Parallel()
	_, c := ownServer(t)
	ctx := t.Context()
	evs := newEvents()
	if err := c.WatchPrefix(ctx, "", evs.cb); err != nil {
		t.Fatal(err)
	}
	putAll(t, c, "/a", "1", "b", "2", "\xff", "3")
	evs.expect(t, put("/a", "1"), put("b", "2"), put("\xff", "3"))

	kvs, err := c.List(ctx, "")
	if err != nil {
		t.Fatalf("List(\"\"): %v", err)
	}
	if got := keysOf(kvs); !slices.Equal(got, []string{"/a", "b", "\xff"}) {
		t.Errorf("List(\"\") = %q", got)
	}
	if n, err := c.GetKeyCountWithPrefix(ctx, ""); err != nil || n != 3 {
		t.Errorf("GetKeyCountWithPrefix(\"\") = %d, %v; want 3", n, err)
	}

	_, err = c.DeletePrefix(ctx, "")
	expectErr(t, err, etcdclient.ErrInvalidArgument, "empty prefix")
	if n, err := c.DeleteRange(ctx, "\x00", "\x00"); err != nil || n != 3 {
		t.Errorf("DeleteRange(\"\\x00\", \"\\x00\") = %d, %v; want 3 deleted", n, err)
	}
}
