package etcdclient_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
)

func TestMain(m *testing.M) { etcdtest.Main(m) }

// Generous bounds: the tests must pass on a loaded 2-core machine.
const (
	eventually = 20 * time.Second // how long a polling loop waits for etcd to catch up
	shortWait  = 2 * time.Second  // timeouts of clients that are expected to fail
)

// shared returns a client of the shared etcd and a key prefix no other test
// uses. Tests on it must stay under their prefix.
func shared(t *testing.T) (*etcdclient.Client, string) {
	t.Helper()
	return etcdtest.Client(t, etcdtest.Shared(t).Config), etcdtest.Prefix(t)
}

// sharedWithKeys is shared with n keys written under the prefix (see
// numbered and writeKeys).
func sharedWithKeys(t *testing.T, n int) (*etcdclient.Client, string, []string) {
	t.Helper()
	c, prefix := shared(t)
	keys := numbered(prefix, n)
	writeKeys(t, c, keys)
	return c, prefix, keys
}

// ownServer starts a server for this test alone and returns a root client.
func ownServer(t *testing.T, opts ...etcdtest.Option) (*etcdtest.Server, *etcdclient.Client) {
	t.Helper()
	s := etcdtest.New(t, opts...)
	return s, etcdtest.Client(t, s.ClientConfig())
}

// failFast makes cfg give up quickly: for clients expected to fail.
func failFast(cfg etcdclient.Config) etcdclient.Config {
	cfg.DialTimeout, cfg.RequestTimeout = shortWait, shortWait
	return cfg
}

// closedPort returns a loopback host:port nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

func mustPut(t *testing.T, c *etcdclient.Client, key, value string, opts ...etcdclient.PutOption) int64 {
	t.Helper()
	rev, err := c.PutRev(t.Context(), key, value, opts...)
	if err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
	return rev
}

func mustGet(t *testing.T, c *etcdclient.Client, key string) *etcdclient.KeyValue {
	t.Helper()
	kv, err := c.Get(t.Context(), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	return kv
}

// putAll writes key=value pairs given as alternating strings.
func putAll(t *testing.T, c *etcdclient.Client, kvs ...string) {
	t.Helper()
	for i := 0; i+1 < len(kvs); i += 2 {
		mustPut(t, c, kvs[i], kvs[i+1])
	}
}

// expectValue fails unless key holds want.
func expectValue(t *testing.T, c *etcdclient.Client, key, want string) {
	t.Helper()
	if got := string(mustGet(t, c, key).Value); got != want {
		t.Fatalf("%s = %q, want %q", key, got, want)
	}
}

// expectMissing fails unless key does not exist.
func expectMissing(t *testing.T, c *etcdclient.Client, key string) {
	t.Helper()
	kv, err := c.Get(t.Context(), key)
	if !errors.Is(err, etcdclient.ErrKeyNotFound) {
		t.Fatalf("Get(%q) = %+v, %v; want ErrKeyNotFound", key, kv, err)
	}
}

// expectErr fails unless err wraps want and its message contains every one
// of parts.
func expectErr(t *testing.T, err, want error, parts ...string) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("error = %v; want one wrapping %q", err, want)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not mention %q", err, p)
		}
	}
}

// waitFor polls cond until it returns "" or the deadline passes; cond
// returns what is still wrong.
func waitFor(t *testing.T, timeout time.Duration, cond func() string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		wrong := cond()
		if wrong == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", timeout, wrong)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitGone waits until key is deleted (by a lease expiring, say).
func waitGone(t *testing.T, c *etcdclient.Client, key string, timeout time.Duration) {
	t.Helper()
	waitFor(t, timeout, func() string {
		_, err := c.Get(t.Context(), key)
		switch {
		case errors.Is(err, etcdclient.ErrKeyNotFound):
			return ""
		case err != nil:
			return fmt.Sprintf("Get(%q): %v", key, err)
		}
		return fmt.Sprintf("%s still exists", key)
	})
}

// keysOf returns the keys of kvs in order.
func keysOf(kvs []etcdclient.KeyValue) []string {
	keys := make([]string, len(kvs))
	for i, kv := range kvs {
		keys[i] = kv.Key
	}
	return keys
}

// numbered returns n keys prefix+"k00000" … in key order.
func numbered(prefix string, n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("%sk%06d", prefix, i)
	}
	return keys
}

// putOps returns Ops writing value "v-<key>" to each key.
func putOps(keys []string) []etcdclient.Op {
	ops := make([]etcdclient.Op, len(keys))
	for i, k := range keys {
		ops[i] = etcdclient.Op{Key: k, Value: "v-" + k}
	}
	return ops
}

// writeKeys writes each key with value "v-<key>" in transactions of 128.
func writeKeys(t testing.TB, c *etcdclient.Client, keys []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	applied, _, err := c.CommitChunks(ctx, putOps(keys), 128, etcdclient.MaxTxnBytes)
	if err != nil || applied != len(keys) {
		t.Fatalf("CommitChunks of %d keys: applied %d, %v", len(keys), applied, err)
	}
}
