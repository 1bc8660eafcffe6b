package prefix

import (
	"fmt"
	"maps"
	"testing"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/protocol"
)

// newOwnFixture is newFixture on an etcd of the test's own: whether an
// apply's transactions were the only writes depends on nobody else writing.
func newOwnFixture(t *testing.T, maxTxnOps int) *fixture {
	t.Helper()
	client := etcdtest.Client(t, etcdtest.New(t).ClientConfig())
	conn := protocol.Conn{Client: client, MaxTxnOps: maxTxnOps}
	return &fixture{
		t:      t,
		server: NewServer(func() (protocol.Conn, error) { return conn, nil }),
		client: client,
		prefix: "/exact/",
	}
}

func (f *fixture) exactOf(rs resourceState) *exact {
	return decodePrivate(rs.private).Exact
}

// stillExact reports whether a refresh of rs would skip reading the keys.
func (f *fixture) stillExact(rs resourceState) bool {
	f.t.Helper()
	st, err := decodeStateLazy(rs.state)
	if err != nil {
		f.t.Fatal(err)
	}
	same, _, err := stillExact(f.t.Context(), protocol.Conn{Client: f.client}, st, f.exactOf(rs))
	if err != nil {
		f.t.Fatal(err)
	}
	return same
}

// refreshed reads rs and checks that the read is exact again afterwards.
func (f *fixture) refreshed(rs resourceState) resourceState {
	f.t.Helper()
	next, diags := f.read(rs)
	expectNoErrors(f.t, diags)
	if !f.stillExact(next) {
		f.t.Fatal("a full read must record that the state is exact")
	}
	return next
}

// A create and an update in several transactions that nobody interleaved
// leave the state exact, so the refresh reads no key; every kind of drift
// makes it read them all and shows the drift.
func TestExactRefresh_everyDriftShows(t *testing.T) {
	f := newOwnFixture(t, 4)
	want := manyKeys(10)
	rs := f.mustApply(resourceState{}, &config{keysJSON: canonicalKeysJSON(want)})
	if e := f.exactOf(rs); e == nil || e.Keys != 10 {
		t.Fatalf("create in 3 transactions nobody interleaved: exact = %+v", e)
	}
	if !f.stillExact(rs) {
		t.Fatal("right after the create, the refresh must read no key")
	}
	next, diags := f.read(rs)
	expectNoErrors(t, diags)
	if next.state != rs.state {
		t.Error("nothing changed: the refresh must return the state as it is")
	}
	rs = next

	// A write outside the prefix moves etcd's revision on: the refresh then
	// asks etcd whether anything under the prefix changed, still reading no
	// key, and finds nothing.
	if _, err := f.client.Raw().Put(t.Context(), "/elsewhere", "x"); err != nil {
		t.Fatal(err)
	}
	if !f.stillExact(rs) {
		t.Fatal("a write outside the prefix must not make the refresh read the keys")
	}
	rs = f.refreshed(rs)

	// An update applied right after the refresh stays exact.
	want["k0001"] = "updated"
	rs = f.mustApply(rs, &config{keysJSON: canonicalKeysJSON(want)})
	if !f.stillExact(rs) {
		t.Fatal("right after the update, the refresh must read no key")
	}

	drifts := []struct {
		name   string
		change func()
		want   func(map[string]string)
	}{
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
		if f.stillExact(rs) {
			t.Fatalf("%s: the refresh must read the keys", d.name)
		}
		next := f.refreshed(rs)
		got, err := parseKeysJSON(f.decoded(next).KeysJSON)
		if err != nil || !maps.Equal(got, held) {
			t.Fatalf("%s: state holds %v, etcd %v", d.name, got, held)
		}
		if priv := decodePrivate(next.private); d.name == "deleted and put again with the same value" && priv.ModRevision <= decodePrivate(rs.private).ModRevision {
			t.Errorf("%s: the guard revision must move on, got %d", d.name, priv.ModRevision)
		}
		rs = next
	}
}

// Anyone else's write between the refresh and the apply, even outside the
// prefix, or between two transactions, leaves the result unproven: the next
// refresh reads every key.
func TestExactRefresh_foreignWriteDuringApply(t *testing.T) {
	f := newOwnFixture(t, 4)
	want := manyKeys(10)
	rs := f.mustApply(resourceState{}, &config{keysJSON: canonicalKeysJSON(want)})
	if _, err := f.client.Raw().Put(t.Context(), "/elsewhere", "x"); err != nil {
		t.Fatal(err)
	}
	want["k0001"] = "updated"
	rs = f.mustApply(rs, &config{keysJSON: canonicalKeysJSON(want)})
	if e := f.exactOf(rs); e != nil {
		t.Fatalf("a write by someone else before the update: exact = %+v", e)
	}
	rs = f.refreshed(rs)
	if st := f.decoded(rs); !maps.Equal(st.Keys, want) {
		t.Fatalf("state %v, want %v", st.Keys, want)
	}
}

