package etcdclient_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

// expectTxn checks a conditional write's outcome and the key it reports
// (wantValue "" with wantKV false: the key does not exist).
func expectTxn(t *testing.T, what string, res etcdclient.TxnResult, err error, succeeded bool, wantKV bool, wantValue string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if res.Succeeded != succeeded {
		t.Fatalf("%s: Succeeded = %v, want %v", what, res.Succeeded, succeeded)
	}
	if res.Revision == 0 {
		t.Errorf("%s: no revision", what)
	}
	switch {
	case !wantKV && res.KV != nil:
		t.Fatalf("%s: KV = %+v, want none", what, *res.KV)
	case wantKV && res.KV == nil:
		t.Fatalf("%s: no KV, want value %q", what, wantValue)
	case wantKV && string(res.KV.Value) != wantValue:
		t.Fatalf("%s: KV value = %q, want %q", what, res.KV.Value, wantValue)
	}
}

func TestConditionalWrites(t *testing.T) {
	t.Parallel()
	c, prefix := shared(t)
	ctx := t.Context()
	key := prefix + "k"

	res, err := c.UpdateIfExists(ctx, key, "no")
	expectTxn(t, "UpdateIfExists(missing)", res, err, false, false, "")
	expectMissing(t, c, key)

	res, err = c.CreateIfNotExists(ctx, key, "v1")
	expectTxn(t, "CreateIfNotExists(missing)", res, err, true, true, "v1")
	if res.KV.ModRevision != res.Revision || res.KV.Version != 1 {
		t.Errorf("created KV %+v at revision %d", *res.KV, res.Revision)
	}
	created := res.KV.ModRevision

	res, err = c.CreateIfNotExists(ctx, key, "v-other")
	expectTxn(t, "CreateIfNotExists(existing)", res, err, false, true, "v1")

	res, err = c.UpdateIfExists(ctx, key, "v2")
	expectTxn(t, "UpdateIfExists(existing)", res, err, true, true, "v2")

	res, err = c.CompareAndSwap(ctx, key, "v1", "v3")
	expectTxn(t, "CompareAndSwap(stale old value)", res, err, false, true, "v2")
	res, err = c.CompareAndSwap(ctx, key, "v2", "v3")
	expectTxn(t, "CompareAndSwap(current old value)", res, err, true, true, "v3")
	modRev := res.KV.ModRevision

	res, err = c.PutIfModRevision(ctx, key, "v4", created)
	expectTxn(t, "PutIfModRevision(stale)", res, err, false, true, "v3")
	res, err = c.PutIfModRevision(ctx, key, "v4", modRev)
	expectTxn(t, "PutIfModRevision(current)", res, err, true, true, "v4")
	modRev = res.KV.ModRevision

	res, err = c.PutIfModRevision(ctx, prefix+"new", "n", 0)
	expectTxn(t, "PutIfModRevision(0, missing)", res, err, true, true, "n")
	res, err = c.PutIfModRevision(ctx, prefix+"new", "n2", 0)
	expectTxn(t, "PutIfModRevision(0, existing)", res, err, false, true, "n")

	res, err = c.DeleteIfModRevision(ctx, key, modRev-1)
	expectTxn(t, "DeleteIfModRevision(stale)", res, err, false, true, "v4")
	res, err = c.DeleteIfModRevision(ctx, key, modRev)
	expectTxn(t, "DeleteIfModRevision(current)", res, err, true, false, "")
	expectMissing(t, c, key)

	// PutOptions apply to conditional writes.
	lease := grant(t, c, 60)
	res, err = c.CreateIfNotExists(ctx, key, "leased", etcdclient.WithLease(lease.ID))
	expectTxn(t, "CreateIfNotExists(with lease)", res, err, true, true, "leased")
	if res.KV.Lease != lease.ID {
		t.Errorf("KV lease = %d, want %d", res.KV.Lease, lease.ID)
	}
}

