package provider

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
)

// interruptKeys is large, and interruptTxnOps small, so that an apply takes
// long enough to be interrupted part-way on any machine.
const (
	interruptKeys   = 30000
	interruptTxnOps = 16
)

// An apply stopped with Ctrl-C (SIGINT) part-way through creating a prefix
// says exactly what etcd holds, records nothing (the resource is not
// tainted), and the next apply finishes the job in place: a create in the
// plan, never a replace, and no declared key ever deleted.
func TestAccPrefix_interruptedCreateSIGINT(t *testing.T) {
	testInterruptedCreate(t, sharedEtcd(t), syscall.SIGINT)
}

// The same when tofu is killed (SIGKILL): nothing reaches the state, and
// the next apply adopts what was written without an import.
func TestAccPrefix_interruptedCreateSIGKILL(t *testing.T) {
	testInterruptedCreate(t, sharedEtcd(t), syscall.SIGKILL)
}

// Both on a 3-member cluster.
func TestAccInterrupt_clusterCreate(t *testing.T) {
	cluster := etcdtest.NewCluster(t, 3, etcdtest.WithLogLevel("error"))
	cfg := cluster.ClientConfig()
	e := &testEtcd{cfg: cfg, client: etcdtest.Client(t, cfg), prefix: etcdtest.Prefix(t)}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) {
			testInterruptedCreate(t, &testEtcd{cfg: e.cfg, client: e.client, prefix: e.prefix + strconv.Itoa(int(sig)) + "/"}, sig)
		})
	}
}

func testInterruptedCreate(t *testing.T, e *testEtcd, sig syscall.Signal) {
	want := manyKeys(interruptKeys)
	w := interruptWorkdir(t, interruptConfig(e, ""))
	keysJSON, _ := json.Marshal(want)
	w.write("keys.json", string(keysJSON))
	deletes := countDeletes(t, e)

	out := interruptApply(t, w, e, len(want), func(cmd *exec.Cmd) {
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
	})
	held := int(waitForSteadyCount(t, e))
	t.Logf("%s after %d of %d keys", sig, held, len(want))
	if sig == syscall.SIGINT {
		reported := regexp.MustCompile(`(\d+) of \d+ writes were committed`).FindStringSubmatch(out)
		if reported == nil || reported[1] != strconv.Itoa(held) {
			t.Fatalf("etcd holds %d keys; the interrupted apply said:\n%s", held, out)
		}
	}

	plan := w.mustRun("plan", "-input=false", "-no-color")
	if !strings.Contains(plan, "1 to add, 0 to change, 0 to destroy") || strings.Contains(plan, "replace") {
		t.Fatalf("the plan after the interruption is not a plain create:\n%s", lastLines(plan, 15))
	}
	expectConvergence(t, w, e, want, deletes)
}

// Two of three members stopped while a prefix is being created: the apply
// fails within about dial_timeout + request_timeout, saying the cluster has
// no quorum; once the members are back, the next apply converges without
// deleting a declared key.
func TestAccInterrupt_quorumLostDuringCreate(t *testing.T) {
	cluster := etcdtest.NewCluster(t, 3, etcdtest.WithLogLevel("error"))
	cfg := cluster.ClientConfig()
	e := &testEtcd{cfg: cfg, client: etcdtest.Client(t, cfg), prefix: etcdtest.Prefix(t)}
	want := manyKeys(interruptKeys)
	// Two writes a transaction: the apply outlasts the members' stopping.
	config := strings.Replace(interruptConfig(e, `  dial_timeout = "2s"`+"\n"+`  request_timeout = "3s"`+"\n"), fmt.Sprintf("max_txn_ops = %d", interruptTxnOps), "max_txn_ops = 2", 1)
	w := interruptWorkdir(t, config)
	keysJSON, _ := json.Marshal(want)
	w.write("keys.json", string(keysJSON))
	deletes := countDeletes(t, e)

	var stopped []int
	var lostAt time.Time
	out := interruptApply(t, w, e, len(want), func(*exec.Cmd) {
		// Both followers: a follower stops at once, while a leader first
		// hands over its leadership, during which the apply goes on.
		leader := cluster.Leader()
		for i := range cluster.Members {
			if i != leader {
				stopped = append(stopped, i)
			}
		}
		var wg sync.WaitGroup
		for _, m := range stopped {
			wg.Go(cluster.Members[m].Stop)
		}
		wg.Wait()
		lostAt = time.Now()
	})
	took := time.Since(lostAt)
	t.Logf("the apply failed %v after quorum was lost", took)
	if !strings.Contains(out, "quorum") {
		t.Fatalf("the error does not say the cluster lost quorum:\n%s", lastLines(out, 20))
	}
	if took > 30*time.Second { // 5 s of timeouts, with a wide margin for a loaded machine
		t.Fatalf("the apply took %v to fail", took)
	}
	for _, m := range stopped {
		if err := cluster.Members[m].Restart(); err != nil {
			t.Fatal(err)
		}
	}
	expectConvergence(t, w, e, want, deletes)
}

