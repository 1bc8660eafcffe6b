package prefix

import (
	"maps"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The values of keys_wo reach etcd and nothing Terraform keeps: not the
// planned or new state, not the private state.
func expectNoValues(t *testing.T, what string, values map[string]string, blobs ...[]byte) {
	t.Helper()
	for _, b := range blobs {
		for rel, v := range values {
			if strings.Contains(string(b), v) {
				t.Fatalf("%s holds the value of %q", what, rel)
			}
		}
	}
}

func stateBytes(t *testing.T, dv *tfprotov6.DynamicValue) []byte {
	t.Helper()
	if dv == nil {
		return nil
	}
	return append(append([]byte{}, dv.MsgPack...), dv.JSON...)
}

// plannedAttr returns one attribute of a planned state.
func plannedAttr(t *testing.T, dv *tfprotov6.DynamicValue, name string) tftypes.Value {
	t.Helper()
	attrs, err := objectAttrs(dv)
	if err != nil || attrs == nil {
		t.Fatalf("cannot decode planned state: %v", err)
	}
	return attrs[name]
}

func warnings(diags []*tfprotov6.Diagnostic) string {
	var b strings.Builder
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityWarning {
			b.WriteString(d.Summary + ": " + d.Detail + "\n")
		}
	}
	return b.String()
}

func TestServer_keysWOCreateDriftRevert(t *testing.T) {
	for _, exclusive := range []bool{true, false} {
		t.Run(map[bool]string{true: "exclusive", false: "nonExclusive"}[exclusive], func(t *testing.T) {
			f := newFixture(t, 2) // several transactions
			secrets := map[string]string{"db/password": "pw-Secret-9f2a", "api/token": "tok-Secret-7c1d", "tls/key": "key-Secret-3b8e"}
			c := &config{keysWO: secrets, woVersion: ptr(int64(1)), exclusive: ptr(exclusive)}

			planned := f.plan(resourceState{}, c)
			if v := plannedAttr(t, planned.PlannedState, "keys_wo"); !v.IsNull() {
				t.Fatal("the plan holds keys_wo")
			}
			if v := plannedAttr(t, planned.PlannedState, "keys_wo_revision"); v.IsKnown() {
				t.Fatal("a create plans a known keys_wo_revision")
			}
			rs := f.mustApply(resourceState{}, c)
			if got := f.held(); !maps.Equal(got, secrets) {
				t.Fatalf("etcd holds %v", got)
			}
			expectNoValues(t, "the state or private state", secrets, stateBytes(t, rs.state), rs.private)
			if st := f.decoded(rs); !st.WriteOnly || st.WORevision == nil || len(st.Keys) != 0 {
				t.Fatalf("state after create: %+v", st)
			}

			// Refresh and plan: nothing to do.
			rs, diags := f.read(rs)
			expectNoErrors(t, diags)
			expectNoValues(t, "the refreshed state", secrets, stateBytes(t, rs.state), rs.private)
			p := f.plan(rs, c)
			if w := warnings(p.Diagnostics); w != "" {
				t.Fatalf("a plan without drift warns: %s", w)
			}
			if !plannedAttr(t, p.PlannedState, "keys_wo_revision").IsKnown() {
				t.Fatal("a plan without drift plans a write")
			}

			// Drift: a value changed and a key deleted behind Terraform's back.
			f.put("db/password", "tampered")
			if _, err := f.client.Raw().Delete(t.Context(), f.prefix+"tls/key"); err != nil {
				t.Fatal(err)
			}
			f.put("unrelated", "foreign") // declared nowhere: drift only when exclusive
			rs, diags = f.read(rs)
			expectNoErrors(t, diags)
			p = f.plan(rs, c)
			w := warnings(p.Diagnostics)
			if !strings.Contains(w, "changed outside Terraform") || !strings.Contains(w, f.prefix+"db/password") || !strings.Contains(w, f.prefix+"tls/key") {
				t.Fatalf("the drift warning does not name the drifted keys:\n%s", w)
			}
			if strings.Contains(w, f.prefix+"api/token") || strings.Contains(w, f.prefix+"unrelated") != exclusive {
				t.Fatalf("the drift warning names the wrong keys:\n%s", w)
			}
			expectNoValues(t, "the plan warning", secrets, []byte(w))
			if plannedAttr(t, p.PlannedState, "keys_wo_revision").IsKnown() {
				t.Fatal("drift does not plan a write")
			}

			rs = f.mustApply(rs, c)
			want := maps.Clone(secrets)
			if !exclusive {
				want["unrelated"] = "foreign"
			}
			if got := f.held(); !maps.Equal(got, want) {
				t.Fatalf("apply did not write keys_wo back: etcd holds %v", got)
			}
			rs, diags = f.read(rs)
			expectNoErrors(t, diags)
			if w := warnings(f.plan(rs, c).Diagnostics); w != "" {
				t.Fatalf("the plan after reverting drift warns: %s", w)
			}

			// A new version rewrites; a new key name is written; a
			// removed one is deleted.
			next := map[string]string{"db/password": "pw-Rotated-5e5e", "api/token": "tok-Secret-7c1d", "new": "new-Secret-0a0a"}
			c2 := &config{keysWO: next, woVersion: ptr(int64(2)), exclusive: ptr(exclusive)}
			if plannedAttr(t, f.plan(rs, c2).PlannedState, "keys_wo_revision").IsKnown() {
				t.Fatal("a new keys_wo_version does not plan a write")
			}
			rs = f.mustApply(rs, c2)
			want = maps.Clone(next)
			if !exclusive {
				want["unrelated"] = "foreign"
			}
			if got := f.held(); !maps.Equal(got, want) {
				t.Fatalf("after a new version etcd holds %v", got)
			}
			expectNoValues(t, "the state after an update", next, stateBytes(t, rs.state), rs.private)

			// Destroy deletes what keys_wo wrote, and only that when not exclusive.
			if _, diags := f.apply(rs, nil); len(diags) > 0 {
				expectNoErrors(t, diags)
			}
			delete(want, "db/password")
			delete(want, "api/token")
			delete(want, "new")
			if exclusive {
				want = map[string]string{}
			}
			if got := f.held(); !maps.Equal(got, want) {
				t.Fatalf("after destroy etcd holds %v", got)
			}
		})
	}
}

