package etcdclient

import (
	"sort"
	"strings"
)

// TreeNode is one path segment of a key tree built by BuildTree.
type TreeNode struct {
	// Name is the segment; the root's is "".
	Name string
	// Keys are the keys that end at this node: usually none or one, but
	// "/a" and "a" both end at the node a.
	Keys     []string
	Children []*TreeNode
}

// Child returns the child called name, or nil.
func (n *TreeNode) Child(name string) *TreeNode {
	i := sort.Search(len(n.Children), func(i int) bool { return n.Children[i].Name >= name })
	if i < len(n.Children) && n.Children[i].Name == name {
		return n.Children[i]
	}
	return nil
}

// TreePath returns the segments of key in a tree: key split on "/", after
// dropping one leading "/". So "/app/db/host" is app → db → host, and a
// key ending in "/" such as "/app/" ends at an empty-named child of app.
func TreePath(key string) []string {
	return strings.Split(strings.TrimPrefix(key, "/"), "/")
}

// BuildTree arranges keys into a tree by their "/"-separated segments (see
// TreePath). Children are sorted by name. Every key is recorded at the node
// where it ends, so nothing is lost.
func BuildTree(keys []string) *TreeNode {
	root := &TreeNode{}
	index := map[string]*TreeNode{}
	for _, key := range keys {
		node, path := root, ""
		for _, seg := range TreePath(key) {
			path += "/" + seg
			child, ok := index[path]
			if !ok {
				child = &TreeNode{Name: seg}
				index[path] = child
				node.Children = append(node.Children, child)
			}
			node = child
		}
		node.Keys = append(node.Keys, key)
	}
	sortTree(root)
	return root
}

func sortTree(n *TreeNode) {
	sort.Slice(n.Children, func(i, j int) bool { return n.Children[i].Name < n.Children[j].Name })
	sort.Strings(n.Keys)
	for _, c := range n.Children {
		sortTree(c)
	}
}
