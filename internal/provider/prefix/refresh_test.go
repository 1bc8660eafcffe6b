package prefix

import (
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/protocol"
)

// ownFixture is a fixture on an etcd of the test's own, which the test may
// restore, compact, defragment or replace.
type ownFixture struct {
	*fixture
	server *etcdtest.Server
}

func newOwnFixture(t *testing.T, maxTxnOps int) *ownFixture {
	t.Helper()
	srv := etcdtest.New(t)
	client := etcdtest.Client(t, srv.ClientConfig())
	conn := protocol.Conn{Client: client, MaxTxnOps: maxTxnOps}
	return &ownFixture{
		fixture: &fixture{t: t, server: NewServer(func() (protocol.Conn, error) { return conn, nil }), client: client, prefix: "/own/"},
		server:  srv,
	}
}

// refreshedKeys refreshes rs and returns the new state and its keys.
func (f *fixture) refreshedKeys(rs resourceState) (resourceState, map[string]string) {
	f.t.Helper()
	next, diags := f.read(rs)
	expectNoErrors(f.t, diags)
	st := f.decoded(next)
	if st == nil {
		return next, nil
	}
	return next, st.Keys
}

// snapshot saves a snapshot of the fixture's etcd and returns its path.
func (f *ownFixture) snapshot() string {
	f.t.Helper()
	path := filepath.Join(f.t.TempDir(), "snapshot.db")
	if err := f.server.SaveSnapshot(f.t.Context(), path); err != nil {
		f.t.Fatal(err)
	}
	return path
}

func (f *ownFixture) restore(path string, bump uint64) {
	f.t.Helper()
	if err := f.server.RestoreSnapshot(path, bump); err != nil {
		f.t.Fatal(err)
	}
}

// revision is etcd's current revision.
func (f *fixture) revision() int64 {
	f.t.Helper()
	resp, err := f.client.Raw().Get(f.t.Context(), "/revision-probe")
	if err != nil {
		f.t.Fatal(err)
	}
	return resp.Header.Revision
}

// shown is what a refresh of a state declaring declared (and hiding hidden)
// shows of what etcd holds under the prefix: the values of declared keys,
// the hidden values of the others.
func (f *fixture) shown(declared map[string]string, hidden ...string) map[string]string {
	f.t.Helper()
	kvs, err := f.client.List(f.t.Context(), f.prefix)
	if err != nil {
		f.t.Fatal(err)
	}
	out := map[string]string{}
	for _, kv := range kvs {
		rel := strings.TrimPrefix(kv.Key, f.prefix)
		out[rel] = string(kv.Value)
		if _, ok := declared[rel]; !ok || slices.Contains(hidden, rel) {
			out[rel] = hiddenValue(kv)
		}
	}
	return out
}

// writeElsewhere makes n writes outside the prefix.
func (f *fixture) writeElsewhere(n int) {
	f.t.Helper()
	for i := range n {
		if _, err := f.client.Raw().Put(f.t.Context(), "/elsewhere/x", strconv.Itoa(i)); err != nil {
			f.t.Fatal(err)
		}
	}
}

// Every kind of drift shows on the next refresh.
func TestRefresh_everyDriftShows(t *testing.T) {
	f := newOwnFixture(t, 4)
	want := manyKeys(10)
	rs := f.mustApply(resourceState{}, &config{keysJSON: canonicalKeysJSON(want)})
	drifts := []struct {
		name   string
		change func()
		want   func(map[string]string)
	}{
		{"a write elsewhere", func() { f.writeElsewhere(1) }, func(map[string]string) {}},
		{"value changed", func() { f.put("k0002", "outside") }, func(m map[string]string) { m["k0002"] = "outside" }},
		{"key deleted", func() { f.del("k0003") }, func(m map[string]string) { delete(m, "k0003") }},
		{"key added", func() { f.put("added", "x") }, func(m map[string]string) { m["added"] = "x" }},
		{"one deleted, one added", func() { f.del("k0004"); f.put("k0004x", "v4") }, func(m map[string]string) { delete(m, "k0004"); m["k0004x"] = "v4" }},
		{"deleted and put again with the same value", func() { f.del("k0005"); f.put("k0005", "v5") }, func(map[string]string) {}},
	}
	held := maps.Clone(want)
	for _, d := range drifts {
		d.change()
		d.want(held)
		declared := f.decoded(rs).Keys
		next, got := f.refreshedKeys(rs)
		if want := f.shown(declared, decodePrivate(rs.private).Undeclared...); !maps.Equal(got, want) || !maps.Equal(f.held(), held) {
			t.Fatalf("%s: state holds %v, want %v", d.name, got, want)
		}
		if priv := decodePrivate(next.private); d.name == "deleted and put again with the same value" && priv.ModRevision <= decodePrivate(rs.private).ModRevision {
			t.Errorf("%s: the guard revision must move on, got %d", d.name, priv.ModRevision)
		}
		rs = next
	}
}

