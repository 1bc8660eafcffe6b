package prefix

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/protocol"
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
	if st := f.decoded(rs); !strings.HasPrefix(st.Keys["stray"], "(not shown: 1 bytes,") {
		t.Fatalf("read does not show the unlisted key as drift, by name and size: %v", st.Keys)
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

// oversized is a value etcd refuses (over its 1.5 MiB request limit): a
// transaction that carries it fails, the ones before it commit.
var oversized = strings.Repeat("x", 2<<20)

// A create that fails part-way records nothing (Terraform does not taint
// the resource), and the next create adopts what was written and writes the
// rest: no key is written twice, none deleted.
func TestServer_failedCreateIsFinishedInPlace(t *testing.T) {
	f := newFixture(t, 2)
	want := map[string]string{"a": "1", "b": "2", "c": "3", "m": oversized, "x": "5", "y": "6"}
	rs, diags := f.apply(resourceState{}, &config{keys: want})
	expectError(t, diags, "Cannot create etcd_prefix", "3 of 6 writes were committed", "the next apply keeps the keys already written")
	if f.decoded(rs) != nil {
		t.Fatal("a failed create recorded a state, which Terraform would taint")
	}
	written := map[string]string{"a": "1", "b": "2", "c": "3"}
	if got := f.held(); !maps.Equal(got, written) {
		t.Fatalf("etcd holds %v, want the chunks before the failure", got)
	}
	before := f.modRevisions()

	want["m"] = "fixed"
	rs = f.mustApply(rs, &config{keys: want})
	if got := f.held(); !maps.Equal(got, want) {
		t.Fatalf("etcd holds %v after the second create", got)
	}
	after := f.modRevisions()
	for rel := range written {
		if after[rel] != before[rel] {
			t.Errorf("adopted key %s was written again", rel)
		}
	}
	if st := f.decoded(rs); !maps.Equal(st.Keys, want) {
		t.Fatalf("state after the second create = %v", st.Keys)
	}
}

// An update that fails part-way records exactly the committed chunks.
func TestServer_partialUpdateRecordsCommittedChunks(t *testing.T) {
	f := newFixture(t, 2)
	rs := f.mustApply(resourceState{}, &config{keys: map[string]string{"a": "1"}})
	want := map[string]string{"a": "10", "b": "2", "c": "3", "m": oversized, "x": "5"}
	rs, diags := f.apply(rs, &config{keys: want})
	expectError(t, diags, "Cannot update etcd_prefix", "3 of 5 writes were committed", "the state records exactly those")
	committed := map[string]string{"a": "10", "b": "2", "c": "3"}
	if st := f.decoded(rs); st == nil || !maps.Equal(st.Keys, committed) {
		t.Fatalf("state records %+v, want %v", st, committed)
	}
	if got := f.held(); !maps.Equal(got, committed) {
		t.Fatalf("etcd holds %v", got)
	}
}

// A create over keys with other values fails before writing anything.
func TestServer_createOverOtherValuesWritesNothing(t *testing.T) {
	f := newFixture(t, 2)
	f.put("d", "foreign")
	rs, diags := f.apply(resourceState{}, &config{keys: map[string]string{"a": "1", "b": "2", "c": "3", "d": "4"}, exclusive: ptr(false)})
	expectError(t, diags, "already holds keys", f.prefix+"d", "nothing was written", "import {", "to = etcd_prefix.<name>")
	if f.decoded(rs) != nil {
		t.Fatal("a create that wrote nothing recorded a state")
	}
	if got := f.held(); !maps.Equal(got, map[string]string{"d": "foreign"}) {
		t.Fatalf("etcd holds %v", got)
	}
}

// Stopping a create (Ctrl-C cancels the request) ends it after the
// transaction in flight, whose outcome is then known: the error counts
// exactly what etcd holds, and the next create finishes the job.
func TestServer_stoppedCreateCountsWhatEtcdHolds(t *testing.T) {
	f := newFixture(t, 8)
	want := manyKeys(8000)
	ctx, stop := context.WithCancel(t.Context())
	watching := f.client.Raw().Watch(ctx, f.prefix, clientv3.WithPrefix())
	go func() {
		<-watching // the first chunk reached etcd
		stop()
	}()
	planned := f.plan(resourceState{}, &config{keys: want})
	resp, err := f.server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: TypeName, PriorState: nullState(), PlannedState: planned.PlannedState, PlannedPrivate: planned.PlannedPrivate,
	})
	if err != nil {
		t.Fatal(err)
	}
	msg := expectError(t, resp.Diagnostics, "Cannot create etcd_prefix", "stopped")
	held := len(f.held())
	if held == 0 || held == len(want) {
		t.Fatalf("etcd holds %d keys: the create was not stopped part-way", held)
	}
	if !strings.Contains(msg, fmt.Sprintf("%d of %d writes were committed", held, len(want))) {
		t.Fatalf("etcd holds %d keys, but the error says: %s", held, msg)
	}
	rs := f.mustApply(resourceState{state: resp.NewState}, &config{keys: want})
	if got := f.held(); !maps.Equal(got, want) {
		t.Fatalf("etcd holds %d keys after the second create, want %d", len(got), len(want))
	}
	if st := f.decoded(rs); !maps.Equal(st.Keys, want) {
		t.Fatal("state after the second create differs from the configuration")
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
	msg := expectError(t, diags, "Cannot update etcd_prefix", "changed outside Terraform since the last refresh",
		f.prefix+`a" was written at revision`, "Run plan again", "Nothing was written")
	if n := strings.Count(strings.ToLower(msg), "nothing was written"); n != 1 {
		t.Errorf("the error says %d times that nothing was written, want once: %s", n, msg)
	}
	if strings.Contains(msg, "compare failed") {
		t.Errorf("the error uses internal wording: %s", msg)
	}
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
	if st := f.decoded(rs); !strings.HasPrefix(st.KeysJSON, `{"a":"1","b":"2","c":"(not shown: 1 bytes, written at revision `) {
		t.Fatalf("drift in keys_json = %q", st.KeysJSON)
	}
}

