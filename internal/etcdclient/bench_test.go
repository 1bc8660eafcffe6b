package etcdclient_test

import (
	"context"
	"strings"
	"testing"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
)

// The benchmarks compare the wrapper with raw clientv3 on the same embedded
// etcd, each through its own connection. Sub-benchmarks are named
// impl=wrapper and impl=raw, so `benchstat -col /impl` puts them side by
// side; impl=raw-timeout is raw clientv3 called, as the wrapper calls it,
// with the 10 s request timeout that bounds every call.

// benchClients starts an etcd for one benchmark and connects both ways.
func benchClients(b *testing.B) (*etcdclient.Client, *clientv3.Client) {
	b.Helper()
	s := etcdtest.New(b, etcdtest.WithLogLevel("error"))
	c := etcdtest.Client(b, s.ClientConfig())
	raw, err := clientv3.New(clientv3.Config{Endpoints: s.Endpoints, DialTimeout: etcdclient.DefaultDialTimeout, Logger: zap.NewNop()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = raw.Close() })
	return c, raw
}

// compare runs the wrapper and the raw variant of one operation, the raw
// one also under a request timeout.
func compare(b *testing.B, wrapper, raw func(ctx context.Context) error) {
	b.Helper()
	ctx := context.Background()
	rawTimeout := func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(ctx, etcdclient.DefaultRequestTimeout)
		defer cancel()
		return raw(ctx)
	}
	for _, impl := range []struct {
		name string
		op   func(ctx context.Context) error
	}{{"impl=wrapper", wrapper}, {"impl=raw", raw}, {"impl=raw-timeout", rawTimeout}} {
		if err := impl.op(ctx); err != nil { // warm up the connection
			b.Fatalf("%s: %v", impl.name, err)
		}
		b.Run(impl.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := impl.op(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

var benchValue = strings.Repeat("v", 100)

func BenchmarkGet(b *testing.B) {
	c, raw := benchClients(b)
	const key = "/bench/get"
	if err := c.Put(context.Background(), key, benchValue); err != nil {
		b.Fatal(err)
	}
	compare(b,
		func(ctx context.Context) error { _, err := c.Get(ctx, key); return err },
		func(ctx context.Context) error { _, err := raw.Get(ctx, key); return err })
}

func BenchmarkPut(b *testing.B) {
	c, raw := benchClients(b)
	const key = "/bench/put"
	compare(b,
		func(ctx context.Context) error { err := c.Put(ctx, key, benchValue); return err },
		func(ctx context.Context) error { _, err := raw.Put(ctx, key, benchValue); return err })
}

// BenchmarkList reads 10,000 keys of 100-byte values under one prefix.
func BenchmarkList(b *testing.B) {
	c, raw := benchClients(b)
	const prefix, n = "/bench/list/", 10_000
	ops := putOps(numbered(prefix, n))
	for i := range ops {
		ops[i].Value = benchValue
	}
	if applied, _, err := c.CommitChunks(context.Background(), ops, 128, etcdclient.MaxTxnBytes); err != nil || applied != n {
		b.Fatalf("writing %d keys: %d, %v", n, applied, err)
	}
	check := func(got int) error {
		if got != n {
			b.Fatalf("listed %d keys, want %d", got, n)
		}
		return nil
	}
	compare(b,
		func(ctx context.Context) error {
			kvs, err := c.List(ctx, prefix)
			if err != nil {
				return err
			}
			return check(len(kvs))
		},
		func(ctx context.Context) error {
			resp, err := raw.Get(ctx, prefix, clientv3.WithPrefix())
			if err != nil {
				return err
			}
			return check(len(resp.Kvs))
		})
}