// Destroying an exclusive prefix deletes it without parsing keys_json.
func TestDestroyExclusive_needsNoKeys(t *testing.T) {
	f := newFixture(t, 128)
	rs := f.mustApply(resourceState{}, &config{keysJSON: `{"a":"1"}`})
	// A state whose keys_json no longer parses still destroys.
	bad := resourceState{state: f.value(config{keysJSON: `{"a":1}`}), private: rs.private}
	if _, diags := f.apply(bad, nil); len(diags) != 0 {
		t.Fatalf("destroy: %+v", diags)
	}
	if held := f.held(); len(held) != 0 {
		t.Fatalf("etcd still holds %v", held)
	}
}

// A restore from a snapshot taken before the last apply shows the restored
// values on the next refresh, whatever the revision did: went back, passed
// the recorded one after writes elsewhere, landed exactly on it, or jumped
// ahead with --bump-revision; and an apply writes the configuration back.
func TestRefresh_restoredSnapshot(t *testing.T) {
	cases := []struct {
		name string
		bump uint64
		// after moves etcd's revision after the restore; recorded is the
		// revision the last apply left.
		after func(f *ownFixture, recorded int64)
	}{
		{"revision gone back", 0, func(*ownFixture, int64) {}},
		{"writes elsewhere past the recorded revision", 0, func(f *ownFixture, recorded int64) {
			f.writeElsewhere(int(recorded-f.revision()) + 20)
		}},
		{"revision exactly on the recorded one", 0, func(f *ownFixture, recorded int64) {
			f.writeElsewhere(int(recorded - f.revision()))
			if now := f.revision(); now != recorded {
				f.t.Fatalf("revision %d, want %d", now, recorded)
			}
		}},
		{"bump-revision", 1000000, func(*ownFixture, int64) {}},
	}
	shapes := []struct {
		name          string
		before, after map[string]string
	}{
		{"values changed", map[string]string{"a": "1", "b": "1", "c": "1"}, map[string]string{"a": "2", "b": "2", "c": "1"}},
		{"a key deleted", map[string]string{"a": "1", "b": "1", "c": "1"}, map[string]string{"a": "1", "b": "1"}},
		{"one deleted, one added", map[string]string{"a": "1", "b": "1"}, map[string]string{"a": "1", "c": "1"}},
		{"1,000 keys, 10 changed", manyKeys(1000), changed(manyKeys(1000), 10)},
	}
	for _, c := range cases {
		for _, sh := range shapes {
			t.Run(c.name+"/"+sh.name, func(t *testing.T) {
				if c.bump > 0 && !etcdtest.CanBumpRevision() {
					t.Skip("restoring with --bump-revision needs etcdutl, from etcd 3.5")
				}
				f := newOwnFixture(t, 128)
				rs := f.mustApply(resourceState{}, &config{keysJSON: canonicalKeysJSON(sh.before)})
				path := f.snapshot()
				rs = f.mustApply(rs, &config{keysJSON: canonicalKeysJSON(sh.after)})
				rs, _ = f.refreshedKeys(rs) // a no-op plan records what it read
				recorded := f.revision()
				f.restore(path, c.bump)
				c.after(f, recorded)
				rs, got := f.refreshedKeys(rs)
				if !maps.Equal(got, f.shown(sh.after)) || !maps.Equal(f.held(), sh.before) {
					t.Fatalf("after the restore the state holds %d keys, etcd %d; want the snapshot's %d", len(got), len(f.held()), len(sh.before))
				}
				f.mustApply(rs, &config{keysJSON: canonicalKeysJSON(sh.after)})
				if held := f.held(); !maps.Equal(held, sh.after) {
					t.Fatalf("the apply after the restore left %v", held)
				}
			})
		}
	}
}

