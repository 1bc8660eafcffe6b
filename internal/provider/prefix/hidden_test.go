package prefix

import (
	"maps"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

const handSecret = "hand-written-S3cr3t-Ab9"

// A key under an exclusive prefix that no configuration declares is shown
// by name and size, never by value, in the state the refresh returns; the
// plan warns, pointing to exclude, and the apply deletes it.
func TestHidden_undeclaredKeyValueNeverInState(t *testing.T) {
	for name, c := range map[string]*config{
		"keys":        {keys: map[string]string{"db/host": "h"}},
		"keys_json":   {keysJSON: `{"db/host":"h"}`},
		"keys_base64": {keysBase64: map[string]string{"db/host": "h"}},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, 128)
			rs := f.mustApply(resourceState{}, c)
			f.put("db/password", handSecret)
			for range 2 { // the second refresh starts from a state that hides it already
				var diags []*tfprotov6.Diagnostic
				rs, diags = f.read(rs)
				expectNoErrors(t, diags)
				expectNoSecret(t, rs, handSecret)
				if got := f.decoded(rs).Keys["db/password"]; !strings.HasPrefix(got, "(not shown: 23 bytes, written at revision ") {
					t.Fatalf("the undeclared key shows as %q", got)
				}
			}
			if got := decodePrivate(rs.private).Undeclared; len(got) != 1 || got[0] != "db/password" {
				t.Fatalf("private state names %v as hidden", got)
			}
			planned := f.plan(rs, c)
			warned := false
			for _, d := range planned.Diagnostics {
				warned = warned || (d.Severity == tfprotov6.DiagnosticSeverityWarning && strings.Contains(d.Detail, `"db/password"`) && strings.Contains(d.Detail, "exclude"))
			}
			if !warned {
				t.Fatalf("no warning names the undeclared key and exclude: %+v", planned.Diagnostics)
			}
			rs = f.mustApply(rs, c)
			if held := f.held(); !maps.Equal(held, map[string]string{"db/host": "h"}) {
				t.Fatalf("etcd holds %v after the apply", held)
			}
			if got := decodePrivate(rs.private).Undeclared; len(got) != 0 {
				t.Fatalf("private state still names %v as hidden", got)
			}
		})
	}
}

// A hidden key that a configuration then declares is written with the
// configured value, and shown from then on.
func TestHidden_declaredLaterIsShown(t *testing.T) {
	f := newFixture(t, 128)
	rs := f.mustApply(resourceState{}, &config{keys: map[string]string{"a": "1"}})
	f.put("b", "by-hand")
	rs, _ = f.read(rs)
	want := map[string]string{"a": "1", "b": "declared"}
	rs = f.mustApply(rs, &config{keys: want})
	rs, _ = f.read(rs)
	if got := f.decoded(rs).Keys; !maps.Equal(got, want) || !maps.Equal(f.held(), want) {
		t.Fatalf("state %v, etcd %v, want %v", got, f.held(), want)
	}
}

// exclude: the prefix never reads, writes nor deletes the excluded keys
// and sub-prefixes, through create, refresh, update and destroy.
func TestExclude_leavesKeysAlone(t *testing.T) {
	f := newFixture(t, 2)
	f.put("db/password", handSecret)
	f.put("secrets/token", handSecret)
	f.put("secrets/more/x", handSecret)
	c := &config{keys: map[string]string{"db/host": "h", "db/port": "1", "z": "last"}, exclude: []string{"db/password", "secrets/"}}
	rs := f.mustApply(resourceState{}, c) // the create adopts nothing and refuses nothing excluded
	rs, diags := f.read(rs)
	expectNoErrors(t, diags)
	expectNoSecret(t, rs, handSecret)
	if got := f.decoded(rs).Keys; !maps.Equal(got, c.keys) {
		t.Fatalf("the refresh read %v", got)
	}
	f.put("db/password", "rotated-by-its-own-resource") // another resource writes it between the prefix's keys
	c.keys = map[string]string{"db/host": "h2", "db/zz": "new", "z": "last"}
	rs = f.mustApply(rs, c)
	if got := f.held(); got["db/password"] != "rotated-by-its-own-resource" || got["secrets/token"] != handSecret || got["db/zz"] != "new" || got["db/port"] != "" {
		t.Fatalf("after the update etcd holds %v", got)
	}
	if _, diags := f.apply(rs, nil); len(diags) != 0 {
		t.Fatalf("destroy: %+v", diags)
	}
	if got := f.held(); len(got) != 3 || got["secrets/more/x"] != handSecret {
		t.Fatalf("destroy left %v, want only the excluded keys", got)
	}
}

// Adding exclude keeps the newly excluded keys in etcd and says so.
func TestExclude_addedLater(t *testing.T) {
	f := newFixture(t, 128)
	rs := f.mustApply(resourceState{}, &config{keys: map[string]string{"a": "1", "db/password": "p"}})
	c := &config{keys: map[string]string{"a": "1"}, exclude: []string{"db/"}}
	planned := f.plan(rs, c)
	if len(planned.Diagnostics) != 1 || !strings.Contains(planned.Diagnostics[0].Detail, `"db/password"`) || !strings.Contains(planned.Diagnostics[0].Detail, "stay in etcd") {
		t.Fatalf("want one warning that db/password stays in etcd: %+v", planned.Diagnostics)
	}
	f.mustApply(rs, c)
	if got := f.held(); got["db/password"] != "p" {
		t.Fatalf("the newly excluded key was deleted: %v", got)
	}
}

func TestExclude_validation(t *testing.T) {
	f := newFixture(t, 128)
	for name, tc := range map[string]struct {
		c    config
		want string
	}{
		"declared and excluded": {config{keys: map[string]string{"db/password": "x"}, exclude: []string{"db/"}}, `"db/password" is declared and excluded`},
		"not exclusive":         {config{keys: map[string]string{}, exclusive: ptr(false), exclude: []string{"db/"}}, "exclude needs an exclusive prefix"},
		"inside another":        {config{keys: map[string]string{}, exclude: []string{"db/", "db/x"}}, `the sub-prefix "db/" already excludes`},
		"keys_wo declared":      {config{keysWO: map[string]string{"s/x": "v"}, exclude: []string{"s/"}}, `"s/x" is declared and excluded`},
	} {
		resp, err := f.server.ValidateResourceConfig(t.Context(), &tfprotov6.ValidateResourceConfigRequest{TypeName: TypeName, Config: f.value(tc.c)})
		if err != nil {
			t.Fatal(err)
		}
		if detail := expectError(t, resp.Diagnostics, tc.want); detail == "" {
			t.Errorf("%s: no error", name)
		}
	}
}

// expectNoSecret fails when the state or private state holds secret.
func expectNoSecret(t *testing.T, rs resourceState, secret string) {
	t.Helper()
	if strings.Contains(string(rs.state.MsgPack)+string(rs.state.JSON)+string(rs.private), secret) {
		t.Fatal("the state holds the secret")
	}
}