// Changing only a value, with the same version and names, writes nothing,
// as for etcd_key's value_wo: the version says when to write.
func TestServer_keysWOValueWithoutVersionWritesNothing(t *testing.T) {
	f := newFixture(t, 0)
	rs := f.mustApply(resourceState{}, &config{keysWO: map[string]string{"a": "one"}, woVersion: ptr(int64(1))})
	rs, _ = f.read(rs)
	c := &config{keysWO: map[string]string{"a": "two"}, woVersion: ptr(int64(1))}
	if !plannedAttr(t, f.plan(rs, c).PlannedState, "keys_wo_revision").IsKnown() {
		t.Fatal("a changed value without a new version plans a write")
	}
	f.mustApply(rs, c)
	if got := f.held()["a"]; got != "one" {
		t.Fatalf("etcd holds %q", got)
	}
}

// Switching between keys and keys_wo works both ways; a switch to keys_wo
// warns that it will be written, since Terraform never wrote it.
func TestServer_keysWOSwitch(t *testing.T) {
	f := newFixture(t, 0)
	rs := f.mustApply(resourceState{}, &config{keys: map[string]string{"a": "plain"}})
	rs, _ = f.read(rs)
	c := &config{keysWO: map[string]string{"a": "secret-A", "b": "secret-B"}}
	if w := warnings(f.plan(rs, c).Diagnostics); !strings.Contains(w, "keys_wo will be written") {
		t.Fatalf("switching to keys_wo does not warn: %q", w)
	}
	rs = f.mustApply(rs, c)
	if got := f.held(); !maps.Equal(got, c.keysWO) {
		t.Fatalf("etcd holds %v", got)
	}
	expectNoValues(t, "the state", c.keysWO, stateBytes(t, rs.state), rs.private)
	rs, _ = f.read(rs)
	back := &config{keys: map[string]string{"b": "plain-B"}}
	rs = f.mustApply(rs, back)
	if got := f.held(); !maps.Equal(got, back.keys) {
		t.Fatalf("etcd holds %v", got)
	}
	if st := f.decoded(rs); st.WriteOnly || !maps.Equal(st.Keys, back.keys) {
		t.Fatalf("state after switching back: %+v", st)
	}
}

// A write after the refresh fails the apply's guard, and nothing is written.
func TestServer_keysWOGuard(t *testing.T) {
	f := newFixture(t, 0)
	c := &config{keysWO: map[string]string{"a": "secret-A"}, woVersion: ptr(int64(1))}
	rs := f.mustApply(resourceState{}, c)
	rs, _ = f.read(rs)
	f.put("a", "concurrent")
	_, diags := f.apply(rs, &config{keysWO: c.keysWO, woVersion: ptr(int64(2))})
	expectError(t, diags, "changed outside Terraform")
	if got := f.held()["a"]; got != "concurrent" {
		t.Fatalf("etcd holds %q", got)
	}
}

// Every bad combination names both attributes; nothing is written.
func TestServer_keysWOValidation(t *testing.T) {
	f := newFixture(t, 0)
	for _, tc := range []struct {
		c    config
		want string
	}{
		{config{keys: map[string]string{"a": "x"}, keysWO: map[string]string{"a": "y"}}, "keys and keys_wo are set"},
		{config{keysJSON: `{"a":"x"}`, keysWO: map[string]string{"a": "y"}}, "keys_json and keys_wo are set"},
		{config{keysBase64: map[string]string{"a": "x"}, keysWO: map[string]string{"a": "y"}}, "keys_base64 and keys_wo are set"},
		{config{keys: map[string]string{"a": "x"}, woVersion: ptr(int64(1))}, "keys_wo_version is set but keys_wo is not"},
	} {
		resp, err := f.server.ValidateResourceConfig(t.Context(), &tfprotov6.ValidateResourceConfigRequest{TypeName: TypeName, Config: f.value(tc.c)})
		if err != nil {
			t.Fatal(err)
		}
		expectError(t, resp.Diagnostics, tc.want)
	}
	if got := f.held(); len(got) != 0 {
		t.Fatalf("etcd holds %v", got)
	}
}

func TestCanonicalKeysIsInjective(t *testing.T) {
	a := canonicalKeys(map[string]string{"a": "bc"})
	b := canonicalKeys(map[string]string{"ab": "c"})
	if string(a) == string(b) {
		t.Fatal("two maps encode the same")
	}
}