// TestCompareAndSwapRace: of 20 goroutines swapping the same value, exactly
// one wins each round, and every loser sees the winner's value.
func TestCompareAndSwapRace(t *testing.T) {
	t.Parallel()
	c, prefix := shared(t)
	key := prefix + "counter"
	current := "start"
	mustPut(t, c, key, current)
	const goroutines, rounds = 20, 5
	for round := range rounds {
		results := make([]etcdclient.TxnResult, goroutines)
		errs := make([]error, goroutines)
		var wg sync.WaitGroup
		for g := range goroutines {
			wg.Go(func() {
				results[g], errs[g] = c.CompareAndSwap(t.Context(), key, current, fmt.Sprintf("round %d by %d", round, g))
			})
		}
		wg.Wait()
		var winners []int
		for g, res := range results {
			if errs[g] != nil {
				t.Fatalf("round %d, goroutine %d: %v", round, g, errs[g])
			}
			if res.Succeeded {
				winners = append(winners, g)
			}
		}
		if len(winners) != 1 {
			t.Fatalf("round %d: winners %v, want exactly one", round, winners)
		}
		current = fmt.Sprintf("round %d by %d", round, winners[0])
		for g, res := range results {
			if res.KV == nil || string(res.KV.Value) != current {
				t.Fatalf("round %d, goroutine %d saw %+v; want the winner's value %q", round, g, res.KV, current)
			}
		}
		expectValue(t, c, key, current)
	}
}

func TestCommit(t *testing.T) {
	t.Parallel()
	c, prefix := shared(t)
	ctx := t.Context()
	exists, old, fresh, victim := prefix+"exists", prefix+"old", prefix+"fresh", prefix+"victim"
	mustPut(t, c, exists, "e")
	mustPut(t, c, victim, "not deleted")
	oldRev := mustPut(t, c, old, "o")
	lease := grant(t, c, 60)

	if rev, err := c.Commit(ctx, nil); err != nil || rev != 0 {
		t.Fatalf("Commit(nil) = %d, %v; want 0, nil", rev, err)
	}

	// Failed guards: nothing at all is written, and the error names the key.
	for _, tt := range []struct {
		name  string
		guard etcdclient.Op
		parts []string
	}{
		{"must not exist", etcdclient.Op{Key: exists, Value: "x", MustNotExist: true}, []string{fmt.Sprintf("%q exists", exists)}},
		{"max mod revision", etcdclient.Op{Key: old, Value: "x", MaxModRevision: oldRev - 1},
			[]string{fmt.Sprintf("%q was written at revision %d, after revision %d", old, oldRev, oldRev-1)}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ops := []etcdclient.Op{{Key: fresh, Value: "f"}, tt.guard, {Key: victim, Delete: true}}
			rev, err := c.Commit(ctx, ops)
			expectErr(t, err, etcdclient.ErrCompareFailed, append(tt.parts, "nothing was written")...)
			if rev != 0 {
				t.Errorf("failed Commit returned revision %d", rev)
			}
			expectMissing(t, c, fresh)
			expectValue(t, c, exists, "e")
			expectValue(t, c, old, "o")
			expectValue(t, c, victim, "not deleted")
		})
	}

	// Guards that hold: the writes, deletes and leases all apply at one revision.
	rev, err := c.Commit(ctx, []etcdclient.Op{
		{Key: fresh, Value: "f", MustNotExist: true},
		{Key: old, Value: "o2", MaxModRevision: oldRev},
		{Key: prefix + "leased", Value: "l", Lease: lease.ID},
		{Key: exists, Delete: true},
		{Key: victim, Delete: true},
		{Key: prefix + "never-written", MaxModRevision: 1, Delete: true}, // a missing key passes a MaxModRevision guard
	})
	if err != nil {
		t.Fatal(err)
	}
	kvs, err := c.List(ctx, prefix)
	if err != nil {
		t.Fatal(err)
	}
	if got := keysOf(kvs); !slices.Equal(got, []string{fresh, prefix + "leased", old}) {
		t.Fatalf("after Commit: %q", got)
	}
	for _, kv := range kvs {
		if kv.ModRevision != rev {
			t.Errorf("%s written at %d, want the commit's revision %d", kv.Key, kv.ModRevision, rev)
		}
	}
	if kvs[1].Lease != lease.ID || kvs[0].Lease != etcdclient.NoLease {
		t.Errorf("leases: %d, %d", kvs[1].Lease, kvs[0].Lease)
	}

	// etcd refuses more than 128 ops in one Txn.
	_, err = c.Commit(ctx, putOps(numbered(prefix+"many/", 200)))
	expectErr(t, err, etcdclient.ErrTooManyOps)
}

