package key

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func (f *fixture) listConfig(attrs map[string]tftypes.Value) *tfprotov6.DynamicValue {
	f.t.Helper()
	full := map[string]tftypes.Value{}
	for name, typ := range listConfigType.AttributeTypes {
		full[name] = tftypes.NewValue(typ, nil)
	}
	for name, v := range attrs {
		full[name] = v
	}
	dv, err := tfprotov6.NewDynamicValue(listConfigType, tftypes.NewValue(listConfigType, full))
	if err != nil {
		f.t.Fatal(err)
	}
	return &dv
}

func (f *fixture) list(attrs map[string]tftypes.Value, includeResource bool, limit int64) []tfprotov6.ListResourceResult {
	f.t.Helper()
	stream, err := f.server.ListResource(f.t.Context(), &tfprotov6.ListResourceRequest{
		TypeName: TypeName, Config: f.listConfig(attrs), IncludeResource: includeResource, Limit: limit,
	})
	if err != nil {
		f.t.Fatal(err)
	}
	var out []tfprotov6.ListResourceResult
	for r := range stream.Results {
		out = append(out, r)
	}
	return out
}

func TestList(t *testing.T) {
	f := newFixture(t)
	prefix := f.key + "/"
	for i := range 5 {
		if _, err := f.client.Raw().Put(t.Context(), fmt.Sprintf("%sk%d", prefix, i), fmt.Sprintf("v%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	byPrefix := map[string]tftypes.Value{"prefix": tftypes.NewValue(tftypes.String, prefix)}

	got := f.list(byPrefix, true, 0)
	if len(got) != 5 {
		t.Fatalf("listed %d keys, want 5", len(got))
	}
	for i, r := range got {
		expectNoErrors(t, r.Diagnostics)
		key := fmt.Sprintf("%sk%d", prefix, i)
		if r.DisplayName != key {
			t.Fatalf("result %d: %q", i, r.DisplayName)
		}
		if name := identity.Decode(r.Identity, nil); name != key {
			t.Fatalf("result %d: identity %q, want %q", i, name, key)
		}
		st, err := decode(r.Resource)
		if err != nil {
			t.Fatal(err)
		}
		kv, err := f.client.Get(t.Context(), key)
		if err != nil {
			t.Fatal(err)
		}
		if st.Key != key || *st.Value != string(kv.Value) || *st.ModRevision != kv.ModRevision || st.LeaseID != nil {
			t.Fatalf("result %d: resource %+v, etcd %+v", i, st, kv)
		}
	}

	if got := f.list(byPrefix, false, 2); len(got) != 2 || got[0].Resource != nil {
		t.Fatalf("limit 2 without resources listed %d results", len(got))
	}
	withLimit := map[string]tftypes.Value{"prefix": byPrefix["prefix"], "limit": tftypes.NewValue(tftypes.Number, 3)}
	if got := f.list(withLimit, false, 0); len(got) != 3 {
		t.Fatalf("limit = 3 listed %d keys", len(got))
	}
	values := map[string]tftypes.Value{"key": tftypes.NewValue(tftypes.String, prefix+"k1"), "include_values": tftypes.NewValue(tftypes.Bool, true)}
	if got := f.list(values, false, 0); len(got) != 1 || got[0].DisplayName != prefix+`k1 = "v1"` {
		t.Fatalf("include_values lists %+v", got)
	}
	rng := map[string]tftypes.Value{"key": tftypes.NewValue(tftypes.String, prefix+"k1"), "range_end": tftypes.NewValue(tftypes.String, prefix+"k3")}
	if got := f.list(rng, false, 0); len(got) != 2 || got[1].DisplayName != prefix+"k2" {
		t.Fatalf("the range [k1, k3) lists %+v", got)
	}
}

func TestList_badConfig(t *testing.T) {
	f := newFixture(t)
	s := tftypes.String
	for _, c := range []struct {
		attrs      map[string]tftypes.Value
		attr, want string
	}{
		{map[string]tftypes.Value{}, "prefix", "Set prefix"},
		{map[string]tftypes.Value{"prefix": tftypes.NewValue(s, "/a/"), "key": tftypes.NewValue(s, "/a/b")}, "prefix", "not both"},
		{map[string]tftypes.Value{"range_end": tftypes.NewValue(s, "/b")}, "range_end", "range_end needs key"},
		{map[string]tftypes.Value{"key": tftypes.NewValue(s, "/b"), "range_end": tftypes.NewValue(s, "/a")}, "range_end", "does not sort after key"},
		{map[string]tftypes.Value{"key": tftypes.NewValue(s, "")}, "key", "must not be empty"},
		{map[string]tftypes.Value{"prefix": tftypes.NewValue(s, "/a/"), "limit": tftypes.NewValue(tftypes.Number, 0)}, "limit", "at least 1"},
	} {
		resp, err := f.server.ValidateListResourceConfig(t.Context(), &tfprotov6.ValidateListResourceConfigRequest{
			TypeName: TypeName, Config: f.listConfig(c.attrs),
		})
		if err != nil {
			t.Fatal(err)
		}
		d := expectError(t, resp.Diagnostics, c.want)
		if want := tftypes.NewAttributePath().WithAttributeName(c.attr); !d.Attribute.Equal(want) {
			t.Fatalf("%s: the error names %v, want %v", c.want, d.Attribute, want)
		}
		got := f.list(c.attrs, false, 0)
		if len(got) != 1 {
			t.Fatalf("%s: listing gave %d results, want one error", c.want, len(got))
		}
		expectError(t, got[0].Diagnostics, c.want)
	}
}
