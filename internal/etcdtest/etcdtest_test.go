package etcdtest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
)

func TestMain(m *testing.M) { etcdtest.Main(m) }

func putGet(t *testing.T, c *etcdclient.Client, key string) {
	t.Helper()
	ctx := context.Background()
	if err := c.Put(ctx, key, "v"); err != nil {
		t.Fatalf("put: %v", err)
	}
	kv, err := c.Get(ctx, key)
	if err != nil || string(kv.Value) != "v" {
		t.Fatalf("get: %v %v", kv, err)
	}
}

func TestSingle(t *testing.T) {
	start := time.Now()
	s := etcdtest.New(t)
	t.Logf("started in %v", time.Since(start))
	putGet(t, etcdtest.Client(t, s.ClientConfig()), "/a")
}

func TestShared(t *testing.T) {
	target := etcdtest.Shared(t)
	putGet(t, etcdtest.Client(t, target.Config), etcdtest.Prefix(t)+"a")
}

func TestTLSAndAuth(t *testing.T) {
	s := etcdtest.New(t, etcdtest.WithTLS(), etcdtest.WithAuth())
	putGet(t, etcdtest.Client(t, s.ClientConfig()), "/a")

	cfg := s.ClientConfig()
	cfg.Password = "wrong"
	_, err := etcdclient.New(&cfg)
	if !errors.Is(err, etcdclient.ErrAuthFailed) {
		t.Fatalf("wrong password: got %v", err)
	}
}

func TestClusterStopRestart(t *testing.T) {
	start := time.Now()
	c := etcdtest.NewCluster(t, 3)
	t.Logf("cluster started in %v", time.Since(start))
	client := etcdtest.Client(t, c.ClientConfig())
	putGet(t, client, "/a")
	leader := c.Leader()
	if leader < 0 {
		t.Fatal("no leader")
	}
	c.Members[leader].Stop()
	putGet(t, client, "/b")
	if err := c.Members[leader].Restart(); err != nil {
		t.Fatal(err)
	}
	putGet(t, client, "/c")
}