func TestServer_importAndNonUTF8(t *testing.T) {
	f := newFixture(t, 0)
	f.put("a", "1")
	rs, diags := f.importPrefix()
	expectNoErrors(t, diags)
	if st := f.decoded(rs); !st.Exclusive || st.Base64 || !maps.Equal(st.Keys, map[string]string{"a": "1"}) {
		t.Fatalf("imported %+v", st)
	}

	// A text-mode prefix that finds a binary value in a declared key names
	// the key and the attribute to switch to (an undeclared key's value is
	// not shown, so it is no error); import picks keys_base64.
	f.put("a", "\xff\xfe")
	_, diags = f.read(rs)
	expectError(t, diags, "Cannot read etcd_prefix", `"`+f.prefix+`a"`, "not UTF-8", "from keys to keys_base64")
	imported, diags := f.importPrefix()
	expectNoErrors(t, diags)
	if st := f.decoded(imported); !st.Base64 || !maps.Equal(st.Keys, map[string]string{"a": "\xff\xfe"}) {
		t.Fatalf("imported %+v", st)
	}

	// A key name that is not UTF-8 is named in escaped form.
	f.put("bad\xc3name", "x")
	_, diags = f.importPrefix()
	expectError(t, diags, "Cannot import etcd_prefix", `bad\xc3name`, "not valid UTF-8")
}

func TestServer_notConfigured(t *testing.T) {
	s := NewServer(func() (protocol.Conn, error) { return protocol.Conn{}, nil })
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

// A create plans id unknown, so that what refers to it (an ephemeral read
// of the prefix) waits for the keys to be written; the apply sets it to
// the prefix, and an update keeps it known.
func TestPlan_idUnknownOnCreate(t *testing.T) {
	f := newFixture(t, 0)
	c := &config{keys: map[string]string{"a": "1"}}
	planned, err := objectAttrs(f.plan(resourceState{}, c).PlannedState)
	if err != nil || planned["id"].IsKnown() {
		t.Fatalf("the create plans id %v (%v), want unknown", planned["id"], err)
	}
	rs := f.mustApply(resourceState{}, c)
	if got, _ := objectAttrs(rs.state); !got["id"].Equal(tftypes.NewValue(tftypes.String, f.prefix)) {
		t.Fatalf("id after create = %v", got["id"])
	}
	c.keys["b"] = "2"
	if planned, _ := objectAttrs(f.plan(rs, c).PlannedState); !planned["id"].Equal(tftypes.NewValue(tftypes.String, f.prefix)) {
		t.Fatalf("an update plans id %v", planned["id"])
	}
}

// A long write logs at INFO how many of its writes were committed.
func TestApply_logsProgress(t *testing.T) {
	defer func(every time.Duration) { progressEvery = every }(progressEvery)
	progressEvery = 0
	f := newFixture(t, 4)
	var logs bytes.Buffer
	c := &config{keys: manyKeys(12)}
	planned := f.plan(resourceState{}, c)
	resp, err := f.server.ApplyResourceChange(tflogtest.RootLogger(t.Context(), &logs), &tfprotov6.ApplyResourceChangeRequest{
		TypeName: TypeName, PriorState: nullState(), PlannedState: planned.PlannedState, PlannedPrivate: planned.PlannedPrivate, Config: f.value(*c),
	})
	if err != nil {
		t.Fatal(err)
	}
	expectNoErrors(t, resp.Diagnostics)
	for _, want := range []string{`"@level":"info"`, `4 of 12 writes committed`, `8 of 12 writes committed`} {
		if !strings.Contains(logs.String(), want) {
			t.Fatalf("the log does not say %s:\n%s", want, logs.String())
		}
	}
}