// interruptWorkdir is a pluginWorkdir without the trace log, which would
// hold the 30,000 keys several times over.
func interruptWorkdir(t *testing.T, hcl string) *workdir {
	t.Helper()
	w := pluginWorkdir(t, hcl)
	w.env = slices.DeleteFunc(w.env, func(kv string) bool { return strings.HasPrefix(kv, "TF_LOG") })
	return w
}

// interruptConfig is an etcd_prefix of the keys in keys.json, written in
// many small transactions; settings go into the provider block.
func interruptConfig(e *testEtcd, settings string) string {
	provider := strings.Replace(providerBlock("etcd", e.cfg), "{\n", fmt.Sprintf("{\n  max_txn_ops = %d\n%s", interruptTxnOps, settings), 1)
	return requiredProviders("etcd") + provider + fmt.Sprintf(`
resource "etcd_prefix" "test" {
  prefix    = %q
  keys_json = file("keys.json")
}
`, e.prefix)
}

// interruptApply starts `tofu apply`, calls interrupt once etcd holds some
// but not all of the total keys, and returns tofu's output once it exits.
func interruptApply(t *testing.T, w *workdir, e *testEtcd, total int, interrupt func(*exec.Cmd)) string {
	t.Helper()
	out, _, err := applyAndAct(t, w, func() bool {
		n := keyCount(t, e)
		if n >= int64(total) {
			t.Fatal("the apply wrote every key before it could be interrupted")
		}
		return n > 0
	}, interrupt)
	if err == nil {
		t.Fatalf("the interrupted apply succeeded:\n%s", out)
	}
	return out
}

// applyAndAct starts `tofu apply`, calls act once begun reports that the
// apply is under way, and returns tofu's output and exit error once it
// exits, with the time act was called.
func applyAndAct(t *testing.T, w *workdir, begun func() bool, act func(*exec.Cmd)) (string, time.Time, error) {
	t.Helper()
	cmd := exec.Command(os.Getenv("TF_ACC_TERRAFORM_PATH"), "apply", "-auto-approve", "-input=false", "-no-color")
	cmd.Dir, cmd.Env = w.dir, w.env
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	// Its own process group, so that the test can end the provider a killed
	// tofu leaves behind, once the test has seen what it did.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	for !begun() {
		time.Sleep(5 * time.Millisecond)
	}
	act(cmd)
	actedAt := time.Now()
	err := cmd.Wait()
	return out.String(), actedAt, err
}

// expectConvergence applies again and checks that etcd then holds want,
// that the plan is empty, and that no key was deleted on the way.
func expectConvergence(t *testing.T, w *workdir, e *testEtcd, want map[string]string, deletes *atomic.Int64) {
	t.Helper()
	w.mustRun("apply", "-auto-approve", "-input=false", "-no-color")
	if got := prefixContents(t, e); !maps.Equal(got, want) {
		t.Fatalf("etcd holds %d keys after the second apply, want %d", len(got), len(want))
	}
	if w.planChanges() {
		t.Fatal("the plan after the second apply is not empty")
	}
	if n := deletes.Load(); n != 0 {
		t.Fatalf("%d declared keys were deleted on the way", n)
	}
}

// waitForSteadyCount waits until the key count under the prefix has not
// changed for a second (a killed tofu's provider may finish a transaction).
func waitForSteadyCount(t *testing.T, e *testEtcd) int64 {
	t.Helper()
	last, since := keyCount(t, e), time.Now()
	for time.Since(since) < time.Second {
		time.Sleep(100 * time.Millisecond)
		if n := keyCount(t, e); n != last {
			last, since = n, time.Now()
		}
	}
	return last
}

func keyCount(t *testing.T, e *testEtcd) int64 {
	t.Helper()
	n, err := e.client.GetKeyCountWithPrefix(t.Context(), e.prefix)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// countDeletes counts every delete under the test's prefix from now on.
func countDeletes(t *testing.T, e *testEtcd) *atomic.Int64 {
	t.Helper()
	var n atomic.Int64
	ch := e.client.Raw().Watch(clientv3.WithRequireLeader(t.Context()), e.prefix, clientv3.WithPrefix())
	go func() {
		for resp := range ch {
			for _, ev := range resp.Events {
				if ev.Type == clientv3.EventTypeDelete {
					n.Add(1)
				}
			}
		}
	}()
	return &n
}

func prefixContents(t *testing.T, e *testEtcd) map[string]string {
	t.Helper()
	got := map[string]string{}
	_, err := e.client.ForEach(t.Context(), etcdclient.PrefixRange(e.prefix), func(kv etcdclient.KeyValue) error {
		got[strings.TrimPrefix(kv.Key, e.prefix)] = string(kv.Value)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
