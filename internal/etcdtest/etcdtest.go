// Package etcdtest starts embedded etcd servers for tests: a single member,
// a multi-member cluster whose members can be stopped and restarted, client
// TLS (mTLS) with generated certificates, and authentication with a root
// user. Servers listen on free loopback ports and keep their data in a
// temporary directory. Logs are kept in memory and shown only when a test
// fails. With ETCD_TEST_SERVER_BIN set, single members run that etcd daemon
// binary instead (see EnvServerBin), so that the same tests cover other
// server versions.
package etcdtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

// RootPassword is the root user's password on servers started WithAuth.
const RootPassword = "root-test-password"

// Options change how a server starts.
type Options struct {
	// TLS serves clients over TLS and requires client certificates.
	TLS bool
	// Auth creates a root user with RootPassword and enables auth.
	Auth bool
	// ClientAddr is the host:port to serve clients on; default a free
	// loopback port.
	ClientAddr string
	// Dir keeps the data; default a new temporary directory, removed on Stop.
	Dir string
	// Name is the member name; default "default".
	Name string
	// LogLevel is the embedded server's log level; default "warn".
	LogLevel string
}

// Option sets one of the Options.
type Option func(*Options)

// WithTLS serves clients over TLS with generated certificates and requires a
// client certificate (mTLS).
func WithTLS() Option { return func(o *Options) { o.TLS = true } }

// WithAuth enables authentication with a root user (password RootPassword).
func WithAuth() Option { return func(o *Options) { o.Auth = true } }

// WithClientAddr serves clients on addr (host:port).
func WithClientAddr(addr string) Option { return func(o *Options) { o.ClientAddr = addr } }

// WithDir keeps the data in dir, which is left in place on Stop.
func WithDir(dir string) Option { return func(o *Options) { o.Dir = dir } }

// WithLogLevel sets the server's log level (debug, info, warn, error).
func WithLogLevel(level string) Option { return func(o *Options) { o.LogLevel = level } }

// Server is one running embedded etcd member.
type Server struct {
	Name string
	// Endpoints are the client URLs (http:// or https://).
	Endpoints []string
	// TLS holds the generated certificates when started WithTLS.
	TLS  *Certs
	Auth bool

	opts      Options
	clientURL url.URL
	peerURL   url.URL
	cfg       *embed.Config
	etcd      *embed.Etcd
	proc      *process // when the member runs ServerBin (ETCD_TEST_SERVER_BIN)
	logs      *logBuffer
	tempDir   bool
	mu        sync.Mutex
}

// Start starts a single-member server and waits until it serves.
func Start(opts ...Option) (*Server, error) {
	o := Options{Name: "default", LogLevel: "warn"}
	for _, opt := range opts {
		opt(&o)
	}
	s := &Server{Name: o.Name, opts: o, logs: &logBuffer{}, Auth: o.Auth}
	if err := s.prepareDir(); err != nil {
		return nil, err
	}
	if err := s.allocateURLs(o.ClientAddr); err != nil {
		return nil, err
	}
	if o.TLS {
		var err error
		if s.TLS, err = GenerateCerts(filepath.Join(s.opts.Dir, "certs")); err != nil {
			return nil, err
		}
	}
	if bin := ServerBin(); bin != "" {
		if err := s.startProcess(bin); err != nil {
			return nil, err
		}
	} else {
		s.cfg = s.config(s.Name + "=" + s.peerURL.String())
		if err := s.start(); err != nil {
			return nil, err
		}
	}
	if o.Auth {
		if err := s.enableAuth(); err != nil {
			s.Stop()
			return nil, err
		}
	}
	return s, nil
}

func (s *Server) prepareDir() error {
	if s.opts.Dir != "" {
		return os.MkdirAll(s.opts.Dir, 0o700)
	}
	dir, err := os.MkdirTemp("", "etcdtest-")
	if err != nil {
		return err
	}
	s.opts.Dir, s.tempDir = dir, true
	return nil
}

