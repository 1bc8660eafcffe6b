package prefix

import "testing"

func TestSubPrefix(t *testing.T) {
	for _, c := range []struct {
		parent, key string
		depth       int
		want        string
		ok          bool
	}{
		{"/apps/", "/apps/a/x", 1, "/apps/a/", true},
		{"/apps/", "/apps/a/", 1, "/apps/a/", true},
		{"/apps/", "/apps/a/x/y", 2, "/apps/a/x/", true},
		{"/apps/", "/apps/a/x", 2, "", false},
		{"/apps/", "/apps/README", 1, "", false},
		{"/apps/", "/apps//x", 1, "/apps//", true},
		{"", "/apps/a", 1, "/", true},
		{"", "/apps/a", 2, "/apps/", true},
	} {
		got, ok := subPrefix(c.parent, c.key, c.depth)
		if got != c.want || ok != c.ok {
			t.Errorf("subPrefix(%q, %q, %d) = %q, %t; want %q, %t", c.parent, c.key, c.depth, got, ok, c.want, c.ok)
		}
	}
}
