package etcdtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

// EnvServerBin names an etcd server binary (Debian's etcd, or one built by
// `make etcd-servers` into .bin/) that New and Start run as a separate
// process instead of the embedded server, so that the tests which start
// their own server (auth, TLS) run against that server's version. The
// binary must take the etcd daemon's flags. Shared starts one too, unless
// ETCD_TEST_ENDPOINTS names an existing cluster. Multi-member clusters
// (NewCluster) stay embedded.
const EnvServerBin = "ETCD_TEST_SERVER_BIN"

// ServerBin returns the server binary named by ETCD_TEST_SERVER_BIN, or "".
func ServerBin() string { return os.Getenv(EnvServerBin) }

// process is an etcd server running as a child process.
type process struct {
	bin  string
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // its exit status, once done is closed
}

// startProcess runs bin as this single member, with fsync on (the daemon's
// default), and waits until it serves clients.
func (s *Server) startProcess(bin string) error {
	p, err := s.launchProcess(bin, s.Name+"="+s.peerURL.String())
	if err != nil {
		return err
	}
	if err := s.waitServing(p); err != nil {
		s.Stop()
		return fmt.Errorf("etcd %s (%s): %w\n%s", s.Name, bin, err, s.logs.String())
	}
	return nil
}

// launchProcess starts bin as this member of initialCluster, without
// waiting for it to serve.
func (s *Server) launchProcess(bin, initialCluster string, extraArgs ...string) (*process, error) {
	args := []string{
		"--name", s.Name,
		"--data-dir", filepath.Join(s.opts.Dir, "data"),
		"--listen-client-urls", s.clientURL.String(), "--advertise-client-urls", s.clientURL.String(),
		"--listen-peer-urls", s.peerURL.String(), "--initial-advertise-peer-urls", s.peerURL.String(),
		"--initial-cluster", initialCluster,
		"--log-level", s.opts.LogLevel,
		"--bcrypt-cost", "4", // the minimum; tests create many users
	}
	if s.TLS != nil {
		args = append(args, "--cert-file", s.TLS.ServerCertFile, "--key-file", s.TLS.ServerKeyFile,
			"--trusted-ca-file", s.TLS.CAFile, "--client-cert-auth")
	}
	args = append(args, extraArgs...)
	cmd := exec.Command(bin, args...) //nolint:gosec // the server binary the test run names (ETCD_TEST_SERVER_BIN)
	cmd.Stdout, cmd.Stderr = s.logs, s.logs
	cmd.Env = daemonEnv()
	cmd.SysProcAttr = childAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start etcd %s (%s): %w", s.Name, bin, err)
	}
	p := &process{bin: bin, cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	s.mu.Lock()
	s.proc = p
	s.mu.Unlock()
	return p, nil
}

// daemonEnv is this process's environment without the ETCD_* variables,
// which the etcd daemon would read as its flags (ETCD_TEST_ENDPOINTS, ...).
func daemonEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ETCD_") {
			env = append(env, kv)
		}
	}
	return env
}

// waitServing polls the member with a read until it answers.
func (s *Server) waitServing(p *process) error {
	cfg := clientConfig(s.Endpoints, s.TLS, false)
	cfg.DialTimeout, cfg.RequestTimeout = time.Second, time.Second
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-p.done:
			return fmt.Errorf("exited before serving: %w", p.err)
		default:
		}
		if c, err := etcdclient.New(&cfg); err == nil {
			_, err = c.Get(context.Background(), "/etcdtest-ready")
			_ = c.Close()
			if err == nil || errors.Is(err, etcdclient.ErrKeyNotFound) {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return errors.New("not serving after 60s")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stop ends the process (SIGTERM, then SIGKILL after 10 s) and waits for it.
func (p *process) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}