func TestCommitChunks(t *testing.T) {
	t.Parallel()
	c, prefix := shared(t)
	ctx := t.Context()

	// revisionGroups returns, for each key in order, the index of the
	// transaction that wrote it (keys written together share a revision).
	revisionGroups := func(t *testing.T, keys []string) (groups []int, lastRev int64) {
		t.Helper()
		got, err := c.GetMany(ctx, keys, 128)
		if err != nil {
			t.Fatal(err)
		}
		group := -1
		for _, k := range keys {
			kv, ok := got[k]
			if !ok {
				t.Fatalf("%s was not written", k)
			}
			if kv.ModRevision != lastRev {
				group, lastRev = group+1, kv.ModRevision
			}
			groups = append(groups, group)
		}
		return groups, lastRev
	}

	t.Run("by op count", func(t *testing.T) {
		keys := numbered(prefix+"ops/", 10)
		applied, rev, err := c.CommitChunks(ctx, putOps(keys), 3, etcdclient.MaxTxnBytes)
		if err != nil || applied != 10 {
			t.Fatalf("CommitChunks = %d, %v; want 10 applied", applied, err)
		}
		groups, last := revisionGroups(t, keys)
		if want := []int{0, 0, 0, 1, 1, 1, 2, 2, 2, 3}; !slices.Equal(groups, want) {
			t.Fatalf("transactions per key %v, want %v", groups, want)
		}
		if rev != last {
			t.Errorf("returned revision %d, want the last transaction's %d", rev, last)
		}
	})

	t.Run("by bytes", func(t *testing.T) {
		keys := numbered(prefix+"bytes/", 6)
		ops := putOps(keys)
		for i := range ops { // 150 bytes an op: two fit in 400, three do not
			ops[i].Value = strings.Repeat("x", 150-len(ops[i].Key))
		}
		ops[3].Value = strings.Repeat("y", 1000) // larger than maxBytes: goes alone
		applied, _, err := c.CommitChunks(ctx, ops, 128, 400)
		if err != nil || applied != 6 {
			t.Fatalf("CommitChunks = %d, %v; want 6 applied", applied, err)
		}
		groups, _ := revisionGroups(t, keys)
		if want := []int{0, 0, 1, 2, 3, 3}; !slices.Equal(groups, want) {
			t.Fatalf("transactions per key %v, want %v", groups, want)
		}
	})

	t.Run("a failing chunk stops the rest", func(t *testing.T) {
		keys := numbered(prefix+"fail/", 10)
		mustPut(t, c, keys[7], "already there")
		ops := putOps(keys)
		ops[7].MustNotExist = true
		applied, rev, err := c.CommitChunks(ctx, ops, 3, etcdclient.MaxTxnBytes)
		expectErr(t, err, etcdclient.ErrCompareFailed, keys[7])
		if applied != 6 {
			t.Fatalf("applied = %d, want 6 (two chunks of 3 before the failing one)", applied)
		}
		if rev == 0 {
			t.Error("no revision for the chunks that were applied")
		}
		for i, k := range keys {
			switch {
			case i < applied:
				expectValue(t, c, k, "v-"+k)
			case i == 7:
				expectValue(t, c, k, "already there")
			default:
				expectMissing(t, c, k)
			}
		}
	})

	t.Run("empty", func(t *testing.T) {
		if applied, rev, err := c.CommitChunks(ctx, nil, 3, 100); applied != 0 || rev != 0 || err != nil {
			t.Fatalf("CommitChunks(nil) = %d, %d, %v", applied, rev, err)
		}
	})
}

