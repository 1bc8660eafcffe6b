package etcdclient_test

// The usage snippets of the client README this package was specified by (a
// document kept outside this repository; the package comment in doc.go
// states the same contract in it), verbatim but for the import path, each
// wrapped in a function and run against an embedded etcd, so that the
// package keeps the shapes its callers were promised.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	client "github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
)

// readmeQuickStart is the body of the README's quick start main.
//
//nolint:gocritic // log.Fatal after defer: verbatim from the README
func readmeQuickStart() {
	// Создание клиента с настройками по умолчанию
	cfg := client.DefaultConfig()
	etcdClient, err := client.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer etcdClient.Close()

	ctx := context.Background()

	// Сохранить ключ
	err = etcdClient.Put(ctx, "/app/config", "value")
	if err != nil {
		log.Fatal(err)
	}

	// Получить ключ
	kv, err := etcdClient.Get(ctx, "/app/config")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("Value: %s\n", kv.Value)
}

func readmeBasicConfig() *client.Config {
	cfg := &client.Config{
		Endpoints:      []string{"localhost:2379"},
		DialTimeout:    5 * time.Second,
		RequestTimeout: 10 * time.Second,
	}
	return cfg
}

func readmeAuthConfig() *client.Config {
	cfg := &client.Config{
		Endpoints:   []string{"etcd.example.com:2379"},
		Username:    "admin",
		Password:    "secret",
		DialTimeout: 5 * time.Second,
	}
	return cfg
}

func readmeTLSConfig() *client.Config {
	cfg := &client.Config{
		Endpoints: []string{"https://etcd.example.com:2379"},
		TLS: &client.TLSConfig{
			Enabled:  true,
			CertFile: "/path/to/client.crt",
			KeyFile:  "/path/to/client.key",
			CAFile:   "/path/to/ca.crt",
		},
	}
	return cfg
}

func readmeWatch(ctx context.Context, etcdClient *client.Client) error {
	err := etcdClient.WatchPrefix(ctx, "/config/", func(event *client.WatchEvent) {
		if event.Type == client.EventTypePut {
			fmt.Printf("Updated: %s = %s\n", event.Key, event.Value)
		} else {
			fmt.Printf("Deleted: %s\n", event.Key)
		}
	})
	return err
}

// lockClient is what the lock snippet calls: a client that checks, as the
// snippet's deferred ReleaseLock runs, that the lock was held until then.
type lockClient interface {
	AcquireLock(ctx context.Context, key string, ttl time.Duration) (*client.Lock, error)
	ReleaseLock(ctx context.Context, lock *client.Lock) error
}

func readmeLock(ctx context.Context, etcdClient lockClient) error {
	lock, err := etcdClient.AcquireLock(ctx, "/locks/resource", 30*time.Second)
	if err != nil {
		return err
	}
	defer etcdClient.ReleaseLock(ctx, lock) //nolint:errcheck // as the README writes it

	// Критическая секция
	// ...
	return nil
}

// ttlClient is what the TTL snippet calls.
type ttlClient interface {
	PutWithTTL(ctx context.Context, key, value string, ttl time.Duration) (*client.Lease, error)
	KeepAlive(ctx context.Context, id client.LeaseID) (<-chan client.KeepAliveResponse, error)
}

func readmeTTL(ctx context.Context, etcdClient ttlClient) error {
	lease, err := etcdClient.PutWithTTL(ctx, "/session/user1", "active", 60*time.Second)
	if err != nil {
		return err
	}

	// Поддерживать сессию
	keepAliveCh, _ := etcdClient.KeepAlive(ctx, lease.ID)
	for range keepAliveCh {
		// Lease продлён
	}
	return nil
}

func readmeErrors(ctx context.Context, etcdClient *client.Client) (*client.KeyValue, error) {
	kv, err := etcdClient.Get(ctx, "/key")
	if err != nil {
		// Обработка ошибки
		log.Printf("Failed to get key: %v", err)
		return nil, err
	}
	return kv, nil
}

func readmeContext(etcdClient *client.Client) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	err := etcdClient.Put(ctx, "/key", "value")
	return err
}

