package prefix

import (
	"slices"
	"strings"
	"testing"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

func TestExclusionRanges(t *testing.T) {
	const p = "/app/"
	all := etcdclient.PrefixRange(p)
	cases := []struct {
		name string
		x    exclusion
		want []etcdclient.Range
	}{
		{"none", nil, []etcdclient.Range{all}},
		{"a key", exclusion{"db/password"}, []etcdclient.Range{
			{Key: p, RangeEnd: p + "db/password"}, {Key: p + "db/password\x00", RangeEnd: all.RangeEnd},
		}},
		{"a sub-prefix and a key, out of order", exclusion{"z", "secrets/"}, []etcdclient.Range{
			{Key: p, RangeEnd: p + "secrets/"}, {Key: p + "secrets0", RangeEnd: p + "z"}, {Key: p + "z\x00", RangeEnd: all.RangeEnd},
		}},
		{"a key inside an excluded sub-prefix", exclusion{"s/", "s/x"}, []etcdclient.Range{
			{Key: p, RangeEnd: p + "s/"}, {Key: p + "s0", RangeEnd: all.RangeEnd},
		}},
	}
	for _, c := range cases {
		if got := c.x.ranges(p); !slices.Equal(got, c.want) {
			t.Errorf("%s: ranges = %+v, want %+v", c.name, got, c.want)
		}
	}
}

// Every key under the prefix is in exactly one of the ranges or excluded.
func TestExclusionRangesCoverTheRest(t *testing.T) {
	const p = "/app/"
	x := exclusion{"db/password", "secrets/", "a", "zz/"}
	rs := x.ranges(p)
	for _, rel := range []string{"", "a", "a0", "b", "db/password", "db/password2", "db/passwor", "secrets", "secrets/", "secrets/x", "secrets0", "z", "zz", "zz/", "zz/y", "\xff"} {
		in := 0
		for _, r := range rs {
			if p+rel >= r.Key && (r.RangeEnd == "\x00" || p+rel < r.RangeEnd) {
				in++
			}
		}
		if want := map[bool]int{true: 0, false: 1}[x.covers(rel)]; in != want {
			t.Errorf("%q is in %d ranges, want %d (excluded: %t)", rel, in, want, x.covers(rel))
		}
	}
}

func TestExcludeErrors(t *testing.T) {
	cases := []struct {
		x        exclusion
		declared map[string]string
		want     string
	}{
		{exclusion{"db/password", "secrets/"}, map[string]string{"db/host": "h"}, ""},
		{exclusion{""}, nil, "empty entry"},
		{exclusion{"a", "a"}, nil, `lists "a" twice`},
		{exclusion{"s/", "s/x"}, nil, `the sub-prefix "s/" already excludes`},
		{exclusion{"secrets/"}, map[string]string{"secrets/token": "t"}, `"secrets/token" is declared and excluded`},
		{exclusion{"db/password"}, map[string]string{"db/password": "p"}, `"db/password" is declared and excluded`},
	}
	for _, c := range cases {
		errs := strings.Join(excludeErrors(c.x, c.declared), "\n")
		if (c.want == "") != (errs == "") || !strings.Contains(errs, c.want) {
			t.Errorf("excludeErrors(%q) = %q, want %q", c.x, errs, c.want)
		}
	}
}
