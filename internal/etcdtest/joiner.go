package etcdtest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// Joiner is a member-to-be of a ProcessCluster: its directory and ports are
// reserved, and it listens on two peer URLs (PeerURL, the one it
// advertises, and AltPeerURL) so that a test can move its peer URL with
// `member update` without restarting it. Add it to the cluster (etcd's
// MemberAdd, as etcd_member does) before StartJoiner.
type Joiner struct {
	*Server
	PeerURL, AltPeerURL string
}

// NewJoiner reserves a fourth (fifth, ...) member; the cluster stops it
// with the others when the test ends.
func (c *ProcessCluster) NewJoiner(t testing.TB) *Joiner {
	t.Helper()
	s := &Server{Name: fmt.Sprintf("p%d", len(c.Members)), opts: Options{LogLevel: "error"}, logs: &logBuffer{}, tempDir: true}
	if err := s.prepareDir(); err != nil {
		t.Fatal(err)
	}
	if err := s.allocateURLs(""); err != nil {
		t.Fatal(err)
	}
	alt, err := freeAddr()
	if err != nil {
		t.Fatal(err)
	}
	c.Members = append(c.Members, s)
	return &Joiner{Server: s, PeerURL: s.peerURL.String(), AltPeerURL: "http://" + alt}
}

// StartJoiner starts the joiner's daemon with --initial-cluster-state
// existing, naming every member of the cluster, and waits until it answers
// the Status RPC (a learner serves no linearizable read).
func (c *ProcessCluster) StartJoiner(t testing.TB, bin string, j *Joiner) {
	t.Helper()
	var peers []string
	for _, m := range c.Members {
		peers = append(peers, m.Name+"="+m.peerURL.String())
	}
	p, err := j.launchProcess(bin, strings.Join(peers, ","), "--initial-cluster-state", "existing",
		"--listen-peer-urls", j.PeerURL+","+j.AltPeerURL, "--election-timeout", "500", "--heartbeat-interval", "50")
	if err != nil {
		t.Fatal(err)
	}
	if err := j.waitStatus(p); err != nil {
		t.Fatalf("etcd %s (%s): %v\n%s", j.Name, bin, err, j.Logs())
	}
}

func (s *Server) waitStatus(p *process) error {
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-p.done:
			return fmt.Errorf("exited before serving: %w", p.err)
		default:
		}
		if raw, err := clientv3.New(clientv3.Config{Endpoints: s.Endpoints, DialTimeout: time.Second, Logger: zap.NewNop()}); err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			_, err = raw.Status(ctx, s.Endpoints[0])
			cancel()
			_ = raw.Close()
			if err == nil {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return errors.New("not answering after 60s")
		}
		time.Sleep(100 * time.Millisecond)
	}
}
