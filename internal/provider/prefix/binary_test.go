package prefix

import (
	"crypto/rand"
	"fmt"
	"maps"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// An exclusive prefix of binary values is created, read back and imported
// through keys_base64; a changed byte shows as drift and is written back.
func TestServer_keysBase64(t *testing.T) {
	f := newFixture(t, 0)
	keys := randomKeys(t, 50)
	rs := f.mustApply(resourceState{}, &config{keysBase64: keys})
	if got := f.held(); !maps.Equal(got, keys) {
		t.Fatalf("etcd holds %d keys, not the %d declared", len(got), len(keys))
	}
	rs, diags := f.read(rs)
	expectNoErrors(t, diags)
	if st := f.decoded(rs); !st.Base64 || !maps.Equal(st.Keys, keys) {
		t.Fatal("read does not return the binary values")
	}

	imported, diags := f.importPrefix()
	expectNoErrors(t, diags)
	if st := f.decoded(imported); !st.Base64 || !maps.Equal(st.Keys, keys) {
		t.Fatal("import does not hold the binary values in keys_base64")
	}
	planned := f.plan(imported, &config{keysBase64: keys})
	if !equalValues(t, planned.PlannedState, imported.state) {
		t.Fatal("the plan after import is not empty")
	}

	changed := []byte(keys["k007"])
	changed[3] ^= 1
	f.put("k007", string(changed))
	rs, diags = f.read(rs)
	expectNoErrors(t, diags)
	if st := f.decoded(rs); st.Keys["k007"] != string(changed) {
		t.Fatal("a changed byte does not show as drift")
	}
	f.mustApply(rs, &config{keysBase64: keys})
	if got := f.held(); !maps.Equal(got, keys) {
		t.Fatal("apply did not write the drifted byte back")
	}
}

func TestServer_keysBase64Validation(t *testing.T) {
	f := newFixture(t, 0)
	for _, tc := range []struct {
		c    config
		want []string
	}{
		{config{keys: map[string]string{}, keysBase64: map[string]string{}}, []string{"Conflicting attributes", "keys and keys_base64"}},
		{config{keysJSON: "{}", keysBase64: map[string]string{}}, []string{"Conflicting attributes", "keys_json and keys_base64"}},
	} {
		resp, err := f.server.ValidateResourceConfig(t.Context(), &tfprotov6.ValidateResourceConfigRequest{TypeName: TypeName, Config: f.value(tc.c)})
		if err != nil {
			t.Fatal(err)
		}
		expectError(t, resp.Diagnostics, tc.want...)
	}
}

// delete_on_destroy = false leaves every key as it was.
func TestServer_keepOnDestroy(t *testing.T) {
	f := newFixture(t, 0)
	keep := false
	keys := map[string]string{"a": "1", "b": "2"}
	rs := f.mustApply(resourceState{}, &config{keys: keys, deleteOnDestroy: &keep})
	before := f.modRevisions()
	_, diags := f.apply(rs, nil)
	expectNoErrors(t, diags)
	if got := f.held(); !maps.Equal(got, keys) || !maps.Equal(f.modRevisions(), before) {
		t.Fatalf("destroy with delete_on_destroy = false changed etcd: %v", got)
	}
}

func randomKeys(t *testing.T, n int) map[string]string {
	t.Helper()
	keys := make(map[string]string, n)
	for i := range n {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		b[0] = 0xff // never UTF-8
		keys[fmt.Sprintf("k%03d", i)] = string(b)
	}
	return keys
}

func equalValues(t *testing.T, a, b *tfprotov6.DynamicValue) bool {
	t.Helper()
	va, err1 := a.Unmarshal(objectType)
	vb, err2 := b.Unmarshal(objectType)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	return va.Equal(vb)
}
