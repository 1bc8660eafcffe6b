package etcdtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"go.etcd.io/etcd/etcdutl/v3/snapshot"
	"go.uber.org/zap"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

// daemonClusterToken is the etcd daemon's default --initial-cluster-token,
// which the ServerBin processes keep (the embedded server sets its own).
const daemonClusterToken = "etcd-cluster"

// ErrNoRevisionBump: the server version's restore tool cannot bump the
// revision (etcd 3.4's etcdctl; etcdutl has --bump-revision from 3.5).
var ErrNoRevisionBump = errors.New("restoring with --bump-revision needs etcdutl, from etcd 3.5")

// SaveSnapshot writes a snapshot of the member's database to path, as
// `etcdctl snapshot save` does.
func (s *Server) SaveSnapshot(ctx context.Context, path string) error {
	cfg := clientConfig(s.Endpoints, s.TLS, s.Auth)
	c, err := etcdclient.New(&cfg)
	if err != nil {
		return err
	}
	defer func() { _ = c.Close() }()
	rc, err := c.Raw().Snapshot(ctx)
	if err != nil {
		return fmt.Errorf("snapshot of %s: %w", s.Name, err)
	}
	defer func() { _ = rc.Close() }()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, rc); err != nil {
		_ = f.Close()
		return fmt.Errorf("snapshot of %s: %w", s.Name, err)
	}
	return f.Close()
}

// RestoreSnapshot replaces the member's data with the snapshot at path, as
// an operator recovering from a disaster does: the member is stopped, its
// data directory restored with the same name, peer URL and cluster token
// (so the same cluster and member IDs), and started again on the same
// ports. bump > 0 restores with --bump-revision bump --mark-compacted, as
// etcd's docs recommend from 3.5 on. A ServerBin process is restored with
// that version's own tool: etcdutl-3.x beside a server built by make
// (.bin/etcd-3.x), or etcdctl (Debian's etcd-client) for another binary;
// the embedded server with the etcdutl library.
func (s *Server) RestoreSnapshot(path string, bump uint64) error {
	dataDir := filepath.Join(s.opts.Dir, "data")
	peer := s.peerURL.String()
	if s.cfg == nil {
		tool, err := restoreTool(ServerBin(), bump)
		if err != nil {
			return err
		}
		s.Stop()
		if err := os.RemoveAll(dataDir); err != nil {
			return err
		}
		args := []string{"snapshot", "restore", path, "--name", s.Name, "--data-dir", dataDir,
			"--initial-cluster", s.Name + "=" + peer, "--initial-cluster-token", daemonClusterToken,
			"--initial-advertise-peer-urls", peer}
		if bump > 0 {
			args = append(args, "--bump-revision", strconv.FormatUint(bump, 10), "--mark-compacted")
		}
		cmd := exec.Command(tool, args...) //nolint:gosec // the restore tool of the server the test run names
		cmd.Env = append(daemonEnv(), "ETCDCTL_API=3")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%s %s: %w\n%s", tool, strings.Join(args, " "), err, out)
		}
		return s.startProcess(ServerBin())
	}
	s.Stop()
	if err := os.RemoveAll(dataDir); err != nil {
		return err
	}
	err := snapshot.NewV3(zap.NewNop()).Restore(snapshot.RestoreConfig{
		SnapshotPath:        path,
		Name:                s.Name,
		OutputDataDir:       dataDir,
		PeerURLs:            []string{peer},
		InitialCluster:      s.Name + "=" + peer,
		InitialClusterToken: s.cfg.InitialClusterToken,
		RevisionBump:        bump,
		MarkCompacted:       bump > 0,
	})
	if err != nil {
		return fmt.Errorf("restore %s: %w", path, err)
	}
	return s.Restart()
}

// CanBumpRevision reports whether RestoreSnapshot can bump the revision
// with the servers this test run starts.
func CanBumpRevision() bool {
	_, err := restoreTool(ServerBin(), 1)
	return ServerBin() == "" || err == nil
}

// restoreTool returns the snapshot restore command for the server binary.
func restoreTool(server string, bump uint64) (string, error) {
	dir, base := filepath.Split(server)
	if v, ok := strings.CutPrefix(base, "etcd-"); ok {
		tool := filepath.Join(dir, "etcdutl-"+v)
		if _, err := os.Stat(tool); err != nil {
			return "", fmt.Errorf("no %s beside %s: build it with make etcd-servers", tool, server)
		}
		return tool, nil
	}
	if bump > 0 {
		return "", ErrNoRevisionBump
	}
	tool, err := exec.LookPath("etcdctl")
	if err != nil {
		return "", errors.New("restoring a snapshot needs etcdctl (Debian: apt-get install etcd-client)")
	}
	return tool, nil
}

// StartAfresh replaces the member with a new single-member cluster on the
// same ports, with the same name, peer URL and cluster token, and an empty
// data directory: another etcd that etcd cannot tell apart by its IDs (the
// cluster and member IDs derive from those flags).
func (s *Server) StartAfresh() error {
	s.Stop()
	if err := os.RemoveAll(filepath.Join(s.opts.Dir, "data")); err != nil {
		return err
	}
	if s.cfg == nil {
		return s.startProcess(ServerBin())
	}
	s.cfg = s.config(s.Name + "=" + s.peerURL.String())
	return s.start()
}