// A second etcd started with the same name, peer URL and cluster token (the
// same cluster ID) and the same key names written at the same revisions,
// with other values, is read as it is.
func TestRefresh_anotherClusterWithTheSameID(t *testing.T) {
	f := newOwnFixture(t, 128)
	keys := map[string]string{"a": "prod", "b": "prod"}
	rs := f.mustApply(resourceState{}, &config{keys: keys})
	rs, _ = f.refreshedKeys(rs)
	before := f.client.ClusterID()
	if err := f.server.StartAfresh(); err != nil {
		t.Fatal(err)
	}
	other := map[string]string{"a": "dev", "b": "dev"}
	f.mustApply(resourceState{}, &config{keys: other}) // the same writes, other values
	if f.client.ClusterID() != before {
		t.Fatalf("cluster ID %x, want the same %x", f.client.ClusterID(), before)
	}
	if _, got := f.refreshedKeys(rs); !maps.Equal(got, other) {
		t.Fatalf("state holds %v, etcd %v", got, other)
	}
}

func changed(m map[string]string, n int) map[string]string {
	for _, k := range slices.Sorted(maps.Keys(m))[:n] {
		m[k] += "-changed"
	}
	return m
}

// TestRefresh_randomDrift changes etcd at random between refreshes (puts,
// deletes, a delete and a put of the same value, keys on leases that are
// revoked or expire, writes elsewhere, compaction, defragmentation,
// snapshots restored with and without --bump-revision, applies of new
// configurations) and checks after each change that the refresh equals a
// full read of etcd. It runs histories of driftSteps changes, each on an
// etcd of its own, for PREFIX_DRIFT_TIME (default 20s, 5s with -short),
// seeded from PREFIX_DRIFT_SEED or the clock; the log names each history's
// seed, which reproduces it.
func TestRefresh_randomDrift(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("PREFIX_DRIFT_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("PREFIX_DRIFT_SEED: %v", err)
		}
	}
	budget := 20 * time.Second
	if testing.Short() {
		budget = 5 * time.Second
	}
	if s := os.Getenv("PREFIX_DRIFT_TIME"); s != "" {
		var err error
		if budget, err = time.ParseDuration(s); err != nil {
			t.Fatalf("PREFIX_DRIFT_TIME: %v", err)
		}
	}
	deadline := time.Now().Add(budget)
	var changes int
	for h := uint64(0); h == 0 || time.Now().Before(deadline); h++ {
		hs := seed + h
		d := &drift{ownFixture: newOwnFixture(t, 4), r: rand.New(rand.NewPCG(hs, 0x5eed))}
		d.run(driftSteps)
		changes += d.steps
		t.Logf("history %d, seed %d: %d changes checked (%s); reproduce: PREFIX_DRIFT_SEED=%d PREFIX_DRIFT_TIME=1ns go test ./internal/provider/prefix -run TestRefresh_randomDrift",
			h, hs, d.steps, d.counts(), hs)
	}
	t.Logf("seed %d: %d changes checked", seed, changes)
}

// driftSteps is the number of changes in one history: a seed gives the same
// history whatever the machine's speed.
const driftSteps = 60

// drift is the state of one randomized drift run.
type drift struct {
	*ownFixture
	r         *rand.Rand
	rs        resourceState
	exclusive bool
	exclude   exclusion
	snapshots []string
	steps     int
	done      map[string]int
}

var driftNames = []string{"a", "b", "c", "d", "e", "sub/f", "sub/g"}

func (d *drift) run(steps int) {
	d.done = map[string]int{}
	d.applyRandom()
	changes := []struct {
		name   string
		weight int
		do     func()
	}{
		{"put", 6, func() { d.put(d.name(), d.value()) }},
		{"delete", 4, func() { d.del(d.name()) }},
		{"delete and put the same value", 3, d.deleteAndPutSame},
		{"lease revoked", 2, func() { d.leased(false) }},
		{"lease expired", 1, func() { d.leased(true) }},
		{"writes elsewhere", 3, func() { d.writeElsewhere(1 + d.r.IntN(10)) }},
		{"compaction", 2, d.compact},
		{"defragmentation", 1, d.defragment},
		{"snapshot", 2, func() { d.snapshots = append(d.snapshots, d.snapshot()) }},
		{"restore", 2, d.restoreRandom},
		{"apply", 3, d.applyRandom},
	}
	var total int
	for _, c := range changes {
		total += c.weight
	}
	for range steps {
		pick := d.r.IntN(total)
		for _, c := range changes {
			if pick -= c.weight; pick < 0 {
				c.do()
				d.done[c.name]++
				d.check(c.name)
				break
			}
		}
	}
}

