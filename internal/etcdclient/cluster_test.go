package etcdclient_test

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.etcd.io/etcd/api/v3/version"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
)

// expectMemberUp checks what a running member reports.
func expectMemberUp(t *testing.T, m etcdclient.MemberStatus, s *etcdtest.Server) {
	t.Helper()
	switch {
	case m.ID != s.ID() || m.Name != s.Name:
		t.Errorf("member %s (%x), want %s (%x)", m.Name, m.ID, s.Name, s.ID())
	case !slices.Equal(m.ClientURLs, s.Endpoints) || len(m.PeerURLs) != 1 || !strings.HasPrefix(m.PeerURLs[0], "http://127.0.0.1:"):
		t.Errorf("member %s: client URLs %q (want %q), peer URLs %q", m.Name, m.ClientURLs, s.Endpoints, m.PeerURLs)
	case !m.Healthy || len(m.Errors) != 0 || m.IsLearner:
		t.Errorf("member %s: healthy %v, learner %v, errors %q", m.Name, m.Healthy, m.IsLearner, m.Errors)
	case m.Version != version.Version:
		t.Errorf("member %s runs %q, want %q", m.Name, m.Version, version.Version)
	case m.DBSize <= 0 || m.DBSizeInUse <= 0 || m.DBSizeInUse > m.DBSize:
		t.Errorf("member %s: DB size %d, in use %d", m.Name, m.DBSize, m.DBSizeInUse)
	case m.RaftTerm == 0 || m.RaftIndex == 0 || m.Revision == 0:
		t.Errorf("member %s: raft term %d, index %d, revision %d", m.Name, m.RaftTerm, m.RaftIndex, m.Revision)
	}
}

