package etcdclient_test

import (
	"strings"
	"testing"
	"time"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
)

// frozenCluster starts three etcd daemons (they can be frozen; embedded
// members cannot) and freezes the leader.
func frozenCluster(t *testing.T) (*etcdtest.ProcessCluster, *etcdclient.Client, int) {
	t.Helper()
	cl := etcdtest.NewProcessCluster(t, etcdtest.DaemonBin(t), 3)
	cfg := cl.ClientConfig()
	cfg.RequestTimeout = 10 * time.Second
	c := etcdtest.Client(t, cfg)
	mustPut(t, c, "/hung/before", "v")
	leader := cl.Leader()
	cl.Freeze(leader)
	return cl, c, leader
}

// With the leader frozen, reads and writes go to the other members well
// within the request timeout, and the frozen endpoint is named as left out
// if the cluster later fails.
func TestFrozenLeaderReadsAndWrites(t *testing.T) {
	_, c, _ := frozenCluster(t)
	start := time.Now()
	for i := range 20 {
		key := "/hung/k" + strings.Repeat("x", i)
		if _, _, err := c.CommitChunks(t.Context(), []etcdclient.Op{{Key: key, Value: "v", MustNotExist: true}}, 128, etcdclient.MaxTxnBytes); err != nil {
			t.Fatalf("write %d with the leader frozen: %v", i, err)
		}
		if _, err := c.Get(t.Context(), key); err != nil {
			t.Fatalf("read %d with the leader frozen: %v", i, err)
		}
	}
	took := time.Since(start)
	t.Logf("20 writes and reads with the leader frozen took %v", took)
	if took > c.RequestTimeout() {
		t.Fatalf("took %v, more than one request timeout", took)
	}
}

// The cluster status reports a frozen member as unhealthy instead of
// waiting on it for the whole request timeout.
func TestFrozenMemberInClusterStatus(t *testing.T) {
	cl, c, leader := frozenCluster(t)
	start := time.Now()
	st, err := c.GetClusterStatus(t.Context())
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("cluster status with the leader frozen took %v", took)
	for _, m := range st.Members {
		frozen := m.Name == cl.Members[leader].Name
		if m.Healthy == frozen {
			t.Errorf("member %s (frozen: %t): healthy = %t, errors %q", m.Name, frozen, m.Healthy, m.Errors)
		}
	}
	if took >= c.RequestTimeout() {
		t.Fatalf("cluster status took %v: it waited on the frozen member", took)
	}
}