// The record holds only for the state it was made for, and never for
// states that cannot take the shortcut.
func TestExactRefresh_onlyForItsState(t *testing.T) {
	f := newOwnFixture(t, 128)
	rs := f.mustApply(resourceState{}, &config{keysJSON: `{"a":"1","b":"2"}`})
	if !f.stillExact(rs) {
		t.Fatal("want exact after the create")
	}
	var diags protocol.Diagnostics
	other := resourceState{state: (&state{Prefix: f.prefix, Exclusive: true, JSON: true, KeysJSON: `{"a":"1","b":"3"}`}).encode(&diags), private: rs.private}
	if f.stillExact(other) {
		t.Fatal("a state changed behind the provider must be read in full")
	}
	unset := resourceState{state: f.value(config{keysJSON: `{"a":"1","b":"2"}`}), private: rs.private} // id and exclusive null
	if f.stillExact(unset) {
		t.Fatal("a state not as the provider writes it must be read in full")
	}
	if next, _ := f.read(unset); next.state == unset.state || !f.decoded(next).Encoded {
		t.Fatal("a state not as the provider writes it must be written anew")
	}
	next, diags := f.read(other)
	expectNoErrors(t, diags)
	if got := f.decoded(next).Keys; !maps.Equal(got, map[string]string{"a": "1", "b": "2"}) {
		t.Fatalf("read %v", got)
	}
	for name, st := range map[string]*state{
		"not exclusive": {Prefix: f.prefix, Exclusive: false, Keys: map[string]string{}},
		"write-only":    {Prefix: f.prefix, Exclusive: true, WriteOnly: true, Keys: map[string]string{}},
	} {
		if e := exactAt(st, 10, 1); e != nil {
			t.Errorf("%s: exact = %+v", name, e)
		}
	}
}

// keys_wo is read in full every time, so its drift still shows.
func TestExactRefresh_writeOnlyDrift(t *testing.T) {
	f := newOwnFixture(t, 128)
	rs := f.mustApply(resourceState{}, &config{keysWO: map[string]string{"secret": "s1"}, woVersion: ptr(int64(1))})
	if e := f.exactOf(rs); e != nil {
		t.Fatalf("keys_wo: exact = %+v", e)
	}
	f.put("secret", "changed")
	next, diags := f.read(rs)
	expectNoErrors(t, diags)
	if wo := decodePrivate(next.private).WriteOnly; wo == nil || !wo.Drift {
		t.Fatalf("keys_wo drift not detected: %+v", wo)
	}
}

// Destroying an exclusive prefix deletes it without parsing keys_json.
func TestDestroyExclusive_needsNoKeys(t *testing.T) {
	f := newOwnFixture(t, 128)
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

// The digest of a map does not depend on its order, and tells values,
// keys and the split between them apart.
func TestDigest(t *testing.T) {
	d := func(keys map[string]string) string { return (&state{Prefix: "/p/", Keys: keys}).digest() }
	if d(map[string]string{"a": "1", "b": "2"}) != d(map[string]string{"b": "2", "a": "1"}) {
		t.Error("order must not matter")
	}
	seen := map[string]string{}
	for _, keys := range []map[string]string{{}, {"a": "1"}, {"a": "2"}, {"b": "1"}, {"a1": ""}, {"a": "", "1": ""}, {"a": "1", "b": "1"}, {"a": "1", "b": "2"}} {
		if prev, dup := seen[d(keys)]; dup {
			t.Errorf("%v and %s share a digest", keys, prev)
		}
		seen[d(keys)] = fmt.Sprint(keys)
	}
	if (&state{Prefix: "/p/", JSON: true, KeysJSON: "{}"}).digest() == d(map[string]string{}) {
		t.Error("keys_json and keys must differ")
	}
}

// A provider pointed at another cluster that holds the same key names,
// written long ago with other values, must read them: that cluster's
// revisions say nothing about the one the state was exact on.
func TestExactRefresh_otherCluster(t *testing.T) {
	f := newOwnFixture(t, 128)
	other := newOwnFixture(t, 128)
	for i := range 20 { // the record's revision lies beyond the other cluster's key puts
		if _, err := f.client.Raw().Put(t.Context(), fmt.Sprintf("/filler/%d", i), "x"); err != nil {
			t.Fatal(err)
		}
	}
	want := manyKeys(5)
	rs := f.mustApply(resourceState{}, &config{keysJSON: canonicalKeysJSON(want)})
	e := f.exactOf(rs)
	if e == nil {
		t.Fatal("want exact after the create")
	}
	for rel := range want {
		other.put(rel, "other cluster's value")
	}
	for rev := int64(0); rev < e.Rev; {
		resp, err := other.client.Raw().Put(t.Context(), "/filler", "x")
		if err != nil {
			t.Fatal(err)
		}
		rev = resp.Header.Revision
	}
	if f.client.ClusterID() == other.client.ClusterID() || other.client.ClusterID() == 0 {
		t.Fatalf("the two test clusters share the ID %x", f.client.ClusterID())
	}
	if other.stillExact(rs) {
		t.Fatal("a record of another cluster must not spare the read")
	}
}