func TestClusterStatusSingleNode(t *testing.T) {
	t.Parallel()
	s, c := ownServer(t)
	rev := mustPut(t, c, "/k", "v")
	st, err := c.GetClusterStatus(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if st.ClusterID == 0 || st.LeaderID != s.ID() || !st.Healthy || st.Revision < rev || len(st.Members) != 1 {
		t.Fatalf("status = %+v; want a healthy cluster led by %x at revision >= %d", st, s.ID(), rev)
	}
	m := st.Members[0]
	expectMemberUp(t, m, s)
	if !m.IsLeader || m.Revision != st.Revision {
		t.Errorf("the only member: leader %v, revision %d (cluster %d)", m.IsLeader, m.Revision, st.Revision)
	}
	if got := etcdclient.HexID(st.ClusterID); got != strconv.FormatUint(st.ClusterID, 16) || etcdclient.HexID(255) != "ff" {
		t.Errorf("HexID(%d) = %q", st.ClusterID, got)
	}
}

func TestHealthCheck(t *testing.T) {
	t.Parallel()
	s, c := ownServer(t)
	hs, err := c.HealthCheck(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(hs) != 1 || hs[0].Endpoint != s.Endpoints[0] || !hs[0].Healthy || hs[0].Took <= 0 || hs[0].Error != "" {
		t.Fatalf("HealthCheck = %+v", hs)
	}

	down := closedPort(t)
	cfg := failFast(s.ClientConfig())
	cfg.Endpoints = append(cfg.Endpoints, down)
	hs, err = etcdtest.Client(t, cfg).HealthCheck(t.Context())
	expectErr(t, err, etcdclient.ErrUnavailable, "endpoint "+down)
	if len(hs) != 2 || !hs[0].Healthy || hs[1].Healthy || hs[1].Endpoint != down || hs[1].Error == "" {
		t.Fatalf("HealthCheck with one endpoint down = %+v", hs)
	}
}

func TestCompactHistory(t *testing.T) {
	t.Parallel()
	_, c := ownServer(t)
	ctx := t.Context()
	r1 := mustPut(t, c, "/k", "1")
	r2 := mustPut(t, c, "/k", "2")
	r3 := mustPut(t, c, "/k", "3")
	if kv, err := c.GetWithRevision(ctx, "/k", r1); err != nil || string(kv.Value) != "1" {
		t.Fatalf("before compaction: %+v, %v", kv, err)
	}
	if err := c.CompactHistory(ctx, r2); err != nil {
		t.Fatal(err)
	}
	_, err := c.GetWithRevision(ctx, "/k", r1)
	expectErr(t, err, etcdclient.ErrCompacted, `key "/k"`)
	_, _, err = c.ListRange(ctx, etcdclient.Range{Key: "/", RangeEnd: "\x00", Revision: r1})
	expectErr(t, err, etcdclient.ErrCompacted)
	for rev, want := range map[int64]string{r2: "2", r3: "3"} {
		if kv, err := c.GetWithRevision(ctx, "/k", rev); err != nil || string(kv.Value) != want {
			t.Errorf("GetWithRevision(%d) after compacting to %d = %+v, %v; want %q", rev, r2, kv, err, want)
		}
	}
	err = c.CompactHistory(ctx, r1)
	expectErr(t, err, etcdclient.ErrCompacted, fmt.Sprintf("to revision %d", r1))
	err = c.CompactHistory(ctx, r3+100)
	expectErr(t, err, etcdclient.ErrFutureRevision)
}

// statusWhenSettled polls GetClusterStatus until every member answers and
// there is a leader.
func statusWhenSettled(t *testing.T, c *etcdclient.Client, members int) *etcdclient.ClusterStatus {
	t.Helper()
	var st *etcdclient.ClusterStatus
	waitFor(t, time.Minute, func() string {
		var err error
		if st, err = c.GetClusterStatus(t.Context()); err != nil {
			return err.Error()
		}
		healthy := 0
		for _, m := range st.Members {
			if m.Healthy {
				healthy++
			}
		}
		if !st.Healthy || st.LeaderID == 0 || len(st.Members) != members || healthy != members {
			return fmt.Sprintf("status %+v", st)
		}
		return ""
	})
	return st
}

// TestCluster runs against three members: status, a member down, and the
// leader stopped in the middle of a sequence of writes. Not parallel: it
// wants the machine's attention for its elections.
func TestCluster(t *testing.T) {
	cl := etcdtest.NewCluster(t, 3)
	cfg := cl.ClientConfig()
	cfg.DialTimeout, cfg.RequestTimeout = 3*time.Second, 5*time.Second // a member down costs one request timeout
	c := etcdtest.Client(t, cfg)

	t.Run("status", func(t *testing.T) {
		st := statusWhenSettled(t, c, 3)
		leader := cl.Leader()
		if st.ClusterID == 0 || st.LeaderID != cl.Members[leader].ID() {
			t.Fatalf("cluster %x led by %x; want the leader %x", st.ClusterID, st.LeaderID, cl.Members[leader].ID())
		}
		for i, m := range st.Members { // sorted by name: m0, m1, m2
			expectMemberUp(t, m, cl.Members[i])
			if m.IsLeader != (i == leader) {
				t.Errorf("member %s: IsLeader %v, leader is m%d", m.Name, m.IsLeader, leader)
			}
		}
		hs, err := c.HealthCheck(t.Context())
		if err != nil || len(hs) != 3 {
			t.Fatalf("HealthCheck = %+v, %v", hs, err)
		}
	})

	t.Run("move leader", func(t *testing.T) {
		from, to := cl.Leader(), cl.Follower()
		target := cl.Members[to].ID()
		if err := c.MoveLeader(t.Context(), target); err != nil {
			t.Fatalf("MoveLeader to %s: %v", cl.Members[to].Name, err)
		}
		if now := cl.Leader(); now != to {
			t.Fatalf("after MoveLeader from m%d to m%d, m%d leads", from, to, now)
		}
		if err := c.MoveLeader(t.Context(), target); err != nil {
			t.Errorf("MoveLeader to the leader itself: %v", err)
		}
		err := c.MoveLeader(t.Context(), 0xdead)
		expectErr(t, err, etcdclient.ErrInvalidArgument, "dead", "no such member")
		statusWhenSettled(t, c, 3)
	})

	t.Run("one member down", func(t *testing.T) {
		f := cl.Follower()
		down := cl.Members[f]
		down.Stop()
		st, err := c.GetClusterStatus(t.Context())
		if err != nil {
			t.Fatalf("GetClusterStatus with %s down: %v", down.Name, err)
		}
		if !st.Healthy || st.LeaderID == 0 || len(st.Members) != 3 {
			t.Fatalf("with one of three members down the cluster must stay healthy: %+v", st)
		}
		for i, m := range st.Members {
			if i == f {
				if m.Healthy || len(m.Errors) == 0 || m.Version != "" || m.Name != down.Name || !slices.Equal(m.ClientURLs, down.Endpoints) {
					t.Errorf("the stopped member: %+v; want unhealthy with errors, listed with its URLs", m)
				}
				t.Logf("stopped member's errors: %q", m.Errors)
				continue
			}
			expectMemberUp(t, m, cl.Members[i])
		}
		_, err = c.HealthCheck(t.Context())
		expectErr(t, err, etcdclient.ErrUnavailable, down.Endpoints[0])
		if _, err := c.RequireQuorum(t.Context(), false); err != nil {
			t.Errorf("RequireQuorum with one of three members down: %v", err)
		}
		_, err = c.RequireQuorum(t.Context(), true)
		expectErr(t, err, etcdclient.ErrMemberUnhealthy, "member "+down.Name)

		restartAndSettle(t, c, down)
	})

	t.Run("leader stopped in the middle of the writes", func(t *testing.T) {
		prefix := etcdtest.Prefix(t)
		leader := cl.Members[cl.Leader()]
		keys := numbered(prefix, 50)
		for i, k := range keys {
			if i == 25 {
				leader.Stop()
			}
			if err := c.Put(t.Context(), k, "v-"+k); err != nil {
				t.Fatalf("put %d of %d, with the leader %s stopped before put 25: %v", i, len(keys), leader.Name, err)
			}
		}
		expectKeys(t, c, prefix, keys)
		restartAndSettle(t, c, leader)
		mustPut(t, c, prefix+"after-restart", "v")
		expectValue(t, c, prefix+"after-restart", "v")
	})

	// etcd drops a proposal that a follower forwards to a leader busy
	// handing over leadership; the follower answers only when the request
	// times out. The wrapper does not retry writes (it cannot know whether
	// one was applied), so such a put fails, typed and in time, and the
	// writes after it go through.
	t.Run("leader stopped while writes are in flight", func(t *testing.T) {
		prefix := etcdtest.Prefix(t)
		leader := cl.Members[cl.Leader()]
		stopped := make(chan struct{})
		keys := numbered(prefix, 50)
		var written []string
		for i, k := range keys {
			if i == 20 {
				go func() { defer close(stopped); leader.Stop() }()
			}
			start := time.Now()
			err := c.Put(t.Context(), k, "v-"+k)
			if took := time.Since(start); took > cfg.RequestTimeout+5*time.Second {
				t.Errorf("put %d took %v; the request timeout is %v", i, took, cfg.RequestTimeout)
			}
			switch {
			case err == nil:
				written = append(written, k)
			case errors.Is(err, etcdclient.ErrUnavailable) && i >= 20:
				t.Logf("put %d during the leader change: %v", i, err)
			default:
				t.Fatalf("put %d, with the leader %s stopped at put 20: %v", i, leader.Name, err)
			}
		}
		<-stopped
		if len(written) < len(keys)-3 || written[len(written)-1] != keys[len(keys)-1] {
			t.Fatalf("only %d of %d puts went through, the last %q", len(written), len(keys), written[len(written)-1])
		}
		for _, k := range written {
			expectValue(t, c, k, "v-"+k)
		}
		restartAndSettle(t, c, leader)
	})

	t.Run("quorum lost", func(t *testing.T) {
		first, second := cl.Leader(), cl.Follower()
		cl.Members[first].Stop()
		cl.Members[second].Stop()
		st, err := c.GetClusterStatus(t.Context())
		if err != nil {
			t.Fatalf("GetClusterStatus without quorum: %v", err)
		}
		if st.Healthy || len(st.Members) != 3 {
			t.Fatalf("with two of three members down the cluster must be unhealthy: %+v", st)
		}
		err = c.Put(t.Context(), "/quorum-lost", "v")
		expectErr(t, err, etcdclient.ErrUnavailable, "has quorum", cl.Members[first].Endpoints[0])
		_, err = c.RequireQuorum(t.Context(), false)
		expectErr(t, err, etcdclient.ErrNoQuorum, cl.Members[first].Name, cl.Members[second].Name)
		if !errors.Is(err, etcdclient.ErrUnavailable) {
			t.Errorf("ErrNoQuorum is not ErrUnavailable: %v", err)
		}
	})
}

func expectKeys(t *testing.T, c *etcdclient.Client, prefix string, keys []string) {
	t.Helper()
	kvs, err := c.List(t.Context(), prefix)
	if err != nil || !slices.Equal(keysOf(kvs), keys) {
		t.Fatalf("List(%q): %d keys, %v; want %d", prefix, len(kvs), err, len(keys))
	}
}

func restartAndSettle(t *testing.T, c *etcdclient.Client, m *etcdtest.Server) {
	t.Helper()
	if err := m.Restart(); err != nil {
		t.Fatal(err)
	}
	statusWhenSettled(t, c, 3)
}
