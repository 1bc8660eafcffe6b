package provider

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
)

const failoverKeys = 2000

// clusterPrefixConfig is an etcd_prefix of keys with a provider that knows
// every member of cluster, with the given timeout settings.
func clusterPrefixConfig(cluster *etcdtest.Cluster, prefix string, keys map[string]string, timeouts string) string {
	var b strings.Builder
	for k, v := range keys {
		fmt.Fprintf(&b, "    %q = %q\n", k, v)
	}
	return requiredProviders("etcd") + fmt.Sprintf(`
provider "etcd" {
  endpoints = [%[1]s]
  %[2]s
}

resource "etcd_prefix" "test" {
  prefix = %[3]q
  keys = {
%[4]s  }
}
`, quoteList(cluster.Endpoints()), timeouts, prefix, b.String())
}

// Stopping the leader, or a follower, in the middle of an apply that writes
// 2,000 keys in many transactions either lets the apply complete or fails
// it with a clear error; either way a second apply converges and etcd holds
// exactly the configured keys.
func TestAccFailover_memberStoppedDuringPrefixApply(t *testing.T) {
	for _, victim := range []string{"leader", "follower"} {
		t.Run(victim, func(t *testing.T) {
			t.Parallel()
			cluster := etcdtest.NewCluster(t, 3)
			client := etcdtest.Client(t, cluster.ClientConfig())
			prefix := "/failover/" + victim + "/"
			keys := manyKeys(failoverKeys)
			w := newWorkdir(t, clusterPrefixConfig(cluster, prefix, keys, `request_timeout = "10s"`))

			result := make(chan applyResult, 1)
			go func() {
				out, err := w.apply()
				result <- applyResult{out, err}
			}()
			waitForKeys(t, client, prefix)
			index := cluster.Leader()
			if victim == "follower" {
				index = cluster.Follower()
			}
			cluster.Members[index].Stop()
			first := <-result
			t.Logf("first apply with the %s stopped mid-way: completed=%t", victim, first.err == nil)
			if first.err != nil && !strings.Contains(first.out, "Error: ") {
				t.Fatalf("the apply failed without a diagnostic:\n%s", first.out)
			}
			if strings.Contains(first.out, "panic") {
				t.Fatalf("the provider panicked:\n%s", first.out)
			}
			if out, err := w.apply(); err != nil {
				t.Fatalf("second apply did not converge: %v\n%s", err, out)
			}
			expectExactly(t, client, prefix, keys)
			if w.planChanges() {
				t.Fatal("the plan after convergence is not empty")
			}
		})
	}
}

type applyResult struct {
	out string
	err error
}

// With two of three members stopped the cluster has no quorum: plan fails
// within the configured timeouts with a message that says so.
func TestAccFailover_noQuorum(t *testing.T) {
	t.Parallel()
	cluster := etcdtest.NewCluster(t, 3)
	client := etcdtest.Client(t, cluster.ClientConfig())
	prefix := "/failover/quorum/"
	keys := manyKeys(10)
	w := newWorkdir(t, clusterPrefixConfig(cluster, prefix, keys, `dial_timeout = "2s"`+"\n"+`request_timeout = "3s"`))
	if out, err := w.apply(); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	expectExactly(t, client, prefix, keys)

	leader := cluster.Leader()
	cluster.Members[leader].Stop()
	cluster.Members[cluster.Follower()].Stop()
	start := time.Now()
	out, err := w.run("plan", "-input=false", "-no-color")
	took := time.Since(start)
	t.Logf("plan without quorum failed after %v", took)
	if err == nil {
		t.Fatalf("plan succeeded without quorum:\n%s", out)
	}
	if !strings.Contains(out, "quorum") {
		t.Fatalf("the error does not say the cluster lost quorum:\n%s", out)
	}
	// dial_timeout + request_timeout is 5s; tofu's own start-up and a
	// loaded machine get a generous margin.
	if took > 30*time.Second {
		t.Fatalf("plan took %v to fail; want about dial_timeout + request_timeout", took)
	}
}