func (d *drift) name() string  { return driftNames[d.r.IntN(len(driftNames))] }
func (d *drift) value() string { return []string{"x", "y", "z"}[d.r.IntN(3)] }

// applyRandom applies a new random configuration, sometimes the same. A
// non-exclusive prefix refuses to take over a key someone else wrote, so
// it declares no such key.
func (d *drift) applyRandom() {
	if d.rs.state == nil {
		d.exclusive = d.r.IntN(3) > 0
		if d.exclusive && d.r.IntN(2) == 0 {
			d.exclude = exclusion{"sub/"}
		}
		d.t.Logf("exclusive = %v, exclude = %q", d.exclusive, d.exclude)
	}
	keys := map[string]string{}
	var prior map[string]string
	if d.rs.state != nil {
		prior = d.decoded(d.rs).Keys
	}
	held := d.held()
	for _, n := range driftNames {
		_, ours := prior[n]
		_, foreign := held[n]
		if d.r.IntN(2) == 0 && (d.exclusive || ours || !foreign) && !d.exclude.covers(n) {
			keys[n] = d.value()
		}
	}
	c := &config{keys: keys, exclusive: ptr(d.exclusive), exclude: d.exclude}
	if d.exclusive && d.r.IntN(2) == 0 {
		c = &config{keysJSON: canonicalKeysJSON(keys), exclude: d.exclude}
	}
	d.rs = d.mustApply(d.rs, c)
	if held := d.exclude.without(d.declared(d.held(), keys)); !maps.Equal(held, keys) {
		d.t.Fatalf("step %d: the apply left %v, want %v", d.steps, held, keys)
	}
}

// declared restricts held to what the resource manages: everything under
// an exclusive prefix, else the names of keys.
func (d *drift) declared(held, keys map[string]string) map[string]string {
	if d.exclusive {
		return held
	}
	out := map[string]string{}
	for n := range keys {
		if v, ok := held[n]; ok {
			out[n] = v
		}
	}
	return out
}

// check refreshes the state and compares it with a full read of etcd: the
// same keys, each with etcd's value, or, for a key the prior state did not
// declare (or hid already), with its hidden value.
func (d *drift) check(change string) {
	d.steps++
	prior := d.decoded(d.rs)
	next, got := d.refreshedKeys(d.rs)
	kvs, err := d.client.List(d.t.Context(), d.prefix)
	if err != nil {
		d.t.Fatal(err)
	}
	hidden := map[string]bool{}
	for _, rel := range decodePrivate(d.rs.private).Undeclared {
		hidden[rel] = true
	}
	want := map[string]string{}
	for _, kv := range kvs {
		rel := strings.TrimPrefix(kv.Key, d.prefix)
		_, declared := prior.Keys[rel]
		switch {
		case !d.exclusive && !declared, d.exclude.covers(rel):
		case d.exclusive && (!declared || hidden[rel]):
			want[rel] = hiddenValue(kv)
		default:
			want[rel] = string(kv.Value)
		}
	}
	if !maps.Equal(got, want) {
		d.t.Fatalf("step %d (%s): the refresh says %v, a full read %v", d.steps, change, got, want)
	}
	d.rs = next
}

func (d *drift) deleteAndPutSame() {
	held := d.held()
	n := d.name()
	if v, ok := held[n]; ok {
		d.del(n)
		d.put(n, v)
	}
}

