package etcdclient_test

import (
	"context"
	"errors"
	"fmt"
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

	_, err = c.Get(ctx, "/app/missing")
	fmt.Println(errors.Is(err, etcdclient.ErrKeyNotFound), err)
	// Output:
	// /app/greeting = hello (version 1)
	// true get key "/app/missing": key not found
}

// Watch every key under a prefix until the context ends.
func ExampleClient_WatchPrefix() {
	c, stop, err := exampleClient()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer stop()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events := make(chan etcdclient.WatchEvent, 10)
	w, err := c.StartWatch(ctx, "/services/", etcdclient.WatchOptions{Prefix: true}, func(ev *etcdclient.WatchEvent) { events <- *ev })
	if err != nil {
		fmt.Println(err)
		return
	}
	// Changes made after WatchPrefix returns are never missed.
	_ = c.Put(ctx, "/services/api", "10.0.0.1:8080")
	_ = c.Put(ctx, "/other", "not watched")
	_ = c.Put(ctx, "/services/api", "10.0.0.2:8080")
	_, _ = c.Delete(ctx, "/services/api")
	for range 3 {
		ev := <-events
		fmt.Printf("%s %s=%s\n", ev.Type, ev.Key, ev.Value)
	}
	cancel()
	<-w.Done()
	fmt.Println("stopped, error:", w.Err())
	// Output:
	// PUT /services/api=10.0.0.1:8080
	// PUT /services/api=10.0.0.2:8080
	// DELETE /services/api=
	// stopped, error: <nil>
}

// A distributed lock, with writes fenced by it: once the lock is lost they
// fail instead of overwriting the next holder's work.
func ExampleClient_AcquireLock() {
	c, stop, err := exampleClient()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer stop()
	ctx := context.Background()

	lock, err := c.AcquireLock(ctx, "/locks/migration", 10*time.Second) // the session's lease lives 10 s without its holder
	if err != nil {
		fmt.Println(err)
		return
	}
	held, _ := c.IsLocked(ctx, "/locks/migration")
	fmt.Println("locked:", held)

	_, err = c.TryLock(ctx, "/locks/migration", 10*time.Second)
	fmt.Println("second TryLock:", errors.Is(err, etcdclient.ErrLockHeld))

	fenced := c.WithFence(lock.Fence())
	err = fenced.Put(ctx, "/schema/version", "2")
	fmt.Println("write while held:", err)

	if err := c.ReleaseLock(ctx, lock); err != nil {
		fmt.Println(err)
		return
	}
	err = fenced.Put(ctx, "/schema/version", "3")
	fmt.Println("write after release:", errors.Is(err, etcdclient.ErrFenceLost))
	// Output:
	// locked: true
	// second TryLock: true
	// write while held: <nil>
	// write after release: true
}

// A key that lives as long as its owner keeps its lease alive.
func ExampleClient_KeepAlive() {
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
	fmt.Println("granted TTL:", lease.TTL)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	renewals, err := c.KeepAlive(ctx, lease.ID)
	if err != nil {
		fmt.Println(err)
		return
	}
	select {
	case r := <-renewals:
		fmt.Println("renewed to:", r.TTL)
	case <-time.After(30 * time.Second):
		fmt.Println("no renewal")
	}
	kv, _ := c.Get(ctx, "/registry/worker-1")
	fmt.Println("attached to the lease:", kv.Lease == lease.ID)

	cancel() // stop renewing; revoke to remove the key now rather than in 5 s
	if err := c.RevokeLease(context.Background(), lease.ID); err != nil {
		fmt.Println(err)
		return
	}
	_, err = c.Get(context.Background(), "/registry/worker-1")
	fmt.Println("after revoke:", errors.Is(err, etcdclient.ErrKeyNotFound))
	// Output:
	// granted TTL: 5
	// renewed to: 5
	// attached to the lease: true
	// after revoke: true
}
