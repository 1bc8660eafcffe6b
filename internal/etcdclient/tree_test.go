package etcdclient_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

// render prints a tree one node a line, indented by depth, with the keys
// that end at each node.
func render(n *etcdclient.TreeNode) string {
	var b strings.Builder
	var walk func(n *etcdclient.TreeNode, depth int)
	walk = func(n *etcdclient.TreeNode, depth int) {
		for _, c := range n.Children {
			fmt.Fprintf(&b, "%s%q", strings.Repeat("  ", depth), c.Name)
			if len(c.Keys) > 0 {
				fmt.Fprintf(&b, " %q", c.Keys)
			}
			b.WriteString("\n")
			walk(c, depth+1)
		}
	}
	if len(n.Keys) > 0 {
		fmt.Fprintf(&b, "root %q\n", n.Keys)
	}
	walk(n, 0)
	return b.String()
}

func TestBuildTree(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		keys []string
		want string
	}{
		{"empty", nil, ""},
		{"nesting and sorting", []string{"/app/name", "/app/db/port", "/app/db/host", "/zeta", "/alpha"}, `
"alpha" ["/alpha"]
"app"
  "db"
    "host" ["/app/db/host"]
    "port" ["/app/db/port"]
  "name" ["/app/name"]
"zeta" ["/zeta"]
`},
		{"/a and a end at the same node", []string{"a", "/a", "/a/b", "a/c"}, `
"a" ["/a" "a"]
  "b" ["/a/b"]
  "c" ["a/c"]
`},
		{"trailing slash is an empty-named child", []string{"/app/", "/app"}, `
"app" ["/app"]
  "" ["/app/"]
`},
		{"double slash and a key that is only a slash", []string{"//x", "/"}, `
"" ["/"]
  "x" ["//x"]
`},
		{"a key that is also a directory", []string{"/cfg/db", "/cfg/db/host", "/cfg"}, `
"cfg" ["/cfg"]
  "db" ["/cfg/db"]
    "host" ["/cfg/db/host"]
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := etcdclient.BuildTree(tt.keys)
			if root.Name != "" {
				t.Errorf("root name %q", root.Name)
			}
			if got, want := render(root), strings.TrimPrefix(tt.want, "\n"); got != want {
				t.Fatalf("BuildTree(%q):\n%s\nwant:\n%s", tt.keys, got, want)
			}
			var all []string // nothing is lost
			var collect func(n *etcdclient.TreeNode)
			collect = func(n *etcdclient.TreeNode) {
				all = append(all, n.Keys...)
				for _, c := range n.Children {
					collect(c)
				}
			}
			collect(root)
			if slices.Sort(all); !slices.Equal(all, slices.Sorted(slices.Values(tt.keys))) {
				t.Fatalf("keys in the tree %q, given %q", all, tt.keys)
			}
		})
	}
}

func TestTreeNodeChild(t *testing.T) {
	t.Parallel()
	root := etcdclient.BuildTree([]string{"/app/db/host", "/app/db/port", "/app/name", "/b"})
	node := root
	for _, seg := range etcdclient.TreePath("/app/db/host") {
		if node = node.Child(seg); node == nil {
			t.Fatalf("no child %q on the path of /app/db/host", seg)
		}
	}
	if !slices.Equal(node.Keys, []string{"/app/db/host"}) {
		t.Fatalf("node of /app/db/host holds %q", node.Keys)
	}
	for _, missing := range []string{"", "ap", "app0", "c"} {
		if c := root.Child(missing); c != nil {
			t.Errorf("Child(%q) = %+v, want nil", missing, c)
		}
	}
	if (&etcdclient.TreeNode{}).Child("x") != nil {
		t.Error("Child of an empty node is not nil")
	}
}

func TestTreePath(t *testing.T) {
	t.Parallel()
	for key, want := range map[string][]string{
		"/app/db/host": {"app", "db", "host"},
		"app/db":       {"app", "db"},
		"/a":           {"a"},
		"a":            {"a"},
		"/app/":        {"app", ""},
		"/":            {""},
		"":             {""},
		"//x":          {"", "x"},
		"a//b":         {"a", "", "b"},
	} {
		if got := etcdclient.TreePath(key); !slices.Equal(got, want) {
			t.Errorf("TreePath(%q) = %q, want %q", key, got, want)
		}
	}
}
