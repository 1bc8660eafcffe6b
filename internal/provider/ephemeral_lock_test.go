package provider

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

// lockedConfig serves the lock from provider "etcd" and fences provider
// "etcdlocked" with it. (Two local names, not two aliases: reattached test
// providers share one server per name, see factories.)
func lockedConfig(e *testEtcd, lockName, timeout, resources string) string {
	return requiredProviders("etcd", "etcdlocked") + providerBlock("etcd", e.cfg) + fmt.Sprintf(`
ephemeral "etcd_lock" "run" {
  provider = etcd
  name     = %[1]q
  ttl      = 10
  timeout  = %[2]q
}

provider "etcdlocked" {
  endpoints = [%[3]s]
  lock = {
    key      = ephemeral.etcd_lock.run.key
    revision = ephemeral.etcd_lock.run.revision
  }
}
`, lockName, timeout, quoteList(e.cfg.Endpoints)) + resources
}

func lockedKey(key, value string) string {
	return fmt.Sprintf(`
resource "etcd_key" "guarded" {
  provider = etcdlocked
  key      = %q
  value    = %q
}
`, key, value)
}

// storeRevision returns etcd's current revision.
func storeRevision(t *testing.T, c *etcdclient.Client) int64 {
	t.Helper()
	_, rev, err := c.ListRange(t.Context(), etcdclient.Range{Key: "\x00", Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return rev
}

// A run waits while another holder has the lock, and writes only after it
// is released.
func TestAccLock_waitsForTheHolder(t *testing.T) {
	requireCLI(t, featureEphemeralResources)
	t.Parallel()
	e := sharedEtcd(t)
	ctx := t.Context()
	lockName, key := e.prefix+"lock", e.prefix+"written-under-lock"
	holder, err := e.client.AcquireLock(ctx, lockName, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	w := newWorkdir(t, lockedConfig(e, lockName, "2m", lockedKey(key, "v")), "etcd", "etcdlocked")
	result := make(chan applyResult, 1)
	go func() {
		out, err := w.apply()
		result <- applyResult{out, err}
	}()
	time.Sleep(3 * time.Second)
	if got := e.value(t, key); got != "<missing>" {
		t.Fatalf("the run wrote %q while another holder had the lock", got)
	}
	if err := e.client.ReleaseLock(ctx, holder); err != nil {
		t.Fatal(err)
	}
	released := storeRevision(t, e.client)
	r := <-result
	if r.err != nil {
		t.Fatalf("apply after the lock was released: %v\n%s", r.err, r.out)
	}
	kv, err := e.client.Get(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if kv.CreateRevision <= released {
		t.Fatalf("the key was written at revision %d, before the holder released the lock at %d", kv.CreateRevision, released)
	}
	if locked, _ := e.client.IsLocked(ctx, lockName); locked {
		t.Fatal("the run did not release the lock when it finished")
	}
}

// A run that cannot get the lock within timeout fails, naming the holder.
func TestAccLock_timeoutNamesTheHolder(t *testing.T) {
	requireCLI(t, featureEphemeralResources)
	t.Parallel()
	e := sharedEtcd(t)
	lockName, key := e.prefix+"lock", e.prefix+"never-written"
	holder, err := e.client.AcquireLock(t.Context(), lockName, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = e.client.ReleaseLock(t.Context(), holder) }()
	w := newWorkdir(t, lockedConfig(e, lockName, "2s", lockedKey(key, "v")), "etcd", "etcdlocked")
	out, err := w.apply()
	if err == nil {
		t.Fatalf("apply succeeded while the lock was held:\n%s", out)
	}
	if !strings.Contains(out, "Cannot acquire etcd lock") || !strings.Contains(out, holder.Key) {
		t.Fatalf("the error does not name the holder's key %q:\n%s", holder.Key, out)
	}
	if got := e.value(t, key); got != "<missing>" {
		t.Fatalf("a run without the lock wrote %q", got)
	}
}

// Two runs of one configuration at the same time: both succeed, one after
// the other, so their writes do not interleave.
func TestAccLock_concurrentRunsSerialise(t *testing.T) {
	requireCLI(t, featureEphemeralResources)
	t.Parallel()
	e := sharedEtcd(t)
	lockName := e.prefix + "lock"
	runs := []string{"a", "b"}
	var wg sync.WaitGroup
	results := make([]applyResult, len(runs))
	for i, run := range runs {
		prefix := e.prefix + run + "/"
		var keys strings.Builder
		for k, v := range manyKeys(400) {
			fmt.Fprintf(&keys, "    %q = %q\n", k, v)
		}
		res := fmt.Sprintf("resource \"etcd_prefix\" \"p\" {\n  provider = etcdlocked\n  prefix = %q\n  keys = {\n%s  }\n}\n", prefix, keys.String())
		w := newWorkdir(t, lockedConfig(e, lockName, "2m", res), "etcd", "etcdlocked")
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := w.apply()
			results[i] = applyResult{out, err}
		}()
	}
	wg.Wait()
	spans := make([][2]int64, len(runs))
	for i, run := range runs {
		if results[i].err != nil {
			t.Fatalf("run %s: %v\n%s", run, results[i].err, results[i].out)
		}
		spans[i] = revisionSpan(t, e.client, e.prefix+run+"/")
	}
	if spans[0][1] >= spans[1][0] && spans[1][1] >= spans[0][0] {
		t.Fatalf("the runs' writes interleave: run a wrote at revisions %v, run b at %v", spans[0], spans[1])
	}
}

// revisionSpan returns the lowest and highest mod revision under prefix.
func revisionSpan(t *testing.T, c *etcdclient.Client, prefix string) [2]int64 {
	t.Helper()
	kvs, err := c.List(t.Context(), prefix)
	if err != nil || len(kvs) == 0 {
		t.Fatalf("list %q: %d keys, %v", prefix, len(kvs), err)
	}
	span := [2]int64{kvs[0].ModRevision, kvs[0].ModRevision}
	for _, kv := range kvs {
		span[0], span[1] = min(span[0], kv.ModRevision), max(span[1], kv.ModRevision)
	}
	return span
}

// A provider fenced by a lock whose owner key is gone writes nothing.
func TestAccLock_fencedWriteAfterLockLost(t *testing.T) {
	requireCLI(t, featureEphemeralResources)
	t.Parallel()
	e := sharedEtcd(t)
	ctx := t.Context()
	fenceKey, key := e.prefix+"lock/owner", e.prefix+"fenced"
	rev, err := e.client.PutRev(ctx, fenceKey, "")
	if err != nil {
		t.Fatal(err)
	}
	hcl := func(value string) string {
		return requiredProviders("etcd") + fmt.Sprintf(`
provider "etcd" {
  endpoints = [%[1]s]
  lock      = { key = %[2]q, revision = %[3]d }
}
`, quoteList(e.cfg.Endpoints), fenceKey, rev) + fmt.Sprintf("resource \"etcd_key\" \"k\" {\n  key = %q\n  value = %q\n}\n", key, value)
	}
	w := newWorkdir(t, hcl("while held"))
	if out, err := w.apply(); err != nil {
		t.Fatalf("apply while the lock is held: %v\n%s", err, out)
	}
	e.del(t, fenceKey) // the lock is lost: its owner key is gone
	w.write("main.tf", hcl("after the lock was lost"))
	out, err := w.apply()
	if err == nil {
		t.Fatalf("a fenced write succeeded after the lock was lost:\n%s", out)
	}
	if !strings.Contains(out, "no longer held") || !strings.Contains(out, fenceKey) {
		t.Fatalf("the error does not say the lock was lost:\n%s", out)
	}
	if got := e.value(t, key); got != "while held" {
		t.Fatalf("the fenced write changed the key to %q", got)
	}
}