// stdout captures what the process writes to os.Stdout until stop. Only
// tests that do not run in parallel may use it.
type stdout struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	orig *os.File
	w    *os.File
	done chan struct{}
}

func captureStdout(t *testing.T) *stdout {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &stdout{orig: os.Stdout, w: w, done: make(chan struct{})}
	os.Stdout = w
	go func() {
		defer close(s.done)
		chunk := make([]byte, 4096)
		for {
			n, err := r.Read(chunk)
			s.mu.Lock()
			s.buf.Write(chunk[:n])
			s.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(s.stop)
	return s
}

func (s *stdout) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

func (s *stdout) stop() {
	if os.Stdout == s.w {
		os.Stdout = s.orig
		_ = s.w.Close()
		<-s.done
	}
}

// TestREADMEQuickStart runs the quick start against an embedded etcd on
// localhost:2379, where DefaultConfig points.
func TestREADMEQuickStart(t *testing.T) {
	if l, err := net.Listen("tcp", "127.0.0.1:2379"); err != nil {
		t.Skipf("the quick start needs localhost:2379, which is in use: %v", err)
	} else if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	s := etcdtest.New(t, etcdtest.WithClientAddr("127.0.0.1:2379"))
	out := captureStdout(t)
	readmeQuickStart()
	out.stop()
	if got := out.String(); got != "Value: value\n" {
		t.Errorf("the quick start printed %q, want %q", got, "Value: value\n")
	}
	expectValue(t, etcdtest.Client(t, s.ClientConfig()), "/app/config", "value")
}

func TestREADMEConfigs(t *testing.T) {
	t.Parallel()
	basic, def := readmeBasicConfig(), client.DefaultConfig()
	if strings.Join(basic.Endpoints, ",") != strings.Join(def.Endpoints, ",") ||
		basic.DialTimeout != def.DialTimeout || basic.RequestTimeout != def.RequestTimeout {
		t.Errorf("the basic configuration %+v differs from DefaultConfig() %+v", basic, def)
	}
	c, err := client.New(basic) // connecting is lazy
	if err != nil {
		t.Fatalf("New(basic config): %v", err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if cfg := readmeAuthConfig(); cfg.Username != "admin" || cfg.Password != "secret" {
		t.Errorf("auth config = %+v", cfg)
	}
	if cfg := readmeTLSConfig(); !cfg.TLS.Enabled || cfg.TLS.CAFile == "" {
		t.Errorf("TLS config = %+v", cfg.TLS)
	}
}

// TestREADMEWatch: the watch snippet returns at once, and its callback sees
// a put and a delete made afterwards.
func TestREADMEWatch(t *testing.T) {
	_, etcdClient := ownServer(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	out := captureStdout(t)
	if err := readmeWatch(ctx, etcdClient); err != nil {
		t.Fatalf("WatchPrefix: %v", err)
	}
	putAll(t, etcdClient, "/config/mode", "on", "/other", "not watched")
	if _, err := etcdClient.Delete(ctx, "/config/mode"); err != nil {
		t.Fatal(err)
	}
	want := "Updated: /config/mode = on\nDeleted: /config/mode\n"
	waitFor(t, eventually, func() string {
		if got := out.String(); got != want {
			return fmt.Sprintf("the callback printed %q, want %q", got, want)
		}
		return ""
	})
}

// observedLocks checks at release that the lock is still held, and after
// it that it is free.
type observedLocks struct {
	*client.Client
	t        *testing.T
	released atomic.Bool
}

func (o *observedLocks) ReleaseLock(ctx context.Context, lock *client.Lock) error {
	if held, err := o.IsLocked(ctx, lock.Name); err != nil || !held {
		o.t.Errorf("at release: IsLocked(%q) = %v, %v; want held", lock.Name, held, err)
	}
	err := o.Client.ReleaseLock(ctx, lock)
	if err != nil {
		o.t.Errorf("ReleaseLock: %v", err)
	}
	if held, err := o.IsLocked(ctx, lock.Name); err != nil || held {
		o.t.Errorf("after release: IsLocked(%q) = %v, %v; want free", lock.Name, held, err)
	}
	o.released.Store(true)
	return err
}

func TestREADMELock(t *testing.T) {
	t.Parallel()
	_, c := ownServer(t)
	o := &observedLocks{Client: c, t: t}
	if err := readmeLock(t.Context(), o); err != nil {
		t.Fatal(err)
	}
	if !o.released.Load() {
		t.Fatal("the snippet did not release the lock")
	}
}

// countedRenewals counts the renewals the TTL snippet's loop receives and
// ends the loop after the first.
type countedRenewals struct {
	*client.Client
	cancel   context.CancelFunc
	renewals atomic.Int32
}

func (c *countedRenewals) KeepAlive(ctx context.Context, id client.LeaseID) (<-chan client.KeepAliveResponse, error) {
	in, err := c.Client.KeepAlive(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make(chan client.KeepAliveResponse)
	go func() {
		defer close(out)
		for r := range in {
			out <- r
			c.renewals.Add(1)
			c.cancel()
		}
	}()
	return out, nil
}

func TestREADMETTL(t *testing.T) {
	t.Parallel()
	_, c := ownServer(t)
	ctx, cancel := context.WithTimeout(t.Context(), eventually)
	defer cancel()
	counted := &countedRenewals{Client: c, cancel: cancel}
	if err := readmeTTL(ctx, counted); err != nil {
		t.Fatal(err)
	}
	if n := counted.renewals.Load(); n < 1 {
		t.Fatalf("the keep-alive channel delivered %d renewals before %v", n, eventually)
	}
	kv := mustGet(t, c, "/session/user1")
	info, err := c.GetLeaseInfo(t.Context(), kv.Lease)
	if err != nil || info.GrantedTTL != 60 {
		t.Fatalf("lease of /session/user1: %+v, %v; want a granted TTL of 60 s", info, err)
	}
}

func TestREADMEErrorsAndContext(t *testing.T) {
	t.Parallel()
	_, c := ownServer(t)
	log.SetOutput(io.Discard)
	defer log.SetOutput(os.Stderr)
	_, err := readmeErrors(t.Context(), c)
	expectErr(t, err, client.ErrKeyNotFound, `"/key"`)
	if err := readmeContext(c); err != nil {
		t.Fatal(err)
	}
	if kv, err := readmeErrors(t.Context(), c); err != nil || string(kv.Value) != "value" {
		t.Fatalf("Get after the context snippet's Put = %+v, %v", kv, err)
	}
}

// sig returns f as the func type F: a call that does not compile is a
// method whose parameters differ from what the README documents.
func sig[F any](f F) any { return f }

// TestREADMEMethodList asserts, for every call the README lists, the
// argument order it documents: each method must have exactly the func type
// written next to it (checked when this file compiles), taking a
// context.Context first but for BuildTree, which does no I/O. Arguments of
// one type (key and value, old and new value, user and role) are checked by
// the behavioural tests of each call.
func TestREADMEMethodList(t *testing.T) {
	t.Parallel()
	var c *client.Client
	type ctx = context.Context
	type cb = func(*client.WatchEvent)
	for _, tt := range []struct {
		readme string
		fn     any
	}{
		{"Get(key)", sig[func(ctx, string) (*client.KeyValue, error)](c.Get)},
		{"Put(key, value)", sig[func(ctx, string, string) error](c.Put)},
		{"Delete(key)", sig[func(ctx, string) (bool, error)](c.Delete)},
		{"List(prefix)", sig[func(ctx, string) ([]client.KeyValue, error)](c.List)},
		{"GetWithRevision(key, revision)", sig[func(ctx, string, int64) (*client.KeyValue, error)](c.GetWithRevision)},
		{"DeletePrefix(prefix)", sig[func(ctx, string) (int64, error)](c.DeletePrefix)},
		{"Watch(key, callback)", sig[func(ctx, string, cb) error](c.Watch)},
		{"WatchPrefix(prefix, callback)", sig[func(ctx, string, cb) error](c.WatchPrefix)},
		{"WatchFromRevision(key, revision, callback)", sig[func(ctx, string, int64, cb) error](c.WatchFromRevision)},
		{"PutWithTTL(key, value, ttl)", sig[func(ctx, string, string, time.Duration) (*client.Lease, error)](c.PutWithTTL)},
		{"KeepAlive(leaseID)", sig[func(ctx, client.LeaseID) (<-chan client.KeepAliveResponse, error)](c.KeepAlive)},
		{"RevokeLease(leaseID)", sig[func(ctx, client.LeaseID) error](c.RevokeLease)},
		{"GetLeaseInfo(leaseID)", sig[func(ctx, client.LeaseID) (*client.LeaseInfo, error)](c.GetLeaseInfo)},
		{"ListLeases()", sig[func(ctx) ([]client.LeaseID, error)](c.ListLeases)},
		{"CompareAndSwap(key, oldValue, newValue)", sig[func(ctx, string, string, string, ...client.PutOption) (client.TxnResult, error)](c.CompareAndSwap)},
		{"CreateIfNotExists(key, value)", sig[func(ctx, string, string, ...client.PutOption) (client.TxnResult, error)](c.CreateIfNotExists)},
		{"UpdateIfExists(key, value)", sig[func(ctx, string, string, ...client.PutOption) (client.TxnResult, error)](c.UpdateIfExists)},
		{"AcquireLock(key, ttl)", sig[func(ctx, string, time.Duration) (*client.Lock, error)](c.AcquireLock)},
		{"ReleaseLock(lock)", sig[func(ctx, *client.Lock) error](c.ReleaseLock)},
		{"TryLock(key, ttl)", sig[func(ctx, string, time.Duration) (*client.Lock, error)](c.TryLock)},
		{"IsLocked(key)", sig[func(ctx, string) (bool, error)](c.IsLocked)},
		{"GetClusterStatus()", sig[func(ctx) (*client.ClusterStatus, error)](c.GetClusterStatus)},
		{"GetKeyCount()", sig[func(ctx) (int64, error)](c.GetKeyCount)},
		{"GetKeyCountWithPrefix(prefix)", sig[func(ctx, string) (int64, error)](c.GetKeyCountWithPrefix)},
		{"BuildTree(keys)", sig[func([]string) *client.TreeNode](client.BuildTree)},
		{"CompactHistory(revision)", sig[func(ctx, int64) error](c.CompactHistory)},
		{"HealthCheck()", sig[func(ctx) ([]client.EndpointHealth, error)](c.HealthCheck)},
		{"CreateUser(username, password)", sig[func(ctx, string, string) error](c.CreateUser)},
		{"DeleteUser(username)", sig[func(ctx, string) error](c.DeleteUser)},
		{"ChangePassword(username, password)", sig[func(ctx, string, string) error](c.ChangePassword)},
		{"GrantRole(username, role)", sig[func(ctx, string, string) error](c.GrantRole)},
		{"RevokeRole(username, role)", sig[func(ctx, string, string) error](c.RevokeRole)},
		{"CreateRole(role)", sig[func(ctx, string) error](c.CreateRole)},
		{"GrantPermission(role, key, rangeEnd, permType)", sig[func(ctx, string, string, string, client.PermissionType) error](c.GrantPermission)},
		{"EnableAuth()", sig[func(ctx) error](c.EnableAuth)},
		{"DisableAuth()", sig[func(ctx) error](c.DisableAuth)},
	} {
		ft := reflect.TypeOf(tt.fn)
		args := readmeArgs(tt.readme)
		first := 0
		if !strings.HasPrefix(tt.readme, "BuildTree") {
			if ft.NumIn() == 0 || ft.In(0) != reflect.TypeFor[context.Context]() {
				t.Errorf("%s: does not take a context.Context first: %v", tt.readme, ft)
				continue
			}
			first = 1
		}
		fixed := ft.NumIn() - first
		if ft.IsVariadic() {
			fixed-- // options after the documented arguments
		}
		if fixed != len(args) {
			t.Errorf("%s: %v takes %d arguments after the context, the README %d", tt.readme, ft, fixed, len(args))
		}
	}
}

// readmeArgs returns the argument names of a call as the README writes it.
func readmeArgs(call string) []string {
	inside := call[strings.Index(call, "(")+1 : strings.LastIndex(call, ")")]
	if inside == "" {
		return nil
	}
	return strings.Split(inside, ", ")
}
