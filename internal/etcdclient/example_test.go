package etcdclient_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
)

// exampleClient starts an embedded etcd and returns a client for it and a
// function that stops both.
func exampleClient() (*etcdclient.Client, func(), error) {
	srv, err := etcdtest.Start()
	if err != nil {
		return nil, nil, err
	}
	cfg := etcdclient.DefaultConfig()
	cfg.Endpoints = srv.Endpoints // instead of localhost:2379
	c, err := etcdclient.New(cfg)
	if err != nil {
		srv.Cleanup()
		return nil, nil, err
	}
	return c, func() { _ = c.Close(); srv.Cleanup() }, nil
}

// The quick start: connect, write a key, read it back.
func Example() {
	srv, err := etcdtest.Start() // an embedded etcd, for the example
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Cleanup()

	cfg := etcdclient.DefaultConfig() // localhost:2379, 5 s dial, 10 s per request
	cfg.Endpoints = srv.Endpoints
	c, err := etcdclient.New(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer func() { _ = c.Close() }()

	ctx := context.Background()
	if err := c.Put(ctx, "/app/greeting", "hello"); err != nil {
		fmt.Println(err)
		return
	}
	kv, err := c.Get(ctx, "/app/greeting")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s = %s (version %d)\n", kv.Key, kv.Value, kv.Version)
	// Output:
	// /app/greeting = hello (version 1)
}

// Basic operations: write, read (now and at an older revision), list a
// prefix, delete.
func Example_crud() {
	c, stop, err := exampleClient()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer stop()
	ctx := context.Background()

	first, _ := c.PutRev(ctx, "/app/db/host", "10.0.0.1") // PutRev also returns the revision
	_ = c.Put(ctx, "/app/db/host", "10.0.0.2")
	_ = c.Put(ctx, "/app/db/port", "5432")

	now, _ := c.Get(ctx, "/app/db/host")
	then, _ := c.GetWithRevision(ctx, "/app/db/host", first)
	fmt.Printf("host now %s, at revision %d %s\n", now.Value, first, then.Value)

	kvs, _ := c.List(ctx, "/app/db/")
	for _, kv := range kvs {
		fmt.Printf("%s=%s\n", kv.Key, kv.Value)
	}
	existed, _ := c.Delete(ctx, "/app/db/port")
	fmt.Println("deleted port:", existed)
	n, _ := c.DeletePrefix(ctx, "/app/")
	fmt.Println("deleted under /app/:", n)
	// Output:
	// host now 10.0.0.2, at revision 2 10.0.0.1
	// /app/db/host=10.0.0.2
	// /app/db/port=5432
	// deleted port: true
	// deleted under /app/: 1
}

// Watch a prefix in the background; StartWatch also tells why a watch
// stopped.
func Example_watch() {
	c, stop, err := exampleClient()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer stop()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events := make(chan string, 10)
	err = c.WatchPrefix(ctx, "/services/", func(ev *etcdclient.WatchEvent) {
		events <- fmt.Sprintf("%s %s=%s", ev.Type, ev.Key, ev.Value)
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	// Changes made after WatchPrefix returns are never missed.
	_ = c.Put(ctx, "/services/api", "10.0.0.1:8080")
	_ = c.Put(ctx, "/other", "not watched")
	_, _ = c.Delete(ctx, "/services/api")
	fmt.Println(<-events)
	fmt.Println(<-events)
	cancel() // stops the watch

	w, err := c.StartWatch(context.Background(), "/services/api", etcdclient.WatchOptions{Revision: 1}, func(*etcdclient.WatchEvent) {})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = c.Close() // a watch also stops when its client closes
	<-w.Done()
	fmt.Println("stopped:", errors.Is(w.Err(), etcdclient.ErrClosed))
	// Output:
	// PUT /services/api=10.0.0.1:8080
	// DELETE /services/api=
	// stopped: true
}

// A key that lives as long as its owner keeps its lease alive.
func Example_leases() {
	c, stop, err := exampleClient()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer stop()

	lease, err := c.PutWithTTL(context.Background(), "/registry/worker-1", "up", 5*time.Second)
	if err != nil {
		fmt.Println(err)
		return
	}
	info, _ := c.GetLeaseInfo(context.Background(), lease.ID)
	fmt.Println("granted TTL:", info.GrantedTTL, "keys:", info.Keys)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	renewals, err := c.KeepAlive(ctx, lease.ID)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("renewed to:", (<-renewals).TTL)
	cancel() // stop renewing

	leases, _ := c.ListLeases(context.Background())
	fmt.Println("live leases:", len(leases))
	_ = c.RevokeLease(context.Background(), lease.ID) // remove the key now, not in 5 s
	_, err = c.Get(context.Background(), "/registry/worker-1")
	fmt.Println("after revoke:", errors.Is(err, etcdclient.ErrKeyNotFound))
	// Output:
	// granted TTL: 5 keys: [/registry/worker-1]
	// renewed to: 5
	// live leases: 1
	// after revoke: true
}

// Conditional writes, each one etcd transaction.
func Example_transactions() {
	c, stop, err := exampleClient()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer stop()
	ctx := context.Background()

	res, _ := c.CreateIfNotExists(ctx, "/config/mode", "blue")
	fmt.Println("created:", res.Succeeded)
	res, _ = c.CreateIfNotExists(ctx, "/config/mode", "green")
	fmt.Printf("created again: %v (holds %s)\n", res.Succeeded, res.KV.Value)

	res, _ = c.CompareAndSwap(ctx, "/config/mode", "blue", "green")
	fmt.Println("swapped blue for green:", res.Succeeded)
	res, _ = c.CompareAndSwap(ctx, "/config/mode", "blue", "red")
	fmt.Printf("swapped blue for red: %v (holds %s)\n", res.Succeeded, res.KV.Value)

	res, _ = c.UpdateIfExists(ctx, "/config/missing", "x")
	fmt.Println("updated a missing key:", res.Succeeded)
	// Output:
	// created: true
	// created again: false (holds blue)
	// swapped blue for green: true
	// swapped blue for red: false (holds green)
	// updated a missing key: false
}

// A distributed lock, with writes fenced by it: once the lock is lost they
// fail instead of overwriting the next holder's work.
func Example_locks() {
	c, stop, err := exampleClient()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer stop()
	ctx := context.Background()

	lock, err := c.AcquireLock(ctx, "/locks/migration", 10*time.Second) // freed 10 s after its holder is gone
	if err != nil {
		fmt.Println(err)
		return
	}
	held, _ := c.IsLocked(ctx, "/locks/migration")
	fmt.Println("locked:", held)

	_, err = c.TryLock(ctx, "/locks/migration", 10*time.Second)
	fmt.Println("second TryLock:", errors.Is(err, etcdclient.ErrLockHeld))

	wait, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	_, err = c.AcquireLock(wait, "/locks/migration", 10*time.Second)
	fmt.Println("AcquireLock until a deadline:", errors.Is(err, etcdclient.ErrLockHeld))

	fenced := c.WithFence(lock.Fence())
	fmt.Println("write while held:", fenced.Put(ctx, "/schema/version", "2"))

	fmt.Println("release:", c.ReleaseLock(ctx, lock), "again:", c.ReleaseLock(ctx, lock))
	err = fenced.Put(ctx, "/schema/version", "3")
	fmt.Println("write after release:", errors.Is(err, etcdclient.ErrFenceLost))
	// Output:
	// locked: true
	// second TryLock: true
	// AcquireLock until a deadline: true
	// write while held: <nil>
	// release: <nil> again: <nil>
	// write after release: true
}

// Cluster status, key counts, key trees, compaction and health.
func Example_utilities() {
	c, stop, err := exampleClient()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer stop()
	ctx := context.Background()

	for _, k := range []string{"/app/db/host", "/app/db/port", "/app/name", "/other"} {
		_ = c.Put(ctx, k, "v")
	}
	all, _ := c.GetKeyCount(ctx)
	app, _ := c.GetKeyCountWithPrefix(ctx, "/app/")
	fmt.Println("keys:", all, "under /app/:", app)

	tree := etcdclient.BuildTree([]string{"/app/db/host", "/app/db/port", "/app/name"})
	db := tree.Child("app").Child("db")
	fmt.Println("children of /app/db:", db.Children[0].Name, db.Children[1].Name)

	st, _ := c.GetClusterStatus(ctx)
	fmt.Println("members:", len(st.Members), "healthy:", st.Healthy)

	_ = c.CompactHistory(ctx, st.Revision)
	_, err = c.GetWithRevision(ctx, "/app/name", 1)
	fmt.Println("before the compaction:", errors.Is(err, etcdclient.ErrCompacted))

	health, err := c.HealthCheck(ctx)
	fmt.Println("endpoints healthy:", len(health), err)
	// Output:
	// keys: 4 under /app/: 3
	// children of /app/db: host port
	// members: 1 healthy: true
	// before the compaction: true
	// endpoints healthy: 1 <nil>
}

// Users, roles and permissions; then auth on, as etcdctl does it.
func Example_auth() {
	c, stop, err := exampleClient()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer stop()
	ctx := context.Background()

	_ = c.CreateRole(ctx, "app-reader")
	_ = c.GrantPermission(ctx, "app-reader", "/app/", etcdclient.PrefixRangeEnd("/app/"), etcdclient.PermRead)
	_ = c.CreateUser(ctx, "alice", "first-password")
	_ = c.ChangePassword(ctx, "alice", "alice-password")
	_ = c.GrantRole(ctx, "alice", "app-reader")
	_ = c.CreateUser(ctx, "root", "root-password") // auth needs root with the root role
	_ = c.CreateRole(ctx, "root")
	_ = c.GrantRole(ctx, "root", "root")
	_ = c.Put(ctx, "/app/name", "shop")
	if err := c.EnableAuth(ctx); err != nil {
		fmt.Println(err)
		return
	}

	cfg := etcdclient.DefaultConfig()
	cfg.Endpoints, cfg.Username, cfg.Password = c.Endpoints(), "alice", "alice-password"
	alice, err := etcdclient.New(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer func() { _ = alice.Close() }()
	kv, _ := alice.Get(ctx, "/app/name")
	fmt.Printf("alice reads: %s\n", kv.Value)
	err = alice.Put(ctx, "/app/name", "mine")
	fmt.Println("alice writes:", errors.Is(err, etcdclient.ErrPermissionDenied))

	cfg.Username, cfg.Password = "root", "root-password"
	root, err := etcdclient.New(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer func() { _ = root.Close() }()
	_ = root.RevokeRole(ctx, "alice", "app-reader")
	_ = root.DeleteUser(ctx, "alice")
	fmt.Println("auth off:", root.DisableAuth(ctx))
	// Output:
	// alice reads: shop
	// alice writes: true
	// auth off: <nil>
}

// DefaultConfig, a Config of one's own, and what New refuses.
func Example_configuration() {
	cfg := etcdclient.DefaultConfig()
	fmt.Println(cfg.Endpoints, cfg.DialTimeout, cfg.RequestTimeout)

	cfg = &etcdclient.Config{
		Endpoints:      []string{"https://etcd-1.example.com:2379", "https://etcd-2.example.com:2379"},
		Username:       "app",
		Password:       "secret",
		DialTimeout:    2 * time.Second,
		RequestTimeout: 5 * time.Second,
		TLS:            &etcdclient.TLSConfig{CAFile: "/etc/etcd/ca.crt"},
	}
	fmt.Println(len(cfg.Endpoints), "endpoints over TLS, as", cfg.Username)

	_, err := etcdclient.New(&etcdclient.Config{Endpoints: []string{"etcd.example.com"}})
	fmt.Println(errors.Is(err, etcdclient.ErrInvalidArgument), err)
	// Output:
	// [localhost:2379] 5s 10s
	// 2 endpoints over TLS, as app
	// true new client: invalid argument (endpoint "etcd.example.com" has no port; write it as host:port (such as 127.0.0.1:2379) or as an http:// or https:// URL)
}

// Errors wrap sentinels to test with errors.Is, in an *Error that names the
// operation and its subject.
func Example_errors() {
	c, stop, err := exampleClient()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer stop()
	ctx := context.Background()

	_, err = c.Get(ctx, "/missing")
	fmt.Println(errors.Is(err, etcdclient.ErrKeyNotFound), err)

	var e *etcdclient.Error
	if errors.As(err, &e) {
		fmt.Printf("op %q, subject %s\n", e.Op, e.Subject)
	}

	_ = c.Put(ctx, "/a", "taken")
	_, err = c.Commit(ctx, []etcdclient.Op{{Key: "/a", Value: "v", MustNotExist: true}})
	fmt.Println(errors.Is(err, etcdclient.ErrCompareFailed), err)
	// Output:
	// true get key "/missing": key not found
	// op "get", subject key "/missing"
	// true commit key "/a": compare failed: the key changed since it was read ("/a" exists; nothing was written)
}

// A deadline of your own wins over Config.RequestTimeout; after Close,
// calls fail at once.
func Example_contextAndTimeouts() {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	nowhere := l.Addr().String() // nothing listens there once closed
	_ = l.Close()

	c, err := etcdclient.New(&etcdclient.Config{Endpoints: []string{nowhere}, RequestTimeout: time.Minute})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = c.Put(ctx, "/key", "value")
	fmt.Println("unavailable:", errors.Is(err, etcdclient.ErrUnavailable), "within a second:", time.Since(start) < time.Second)

	_ = c.Close()
	_, err = c.Get(context.Background(), "/key")
	fmt.Println("after Close:", errors.Is(err, etcdclient.ErrClosed), "closing again:", c.Close())
	// Output:
	// unavailable: true within a second: true
	// after Close: true closing again: <nil>
}

// One client shared by many goroutines.
func Example_threadSafety() {
	c, stop, err := exampleClient()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer stop()
	ctx := context.Background()

	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = c.Put(ctx, fmt.Sprintf("/jobs/%02d", i), "queued")
		}()
	}
	wg.Wait()
	n, _ := c.GetKeyCountWithPrefix(ctx, "/jobs/")
	fmt.Println("jobs:", n)
	// Output:
	// jobs: 20
}

// One List instead of many Gets, one DeletePrefix instead of many Deletes,
// and ForEach for more keys than should sit in memory at once.
func Example_performance() {
	c, stop, err := exampleClient()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer stop()
	ctx := context.Background()

	ops := make([]etcdclient.Op, 100)
	for i := range ops {
		ops[i] = etcdclient.Op{Key: fmt.Sprintf("/metrics/%03d", i), Value: "0"}
	}
	if _, err := c.Commit(ctx, ops); err != nil { // one transaction
		fmt.Println(err)
		return
	}
	kvs, _ := c.List(ctx, "/metrics/") // one round trip per page
	fmt.Println("listed:", len(kvs))

	seen := 0
	_, _ = c.ForEach(ctx, etcdclient.PrefixRange("/metrics/"), func(etcdclient.KeyValue) error {
		seen++
		return nil
	})
	fmt.Println("walked:", seen)

	n, _ := c.DeletePrefix(ctx, "/metrics/") // one request
	fmt.Println("deleted:", n)
	// Output:
	// listed: 100
	// walked: 100
	// deleted: 100
}
