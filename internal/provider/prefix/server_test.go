package prefix

import (
	"maps"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

func TestServer_createReadDestroyExclusive(t *testing.T) {
	f := newFixture(t, 0)
	want := map[string]string{"db/host": "10.0.0.1", "db/port": "5432"}
	rs := f.mustApply(resourceState{}, &config{keys: want})
	if got := f.held(); !maps.Equal(got, want) {
		t.Fatalf("etcd holds %v after create, want %v", got, want)
	}
	if st := f.decoded(rs); st.Prefix != f.prefix || !st.Exclusive || !maps.Equal(st.Keys, want) {
		t.Fatalf("state after create = %+v", st)
	}

	f.put("stray", "x")
	rs, diags := f.read(rs)
	expectNoErrors(t, diags)
	if st := f.decoded(rs); st.Keys["stray"] != "x" {
		t.Fatalf("read does not show the unlisted key as drift: %v", st.Keys)
	}

	rs = f.mustApply(rs, nil)
	if f.decoded(rs) != nil {
		t.Fatal("state after destroy is not null")
	}
	if got := f.held(); len(got) != 0 {
		t.Fatalf("an exclusive destroy left %v", got)
	}
}

func TestServer_nonExclusiveDestroyKeepsForeignKeys(t *testing.T) {
	f := newFixture(t, 0)
	f.put("foreign", "keep me")
	rs := f.mustApply(resourceState{}, &config{keys: map[string]string{"a": "1"}, exclusive: ptr(false)})
	rs = f.mustApply(rs, nil)
	if f.decoded(rs) != nil {
		t.Fatal("state after destroy is not null")
	}
	if got := f.held(); !maps.Equal(got, map[string]string{"foreign": "keep me"}) {
		t.Fatalf("etcd holds %v after destroy, want only the foreign key", got)
	}
}

// Changing one key among many writes that key alone.
func TestServer_updateWritesOnlyTheChangedKey(t *testing.T) {
	f := newFixture(t, 0)
	keys := manyKeys(500)
	rs := f.mustApply(resourceState{}, &config{keys: keys})
	before := f.modRevisions()

	changed := maps.Clone(keys)
	changed["k0250"] = "new"
	rs = f.mustApply(rs, &config{keys: changed})
	if st := f.decoded(rs); !maps.Equal(st.Keys, changed) {
		t.Fatal("state after update differs from the configuration")
	}
	after := f.modRevisions()
	for rel, rev := range after {
		if (rev != before[rel]) != (rel == "k0250") {
			t.Errorf("key %s: mod revision %d -> %d", rel, before[rel], rev)
		}
	}
	if got := f.held(); !maps.Equal(got, changed) {
		t.Fatal("etcd does not hold the configuration after update")
	}
}

// A chunk that fails part-way leaves the earlier chunks committed, and the
// state records exactly those.
func TestServer_partialCreateRecordsCommittedChunks(t *testing.T) {
	f := newFixture(t, 2)
	f.put("d", "foreign") // its put in the second chunk fails its guard
	want := map[string]string{"a": "1", "b": "2", "c": "3", "d": "4", "e": "5", "f": "6"}
	rs, diags := f.apply(resourceState{}, &config{keys: want, exclusive: ptr(false)})
	expectError(t, diags, "Cannot create etcd_prefix", "2 of 6 writes were committed", "import")

	recorded := f.decoded(rs)
	if recorded == nil || !maps.Equal(recorded.Keys, map[string]string{"a": "1", "b": "2"}) {
		t.Fatalf("state records %+v, want the first chunk (a, b)", recorded)
	}
	if got := f.held(); !maps.Equal(got, map[string]string{"a": "1", "b": "2", "d": "foreign"}) {
		t.Fatalf("etcd holds %v", got)
	}
}

// A create that writes nothing records nothing.
func TestServer_createOverForeignKeysWritesNothing(t *testing.T) {
	f := newFixture(t, 0)
	f.put("already", "here")
	rs, diags := f.apply(resourceState{}, &config{keys: map[string]string{"a": "1"}})
	expectError(t, diags, "already holds keys", "terraform import", f.prefix)
	if f.decoded(rs) != nil {
		t.Fatal("a create that wrote nothing recorded a state")
	}
	if got := f.held(); !maps.Equal(got, map[string]string{"already": "here"}) {
		t.Fatalf("etcd holds %v", got)
	}
}

// A key changed behind Terraform's back after the refresh fails the update
// and writes nothing.
func TestServer_updateGuardFails(t *testing.T) {
	f := newFixture(t, 0)
	rs := f.mustApply(resourceState{}, &config{keys: map[string]string{"a": "1", "b": "2"}})
	rs, diags := f.read(rs)
	expectNoErrors(t, diags)
	f.put("a", "changed by hand")

	rs, diags = f.apply(rs, &config{keys: map[string]string{"a": "10", "b": "20"}})
	expectError(t, diags, "Cannot update etcd_prefix", "changed outside Terraform since the last refresh", "Nothing was written")
	if got := f.held(); !maps.Equal(got, map[string]string{"a": "changed by hand", "b": "2"}) {
		t.Fatalf("etcd holds %v", got)
	}
	if st := f.decoded(rs); !maps.Equal(st.Keys, map[string]string{"a": "1", "b": "2"}) {
		t.Fatalf("state after a failed update = %v, want the prior keys", st.Keys)
	}
}

// keys_json equal by content to the state's keeps the state's text, so
// order and whitespace never show as a diff.
func TestServer_keysJSONKeptVerbatim(t *testing.T) {
	f := newFixture(t, 0)
	text := `{"b": "2", "a": "1"}`
	rs := f.mustApply(resourceState{}, &config{keysJSON: text})
	planned := f.plan(rs, &config{keysJSON: "{\n  \"a\": \"1\",\n  \"b\": \"2\"\n}"})
	if st := f.decoded(resourceState{state: planned.PlannedState}); st.KeysJSON != text {
		t.Fatalf("planned keys_json = %q, want the prior text %q", st.KeysJSON, text)
	}
	f.put("c", "3")
	rs, diags := f.read(rs)
	expectNoErrors(t, diags)
	if st := f.decoded(rs); st.KeysJSON != `{"a":"1","b":"2","c":"3"}` {
		t.Fatalf("drift in keys_json = %q", st.KeysJSON)
	}
}

func TestServer_importAndNonUTF8(t *testing.T) {
	f := newFixture(t, 0)
	f.put("a", "1")
	rs, diags := f.importPrefix()
	expectNoErrors(t, diags)
	if st := f.decoded(rs); !st.Exclusive || !maps.Equal(st.Keys, map[string]string{"a": "1"}) {
		t.Fatalf("imported %+v", st)
	}

	f.put("blob", "\xff\xfe")
	_, diags = f.importPrefix()
	expectError(t, diags, "Cannot import etcd_prefix", f.prefix+"blob", "not UTF-8")
	_, diags = f.read(rs)
	expectError(t, diags, "Cannot read etcd_prefix", "not UTF-8")
}

func TestServer_notConfigured(t *testing.T) {
	s := NewServer(func() (Conn, error) { return Conn{}, nil })
	resp, err := s.ImportResourceState(t.Context(), &tfprotov6.ImportResourceStateRequest{TypeName: TypeName, ID: "/p/"})
	if err != nil {
		t.Fatal(err)
	}
	expectError(t, resp.Diagnostics, "etcd provider not configured")
}

// modRevisions maps each key under the test's prefix to its mod revision.
func (f *fixture) modRevisions() map[string]int64 {
	f.t.Helper()
	kvs, err := f.client.List(f.t.Context(), f.prefix)
	if err != nil {
		f.t.Fatal(err)
	}
	out := make(map[string]int64, len(kvs))
	for _, kv := range kvs {
		out[kv.Key[len(f.prefix):]] = kv.ModRevision
	}
	return out
}