func TestWithFence(t *testing.T) {
	t.Parallel()
	c, prefix := shared(t)
	ctx := t.Context()
	lockKey := prefix + "lock"
	mustPut(t, c, lockKey, "held")
	fenced := c.WithFence(etcdclient.Fence{Key: lockKey, Revision: mustGet(t, c, lockKey).CreateRevision})
	data := prefix + "data/"

	// While the fence key exists with its create revision, writes go through.
	mustPut(t, fenced, data+"a", "1")
	mustPut(t, c, lockKey, "held, rewritten") // a new value keeps the create revision
	mustPut(t, fenced, data+"b", "2")
	if res, err := fenced.CompareAndSwap(ctx, data+"a", "1", "1b"); err != nil || !res.Succeeded {
		t.Fatalf("fenced CompareAndSwap = %+v, %v", res, err)
	}
	if res, err := fenced.CompareAndSwap(ctx, data+"a", "stale", "x"); err != nil || res.Succeeded {
		t.Fatalf("fenced CompareAndSwap with a stale value = %+v, %v; want a plain failed compare", res, err)
	}
	if _, err := fenced.Commit(ctx, []etcdclient.Op{{Key: data + "c", Value: "3", MustNotExist: true}}); err != nil {
		t.Fatal(err)
	}
	_, err := fenced.Commit(ctx, []etcdclient.Op{{Key: data + "c", Value: "x", MustNotExist: true}})
	expectErr(t, err, etcdclient.ErrCompareFailed)
	if existed, err := fenced.Delete(ctx, data+"c"); err != nil || !existed {
		t.Fatalf("fenced Delete = %v, %v", existed, err)
	}

	lost := func(t *testing.T) {
		t.Helper()
		before, err := c.List(ctx, data)
		if err != nil {
			t.Fatal(err)
		}
		writes := map[string]func() error{
			"put":     func() error { err := fenced.Put(ctx, data+"z", "x"); return err },
			"delete":  func() error { _, err := fenced.Delete(ctx, data+"a"); return err },
			"prefix":  func() error { _, err := fenced.DeletePrefix(ctx, data); return err },
			"range":   func() error { _, err := fenced.DeleteRange(ctx, data, "\x00"); return err },
			"swap":    func() error { _, err := fenced.CompareAndSwap(ctx, data+"a", "1b", "x"); return err },
			"create":  func() error { _, err := fenced.CreateIfNotExists(ctx, data+"z", "x"); return err },
			"update":  func() error { _, err := fenced.UpdateIfExists(ctx, data+"a", "x"); return err },
			"guarded": func() error { _, err := fenced.PutIfModRevision(ctx, data+"z", "x", 0); return err },
			"commit":  func() error { _, err := fenced.Commit(ctx, []etcdclient.Op{{Key: data + "z", Value: "x"}}); return err },
			"commit with guard": func() error {
				_, err := fenced.Commit(ctx, []etcdclient.Op{{Key: data + "z", Value: "x", MustNotExist: true}})
				return err
			},
			"chunks": func() error {
				_, _, err := fenced.CommitChunks(ctx, putOps([]string{data + "y", data + "z"}), 1, 100)
				return err
			},
		}
		for name, write := range writes {
			err := write()
			if !errors.Is(err, etcdclient.ErrFenceLost) || !strings.Contains(err.Error(), lockKey) {
				t.Errorf("%s through a lost fence: %v; want ErrFenceLost naming %q", name, err, lockKey)
			}
		}
		after, err := c.List(ctx, data)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(keysOf(after), keysOf(before)) || after[0].ModRevision != before[0].ModRevision {
			t.Fatalf("writes through a lost fence changed etcd: %q -> %q", keysOf(before), keysOf(after))
		}
		// Reads are not fenced.
		if _, err := fenced.Get(ctx, data+"a"); err != nil {
			t.Fatalf("fenced Get: %v", err)
		}
	}

	if _, err := c.Delete(ctx, lockKey); err != nil {
		t.Fatal(err)
	}
	t.Run("fence key deleted", lost)
	mustPut(t, c, lockKey, "recreated") // same key, new create revision
	t.Run("fence key recreated", lost)

	// The original client is not fenced.
	mustPut(t, c, data+"z", "unfenced")
}

// CommitChunksOwned guards each transaction with one compare over its keys'
// range: the writes land in the same transactions as CommitChunks's, and a
// key written in a chunk's range after the guard revision fails that chunk
// alone, named in the error.
func TestCommitChunksOwned(t *testing.T) {
	c, prefix := shared(t)
	since := mustPut(t, c, prefix+"a-before", "v") // older than the guard: allowed
	ops := make([]etcdclient.Op, 0, 30)
	for _, k := range numbered(prefix+"k", 30) {
		ops = append(ops, etcdclient.Op{Key: k, Value: "v-" + k})
	}
	applied, rev, err := c.CommitChunksOwned(t.Context(), ops[:10], 4, etcdclient.MaxTxnBytes, since)
	if err != nil || applied != 10 || rev <= since {
		t.Fatalf("CommitChunksOwned = %d, %d, %v", applied, rev, err)
	}

	// Someone writes inside the range of the second chunk of the rest.
	foreign := ops[15].Key + "-foreign"
	mustPut(t, c, foreign, "x")
	applied, _, err = c.CommitChunksOwned(t.Context(), ops[10:], 4, etcdclient.MaxTxnBytes, rev)
	expectErr(t, err, etcdclient.ErrCompareFailed, fmt.Sprintf("%q was written at revision", foreign))
	if applied != 4 {
		t.Fatalf("applied = %d, want the first chunk of 4", applied)
	}
	for i, o := range ops[10:] {
		_, gerr := c.Get(t.Context(), o.Key)
		if written := gerr == nil; written != (i < 4) {
			t.Errorf("%s written = %t", o.Key, written)
		}
	}
}

// CurrentRevision is etcd's revision, whatever key it is read with.
func TestCurrentRevision(t *testing.T) {
	c, prefix := shared(t)
	rev := mustPut(t, c, prefix+"a", "1")
	if now, err := c.CurrentRevision(t.Context(), prefix+"absent"); err != nil || now < rev {
		t.Fatalf("CurrentRevision = %d, %v; want at least %d", now, err, rev)
	}
}
