package etcdtest

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

// ProcessCluster is a cluster of etcd daemons, each a child process (of
// Debian's etcd, or a server built by `make etcd-servers`), with fsync on
// and a 500 ms election timeout. Unlike the embedded Cluster, a member can
// be frozen (SIGSTOP), as a stalled disk or a paused VM freezes it.
type ProcessCluster struct {
	Members []*Server
}

// DaemonBin returns the etcd daemon binary to run: ETCD_TEST_SERVER_BIN, or
// the etcd on PATH (`make test-acc` installs Debian's). It skips the test
// when there is neither.
func DaemonBin(t testing.TB) string {
	t.Helper()
	if bin := ServerBin(); bin != "" {
		return bin
	}
	bin, err := exec.LookPath("etcd")
	if err != nil {
		t.Skip("this test needs an etcd daemon: set ETCD_TEST_SERVER_BIN or put etcd on PATH (make test-acc installs Debian's)")
	}
	return bin
}

// NewProcessCluster starts n members of bin for one test and stops them
// when it ends, thawing any it froze.
func NewProcessCluster(t testing.TB, bin string, n int) *ProcessCluster {
	t.Helper()
	c := &ProcessCluster{}
	t.Cleanup(func() {
		if t.Failed() {
			for _, m := range c.Members {
				t.Logf("etcd %s logs:\n%s", m.Name, m.Logs())
			}
		}
		for _, m := range c.Members {
			m.signal(syscall.SIGCONT)
			m.Cleanup()
		}
	})
	var peers []string
	for i := range n {
		s := &Server{Name: fmt.Sprintf("p%d", i), opts: Options{LogLevel: "error"}, logs: &logBuffer{}}
		if err := s.prepareDir(); err != nil {
			t.Fatal(err)
		}
		c.Members = append(c.Members, s)
		if err := s.allocateURLs(""); err != nil {
			t.Fatal(err)
		}
		peers = append(peers, s.Name+"="+s.peerURL.String())
	}
	procs := make([]*process, n)
	for i, s := range c.Members {
		p, err := s.launchProcess(bin, strings.Join(peers, ","), "--election-timeout", "500", "--heartbeat-interval", "50")
		if err != nil {
			t.Fatal(err)
		}
		procs[i] = p
	}
	for i, s := range c.Members {
		if err := s.waitServing(procs[i]); err != nil {
			t.Fatalf("etcd %s (%s): %v", s.Name, bin, err)
		}
	}
	return c
}

// ClientConfig reaches every member.
func (c *ProcessCluster) ClientConfig() etcdclient.Config {
	var eps []string
	for _, m := range c.Members {
		eps = append(eps, m.Endpoints...)
	}
	return clientConfig(eps, nil, false)
}

// Freeze stops member i's process (SIGSTOP): its connections stay open and
// it answers nothing.
func (c *ProcessCluster) Freeze(i int) { c.Members[i].signal(syscall.SIGSTOP) }

// Thaw resumes a frozen member (SIGCONT).
func (c *ProcessCluster) Thaw(i int) { c.Members[i].signal(syscall.SIGCONT) }

// Leader returns the index of the leader, waiting up to 10 s for one among
// the members that answer; -1 if none.
func (c *ProcessCluster) Leader() int {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for i, m := range c.Members {
			if leader, ok := m.statusLeader(); ok && leader {
				return i
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return -1
}

// Follower returns the index of a member that is not the leader.
func (c *ProcessCluster) Follower() int {
	leader := c.Leader()
	for i := range c.Members {
		if i != leader {
			return i
		}
	}
	return -1
}

func (s *Server) signal(sig syscall.Signal) {
	s.mu.Lock()
	p := s.proc
	s.mu.Unlock()
	if p != nil {
		_ = p.cmd.Process.Signal(sig)
	}
}

// statusLeader asks the member whether it leads; ok is false when it does
// not answer within a second.
func (s *Server) statusLeader() (leader, ok bool) {
	raw, err := clientv3.New(clientv3.Config{Endpoints: s.Endpoints, DialTimeout: time.Second, Logger: zap.NewNop()})
	if err != nil {
		return false, false
	}
	defer func() { _ = raw.Close() }()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	st, err := raw.Status(ctx, s.Endpoints[0])
	if err != nil {
		return false, false
	}
	return st.Leader == st.Header.MemberId, true
}
