package provider

import (
	"encoding/json"
	"fmt"
	"maps"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
)

// hungKeys is what the hung-member tests write: enough transactions (16
// keys each, fsync on) that a member can be frozen part-way.
const hungKeys = 20000

// hungCluster starts three etcd daemons that can be frozen. An embedded
// member runs in the test process and cannot be, so these tests need a
// daemon binary: ETCD_TEST_SERVER_BIN (make test-etcd34/35/36 set it), or
// the etcd on PATH.
func hungCluster(t *testing.T) (*etcdtest.ProcessCluster, *testEtcd) {
	t.Helper()
	cluster := etcdtest.NewProcessCluster(t, etcdtest.DaemonBin(t), 3)
	cfg := cluster.ClientConfig()
	return cluster, &testEtcd{cfg: cfg, client: etcdtest.Client(t, cfg), prefix: etcdtest.Prefix(t)}
}

// With the leader, then a follower, frozen while a 20,000-key update is
// being written, the apply completes with the other two members, etcd
// holds the configuration, and the next plan (a refresh of every key with
// the member still frozen) is empty.
func TestAccHung_memberFrozenDuringUpdate(t *testing.T) {
	for _, role := range []string{"leader", "follower"} {
		t.Run(role, func(t *testing.T) {
			cluster, e := hungCluster(t)
			w := newWorkdir(t, interruptConfig(e, ""))
			before, after := hungValues("v1"), hungValues("v2")
			writeKeysJSON(t, w, before)
			w.mustRun("apply", "-auto-approve", "-input=false", "-no-color")

			writeKeysJSON(t, w, after)
			frozeAt := freezeDuringApply(t, w, e, func() {
				member := cluster.Leader()
				if role == "follower" {
					member = cluster.Follower()
				}
				cluster.Freeze(member)
			}, func(out string, err error) {
				if err != nil {
					t.Fatalf("the apply failed with a %s frozen: %v\n%s", role, err, lastLines(out, 20))
				}
			})
			t.Logf("the update completed %v after the %s froze", time.Since(frozeAt), role)
			if got := prefixContents(t, e); !maps.Equal(got, after) {
				t.Fatalf("etcd holds %d keys, not the configuration", len(got))
			}
			start := time.Now()
			if w.planChanges() {
				t.Fatal("the plan after the update is not empty")
			}
			t.Logf("the refresh of %d keys with the %s frozen took %v", hungKeys, role, time.Since(start))
		})
	}
}

// With two of three members frozen there is no quorum: the apply fails
// within about dial_timeout + request_timeout, naming the members that did
// not answer.
func TestAccHung_twoMembersFrozen(t *testing.T) {
	cluster, e := hungCluster(t)
	w := newWorkdir(t, interruptConfig(e, `  dial_timeout = "2s"`+"\n"+`  request_timeout = "5s"`+"\n"))
	writeKeysJSON(t, w, hungValues("v1"))
	var frozen []string
	frozeAt := freezeDuringApply(t, w, e, func() {
		for _, i := range []int{cluster.Follower(), cluster.Leader()} {
			cluster.Freeze(i)
			frozen = append(frozen, cluster.Members[i].Endpoints[0])
		}
	}, func(out string, err error) {
		if err == nil {
			t.Fatal("the apply succeeded with two of three members frozen")
		}
		for _, ep := range frozen {
			if !strings.Contains(out, strings.TrimPrefix(ep, "http://")) || !strings.Contains(out, "stopped answering") {
				t.Fatalf("the error does not name the frozen member %s (err %v):\n%s", ep, err, out)
			}
		}
	})
	took := time.Since(frozeAt)
	t.Logf("the apply failed %v after two members froze", took)
	if took > 30*time.Second { // 7 s of timeouts, with a wide margin for a loaded machine
		t.Fatalf("the apply took %v to fail", took)
	}
}

func hungValues(version string) map[string]string {
	m := make(map[string]string, hungKeys)
	for i := range hungKeys {
		m[fmt.Sprintf("k%05d", i)] = fmt.Sprintf("%s-%d", version, i)
	}
	return m
}

func writeKeysJSON(t *testing.T, w *workdir, keys map[string]string) {
	t.Helper()
	b, err := json.Marshal(keys)
	if err != nil {
		t.Fatal(err)
	}
	w.write("keys.json", string(b))
}

// freezeDuringApply runs `tofu apply`, calls freeze once the first write
// reaches etcd, then hands tofu's output to check. It returns when freeze
// was called.
func freezeDuringApply(t *testing.T, w *workdir, e *testEtcd, freeze func(), check func(string, error)) time.Time {
	t.Helper()
	var events atomic.Int64
	watch := e.client.Raw().Watch(clientv3.WithRequireLeader(t.Context()), e.prefix, clientv3.WithPrefix())
	go func() {
		for resp := range watch {
			events.Add(int64(len(resp.Events)))
		}
	}()
	out, frozeAt, err := applyAndAct(t, w, func() bool { return events.Load() > 0 }, func(*exec.Cmd) { freeze() })
	check(out, err)
	return frozeAt
}