// leased puts a key on a lease, then revokes the lease or lets it expire.
func (d *drift) leased(expire bool) {
	ctx := d.t.Context()
	lease, err := d.client.Raw().Grant(ctx, 1)
	if err != nil {
		d.t.Fatal(err)
	}
	if _, err := d.client.Raw().Put(ctx, d.prefix+d.name(), d.value(), clientv3.WithLease(lease.ID)); err != nil {
		d.t.Fatal(err)
	}
	if !expire {
		if _, err := d.client.Raw().Revoke(ctx, lease.ID); err != nil {
			d.t.Fatal(err)
		}
		return
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		ttl, err := d.client.Raw().TimeToLive(ctx, lease.ID)
		if err != nil {
			d.t.Fatal(err)
		}
		if ttl.TTL <= 0 {
			return
		}
		if time.Now().After(deadline) {
			d.t.Fatal("the lease did not expire in 10 s")
		}
	}
}

func (d *drift) compact() {
	_, err := d.client.Raw().Compact(d.t.Context(), d.revision(), clientv3.WithCompactPhysical())
	if err != nil && !errors.Is(err, rpctypes.ErrCompacted) { // a restore with --mark-compacted compacted it already
		d.t.Fatal(err)
	}
}

func (d *drift) defragment() {
	if _, err := d.client.Raw().Defragment(d.t.Context(), d.server.Endpoints[0]); err != nil {
		d.t.Fatal(err)
	}
}

func (d *drift) restoreRandom() {
	if len(d.snapshots) == 0 {
		return
	}
	var bump uint64
	if etcdtest.CanBumpRevision() && d.r.IntN(2) == 0 {
		bump = uint64(1 + d.r.IntN(1000))
	}
	d.restore(d.snapshots[d.r.IntN(len(d.snapshots))], bump)
	if d.r.IntN(2) == 0 { // sometimes past the revision before the restore
		d.writeElsewhere(d.r.IntN(40))
	}
}

func (d *drift) counts() string {
	var parts []string
	for _, n := range slices.Sorted(maps.Keys(d.done)) {
		parts = append(parts, fmt.Sprintf("%s %d", n, d.done[n]))
	}
	return fmt.Sprint(parts)
}

// keys_wo that another etcd with the same cluster ID holds at the same
// revisions, with other values, shows as drift: the fingerprint is checked
// on every refresh.
func TestRefresh_writeOnlySameRevisionOtherEtcd(t *testing.T) {
	f := newOwnFixture(t, 128)
	rs := f.mustApply(resourceState{}, &config{keysWO: map[string]string{"password": "prod"}, woVersion: ptr(int64(1))})
	if err := f.server.StartAfresh(); err != nil {
		t.Fatal(err)
	}
	f.mustApply(resourceState{}, &config{keysWO: map[string]string{"password": "dev"}, woVersion: ptr(int64(1))})
	next, diags := f.read(rs)
	expectNoErrors(t, diags)
	if wo := decodePrivate(next.private).WriteOnly; wo == nil || !wo.Drift {
		t.Fatalf("other values at the same revisions are not drift: %+v", wo)
	}
}

// BenchmarkRefresh100k is the refresh of a 100,000-key keys_json prefix that
// etcd holds unchanged: what a no-op plan costs the provider. With
// ETCD_TEST_SERVER_BIN it runs against that etcd daemon (fsync on).
func BenchmarkRefresh100k(b *testing.B) {
	srv := etcdtest.New(b)
	client := etcdtest.Client(b, srv.ClientConfig())
	conn := protocol.Conn{Client: client, MaxTxnOps: 128}
	server := NewServer(func() (protocol.Conn, error) { return conn, nil })
	keys := make(map[string]string, 100000)
	for i := range 100000 {
		keys[fmt.Sprintf("k%06d", i)] = fmt.Sprintf("value-%06d-%s", i, "0123456789012345678901234567890123456789")
	}
	st := &state{Prefix: "/bench/", Exclusive: true, JSON: true, KeysJSON: canonicalKeysJSON(keys), Keys: keys}
	var diags protocol.Diagnostics
	ops := diffOps(st.Prefix, nil, keys, 0)
	if _, _, err := client.CommitChunks(b.Context(), ops, 128, etcdclient.MaxTxnBytes); err != nil {
		b.Fatal(err)
	}
	current := st.encode(&diags)
	b.ResetTimer()
	for b.Loop() {
		resp, err := server.ReadResource(b.Context(), &tfprotov6.ReadResourceRequest{TypeName: TypeName, CurrentState: current})
		if err != nil || len(resp.Diagnostics) > 0 {
			b.Fatal(err, resp.Diagnostics)
		}
	}
}
