package prefix

import (
	"fmt"
	"maps"
	"sort"
	"strings"
	"testing"
)

func TestDiffOps(t *testing.T) {
	have := map[string]string{"same": "1", "changed": "old", "gone": "x"}
	want := map[string]string{"same": "1", "changed": "new", "added": "a"}
	ops := diffOps("/p/", have, want, 42)
	got := make([]string, len(ops))
	for i, op := range ops {
		got[i] = fmt.Sprintf("%s del=%t value=%q new=%t guard=%d", op.Key, op.Delete, op.Value, op.MustNotExist, op.MaxModRevision)
	}
	wantOps := []string{
		`/p/added del=false value="a" new=true guard=0`,
		`/p/changed del=false value="new" new=false guard=42`,
		`/p/gone del=true value="" new=false guard=42`,
	}
	if fmt.Sprint(got) != fmt.Sprint(wantOps) {
		t.Fatalf("ops:\n got %q\nwant %q", got, wantOps)
	}
	if len(diffOps("/p/", want, want, 1)) != 0 {
		t.Fatal("no change must give no writes")
	}
}

// Applying the diff to what etcd holds gives what is wanted, and a partial
// application gives exactly the keys of the applied writes.
func TestApplyOps(t *testing.T) {
	have := map[string]string{"a": "1", "b": "2", "c": "3"}
	want := map[string]string{"a": "1", "b": "20", "d": "4"}
	ops := diffOps("/p/", have, want, 0)
	if got := applyOps("/p/", have, ops); !maps.Equal(got, want) {
		t.Fatalf("full apply = %v, want %v", got, want)
	}
	partial := applyOps("/p/", have, ops[:1]) // b is written first
	if !maps.Equal(partial, map[string]string{"a": "1", "b": "20", "c": "3"}) {
		t.Fatalf("partial apply = %v", partial)
	}
	if have["b"] != "2" {
		t.Fatal("applyOps modified its input")
	}
}

func TestKeysJSON(t *testing.T) {
	for _, bad := range []string{"", "[]", `{"a": 1}`, "null", `{"a": "1"} {}`, `{"a": "1"`} {
		if _, err := parseKeysJSON(bad); err == nil {
			t.Errorf("parseKeysJSON(%q) accepted invalid input", bad)
		}
	}
	if !sameKeysJSON(`{"b":"2","a":"1"}`, "{\n \"a\": \"1\",\n \"b\": \"2\"\n}", parseKeysJSON) {
		t.Error("same content in a different order or layout must be equal")
	}
	if sameKeysJSON(`{"a":"1"}`, `{"a":"2"}`, parseKeysJSON) || sameKeysJSON(`{"a":"1"}`, `{"a":"1","b":""}`, memoParse()) {
		t.Error("different content must differ")
	}
	parse := memoParse()
	for range 2 { // the second round answers from the memo
		if m, err := parse(`{"a":"1"}`); err != nil || !maps.Equal(m, map[string]string{"a": "1"}) {
			t.Errorf("memoParse = %v, %v", m, err)
		}
		if _, err := parse(`{"a": 1}`); err == nil {
			t.Error("memoParse accepted invalid input")
		}
	}
	if got := canonicalKeysJSON(map[string]string{"b": "2", "a": "<1>"}); got != `{"a":"\u003c1\u003e","b":"2"}` {
		t.Errorf("canonical = %s", got)
	}
}

func FuzzDiff(f *testing.F) {
	f.Add("a=1,b=2", "b=3,c=4")
	f.Add("", "x=")
	f.Add("k=v", "")
	f.Add("a/b=1,a/c=2", "a/b=1")
	f.Fuzz(func(t *testing.T, haveSpec, wantSpec string) {
		have, want := parseSpec(haveSpec), parseSpec(wantSpec)
		ops := diffOps("/p/", have, want, 7)
		if got := applyOps("/p/", have, ops); !maps.Equal(got, want) {
			t.Fatalf("apply(diff(%v, %v)) = %v", have, want, got)
		}
		if !sort.SliceIsSorted(ops, func(i, j int) bool { return ops[i].Key < ops[j].Key }) {
			t.Fatal("ops are not in key order")
		}
		for _, op := range ops {
			if _, existed := have[op.Key[len("/p/"):]]; existed == op.MustNotExist {
				t.Fatalf("op %+v: MustNotExist must be set exactly for new keys", op)
			}
		}
		if len(diffOps("/p/", want, want, 7)) != 0 {
			t.Fatal("diff of equal maps is not empty")
		}
	})
}

// parseSpec turns "k=v,k2=v2" into a map (fuzz input).
func parseSpec(s string) map[string]string {
	m := map[string]string{}
	key, val, inVal := "", "", false
	flush := func() {
		if key != "" || inVal {
			m[key] = val
		}
		key, val, inVal = "", "", false
	}
	for _, r := range s {
		switch {
		case r == ',':
			flush()
		case r == '=' && !inVal:
			inVal = true
		case inVal:
			val += string(r)
		default:
			key += string(r)
		}
	}
	flush()
	return m
}

func BenchmarkPrefixDiff100k(b *testing.B) {
	have, want := make(map[string]string, 100000), make(map[string]string, 100000)
	for i := range 100000 {
		k := fmt.Sprintf("service/%05d/config", i)
		have[k] = fmt.Sprintf("value-%d", i)
		want[k] = have[k]
		if i%100 == 0 {
			want[k] = "changed"
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		ops := diffOps("/bench/", have, want, 1)
		if len(ops) != 1000 {
			b.Fatalf("%d ops", len(ops))
		}
		_ = applyOps("/bench/", have, ops)
	}
}

// keys_json with other values than strings names each key and the JSON
// type it holds, and how to fix it, without Go's wording.
func TestParseKeysJSON_namesTheKey(t *testing.T) {
	_, err := parseKeysJSON(`{"debug": true, "db": {"port": 5432}, "port": 5432, "name": "ok", "none": null}`)
	if err == nil {
		t.Fatal("accepted values that are not strings")
	}
	msg := err.Error()
	for _, want := range []string{`"debug" is a boolean`, `"db" is an object`, `"port" is a number`, `"none" is null`, "strings only", "provider::etcd::flatten"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q does not say %q", msg, want)
		}
	}
	for _, internal := range []string{"Go value", "unmarshal", `"name"`} {
		if strings.Contains(msg, internal) {
			t.Errorf("%q mentions %q", msg, internal)
		}
	}
}
