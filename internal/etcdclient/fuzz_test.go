package etcdclient_test

import (
	"bytes"
	"sort"
	"strings"
	"testing"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

// PrefixRangeEnd agrees with clientv3 and bounds exactly the keys that
// start with the prefix.
func FuzzPrefixRangeEnd(f *testing.F) {
	for _, seed := range []string{"", "a", "/app/", "a\xff", "\xff\xff", "a\x00", "\xfe\xff"} {
		f.Add(seed, "probe")
	}
	f.Fuzz(func(t *testing.T, prefix, key string) {
		end := etcdclient.PrefixRangeEnd(prefix)
		if end != clientv3.GetPrefixRangeEnd(prefix) {
			t.Fatalf("PrefixRangeEnd(%q) = %q, clientv3 says %q", prefix, end, clientv3.GetPrefixRangeEnd(prefix))
		}
		inRange := key >= prefix && (end == "\x00" || key < end)
		if inRange != strings.HasPrefix(key, prefix) {
			t.Fatalf("prefix %q end %q: key %q in range = %t", prefix, end, key, inRange)
		}
	})
}

// BuildTree loses no key: every key ends at the node its path names.
func FuzzBuildTree(f *testing.F) {
	f.Add("/app/db/host\n/app/db/port\n/app\nother/")
	f.Add("a\n/a\n//\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, joined string) {
		keys := strings.Split(joined, "\n")
		root := etcdclient.BuildTree(keys)
		for _, k := range keys {
			n := root
			for _, seg := range etcdclient.TreePath(k) {
				if n = n.Child(seg); n == nil {
					t.Fatalf("key %q: no node for segment %q", k, seg)
				}
			}
			if i := sort.SearchStrings(n.Keys, k); i == len(n.Keys) || n.Keys[i] != k {
				t.Fatalf("key %q is not recorded at its node (%v)", k, n.Keys)
			}
		}
		checkSorted(t, root)
	})
}

func checkSorted(t *testing.T, n *etcdclient.TreeNode) {
	t.Helper()
	for i := 1; i < len(n.Children); i++ {
		if bytes.Compare([]byte(n.Children[i-1].Name), []byte(n.Children[i].Name)) >= 0 {
			t.Fatalf("children of %q are not sorted and unique", n.Name)
		}
	}
	for _, c := range n.Children {
		checkSorted(t, c)
	}
}

// ParseLeaseID never panics, accepts what Hex prints, and only positive IDs.
func FuzzParseLeaseID(f *testing.F) {
	for _, seed := range []string{"7587852521871779338", "694d77aa9e38260a", "0x10", "-1", "0", "", "zz"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := etcdclient.ParseLeaseID(s)
		if err != nil {
			return
		}
		if id <= 0 {
			t.Fatalf("ParseLeaseID(%q) = %d, not positive", s, id)
		}
		back, err := etcdclient.ParseLeaseID("0x" + id.Hex())
		if err != nil || back != id {
			t.Fatalf("round trip of %d through %q: %d, %v", id, id.Hex(), back, err)
		}
	})
}