func (s *Server) allocateURLs(clientAddr string) error {
	scheme := "http"
	if s.opts.TLS {
		scheme = "https"
	}
	var err error
	if clientAddr == "" {
		if clientAddr, err = freeAddr(); err != nil {
			return err
		}
	}
	peerAddr, err := freeAddr()
	if err != nil {
		return err
	}
	s.clientURL = url.URL{Scheme: scheme, Host: clientAddr}
	s.peerURL = url.URL{Scheme: "http", Host: peerAddr}
	s.Endpoints = []string{s.clientURL.String()}
	return nil
}

func (s *Server) config(initialCluster string) *embed.Config {
	clientURL, peerURL := s.clientURL, s.peerURL
	cfg := embed.NewConfig()
	cfg.Name = s.Name
	cfg.Dir = filepath.Join(s.opts.Dir, "data")
	cfg.ListenClientUrls = []url.URL{clientURL}
	cfg.AdvertiseClientUrls = []url.URL{clientURL}
	cfg.ListenPeerUrls = []url.URL{peerURL}
	cfg.AdvertisePeerUrls = []url.URL{peerURL}
	cfg.InitialCluster = initialCluster
	cfg.InitialClusterToken = "etcdtest"
	cfg.UnsafeNoFsync = true
	cfg.TickMs = 50
	cfg.ElectionMs = 500
	cfg.BcryptCost = 4 // the minimum; tests create many users
	cfg.ZapLoggerBuilder = embed.NewZapLoggerBuilder(s.logs.logger(s.opts.LogLevel))
	if s.TLS != nil {
		cfg.ClientTLSInfo.CertFile = s.TLS.ServerCertFile
		cfg.ClientTLSInfo.KeyFile = s.TLS.ServerKeyFile
		cfg.ClientTLSInfo.TrustedCAFile = s.TLS.CAFile
		cfg.ClientTLSInfo.ClientCertAuth = true
	}
	return cfg
}

func (s *Server) start() error {
	e, err := embed.StartEtcd(s.cfg)
	if err != nil {
		return fmt.Errorf("start embedded etcd %s: %w\n%s", s.Name, err, s.logs.String())
	}
	select {
	case <-e.Server.ReadyNotify():
	case err := <-e.Err():
		closeWithin(e, 10*time.Second)
		return fmt.Errorf("embedded etcd %s failed: %w\n%s", s.Name, err, s.logs.String())
	case <-time.After(60 * time.Second):
		closeWithin(e, 10*time.Second)
		return fmt.Errorf("embedded etcd %s not ready after 60s\n%s", s.Name, s.logs.String())
	}
	s.mu.Lock()
	s.etcd = e
	s.mu.Unlock()
	return nil
}

// closeWithin closes a member that failed to start, giving up after d:
// etcd's Close can wait forever on a member that never became ready, which
// would hang the test run instead of failing the test.
func closeWithin(e *embed.Etcd, d time.Duration) {
	done := make(chan struct{})
	go func() {
		e.Close()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(d):
	}
}

// startAsync starts the member without waiting for it to join a quorum.
func (s *Server) startAsync() (<-chan error, error) {
	e, err := embed.StartEtcd(s.cfg)
	if err != nil {
		return nil, fmt.Errorf("start embedded etcd %s: %w\n%s", s.Name, err, s.logs.String())
	}
	s.mu.Lock()
	s.etcd = e
	s.mu.Unlock()
	ready := make(chan error, 1)
	go func() {
		select {
		case <-e.Server.ReadyNotify():
			ready <- nil
		case err := <-e.Err():
			ready <- err
		case <-time.After(60 * time.Second):
			ready <- errors.New("not ready after 60s")
		}
	}()
	return ready, nil
}

// Running reports whether the member is started.
func (s *Server) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.etcd != nil || s.proc != nil
}

// ID returns the member's ID.
func (s *Server) ID() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.etcd == nil {
		return 0
	}
	return uint64(s.etcd.Server.MemberID())
}

// IsLeader reports whether this running member is the raft leader.
func (s *Server) IsLeader() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.etcd != nil && s.etcd.Server.Leader() == s.etcd.Server.MemberID()
}

// Stop stops the member; its data is kept until Cleanup.
func (s *Server) Stop() {
	s.mu.Lock()
	e, p := s.etcd, s.proc
	s.etcd, s.proc = nil, nil
	s.mu.Unlock()
	if e != nil {
		e.Close()
	}
	if p != nil {
		p.stop()
	}
}

// Restart starts a stopped member again on the same ports and data.
func (s *Server) Restart() error {
	if s.Running() {
		return fmt.Errorf("member %s is running", s.Name)
	}
	if s.cfg == nil { // a ServerBin process
		return s.startProcess(ServerBin())
	}
	s.cfg = s.config(s.cfg.InitialCluster) // the data directory decides membership now
	return s.start()
}

// Cleanup stops the member and removes a temporary data directory.
func (s *Server) Cleanup() {
	s.Stop()
	if s.tempDir {
		_ = os.RemoveAll(s.opts.Dir)
	}
}

// Logs returns what the server logged at or above its log level.
func (s *Server) Logs() string { return s.logs.String() }

// ClientConfig returns an etcdclient.Config that reaches this server as
// root (with the client certificate when TLS is on).
func (s *Server) ClientConfig() etcdclient.Config {
	return clientConfig(s.Endpoints, s.TLS, s.Auth)
}

func clientConfig(endpoints []string, certs *Certs, auth bool) etcdclient.Config {
	cfg := *etcdclient.DefaultConfig()
	cfg.Endpoints = append([]string(nil), endpoints...)
	if auth {
		cfg.Username, cfg.Password = "root", RootPassword
	}
	if certs != nil {
		cfg.TLS = &etcdclient.TLSConfig{CAFile: certs.CAFile, CertFile: certs.ClientCertFile, KeyFile: certs.ClientKeyFile}
	}
	return cfg
}

func (s *Server) enableAuth() error {
	cfg := s.ClientConfig()
	cfg.Username, cfg.Password = "", ""
	c, err := etcdclient.New(&cfg)
	if err != nil {
		return err
	}
	defer func() { _ = c.Close() }()
	return EnableAuth(c)
}

// EnableAuth creates the root user with RootPassword and the root role, and
// turns auth on, through a client that is not yet authenticated.
func EnableAuth(c *etcdclient.Client) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.CreateUser(ctx, "root", RootPassword); err != nil {
		return err
	}
	if err := c.CreateRole(ctx, "root"); err != nil {
		return err
	}
	if err := c.GrantRole(ctx, "root", "root"); err != nil {
		return err
	}
	return c.EnableAuth(ctx)
}

// handedOut are the addresses freeAddr gave this process: the kernel may
// give a port it just freed to the next bind, and two members of one
// cluster on one port fail to start ("has duplicate url").
var handedOut = struct {
	sync.Mutex
	addrs map[string]bool
}{addrs: map[string]bool{}}

// freeAddr returns a loopback address no listener holds now and freeAddr
// never returned before.
func freeAddr() (string, error) {
	handedOut.Lock()
	defer handedOut.Unlock()
	for range 100 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return "", err
		}
		addr := l.Addr().String()
		_ = l.Close()
		if !handedOut.addrs[addr] {
			handedOut.addrs[addr] = true
			return addr, nil
		}
	}
	return "", errors.New("no loopback port free that was not handed out before")
}

// logBuffer keeps a server's log lines in memory.
type logBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	const limit = 1 << 20
	if len(b.buf)+len(p) > limit {
		b.buf = append(b.buf[:0], "... (earlier lines dropped)\n"...)
	}
	b.buf = append(b.buf, p...)
	return len(p), nil
}

func (b *logBuffer) Sync() error { return nil }

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}

func (b *logBuffer) logger(level string) *zap.Logger {
	lvl, err := zapcore.ParseLevel(level)
	if err != nil {
		lvl = zapcore.WarnLevel
	}
	enc := zapcore.NewConsoleEncoder(zap.NewDevelopmentEncoderConfig())
	return zap.New(zapcore.NewCore(enc, zapcore.AddSync(b), lvl))
}
