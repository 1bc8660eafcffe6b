package bench

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"slices"
	"strings"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

// freePort returns a loopback port nothing listens on, or 0.
func freePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0
	}
	defer func() { _ = l.Close() }()
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		return 0
	}
	return addr.Port
}

// withoutEtcdSettings drops ETCD_* variables, which the etcd daemon would
// read as its flags.
func withoutEtcdSettings(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "ETCD_") {
			out = append(out, kv)
		}
	}
	return out
}

// waitServing polls endpoint with a read until it answers, for up to a
// minute.
func waitServing(ctx context.Context, endpoint string) error {
	cfg := etcdclient.DefaultConfig()
	cfg.Endpoints, cfg.DialTimeout, cfg.RequestTimeout = []string{endpoint}, time.Second, time.Second
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if c, err := etcdclient.New(cfg); err == nil {
			_, err = c.Get(ctx, "/bench-ready")
			_ = c.Close()
			if err == nil || errors.Is(err, etcdclient.ErrKeyNotFound) {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("etcd at %s is not serving after a minute", endpoint)
}

// etcdCommitTime is etcd's own time to commit the puts of scenario s's
// apply (the same keys and values, under a prefix of the same length) in
// transactions of 128, one after the other from one client, as the
// provider writes them: the floor of an apply that creates them on this
// server. The keys are deleted afterwards. With again, it then compacts
// etcd's history (physically), commits the same puts a second time and
// deletes them again, and returns that time too: an apply after a destroy
// on an etcd that compacts, into the pages the first keys freed (where
// etcd 3.4's default array freelist is said to be slow).
func etcdCommitTime(ctx context.Context, endpoint string, s Scenario, again bool) (EtcdCommit, error) {
	e := EtcdCommit{Keys: s.N}
	cfg := etcdclient.DefaultConfig()
	cfg.Endpoints, cfg.RequestTimeout = []string{endpoint}, time.Minute
	c, err := etcdclient.New(cfg)
	if err != nil {
		return e, err
	}
	defer func() { _ = c.Close() }()
	if e.Seconds, e.DBBytes, err = commitAndDelete(ctx, c, endpoint, s); err != nil || !again {
		return e, err
	}
	rev, err := c.CurrentRevision(ctx, "/")
	if err == nil {
		err = c.Compact(ctx, rev, true)
	}
	if err != nil {
		return e, err
	}
	e.Again, _, err = commitAndDelete(ctx, c, endpoint, s)
	return e, err
}

// commitAndDelete times the puts of etcdCommitTime, reads the size of
// etcd's database file then, and deletes them.
func commitAndDelete(ctx context.Context, c *etcdclient.Client, endpoint string, s Scenario) (took float64, dbBytes int64, err error) {
	raw := c.Raw()
	prefix := fmt.Sprintf("/bench/%s/commit-1/", s.slug())
	values := s.values(false)
	names := slices.Sorted(maps.Keys(values))
	start := time.Now()
	for chunk := range slices.Chunk(names, etcdclient.DefaultMaxTxnOps) {
		puts := make([]clientv3.Op, len(chunk))
		for i, rel := range chunk {
			puts[i] = clientv3.OpPut(prefix+rel, values[rel])
		}
		if _, err := raw.Txn(ctx).Then(puts...).Commit(); err != nil {
			return 0, 0, err
		}
	}
	took = time.Since(start).Seconds()
	st, err := raw.Status(ctx, endpoint)
	if err != nil {
		return 0, 0, err
	}
	r := etcdclient.PrefixRange(prefix)
	_, err = c.DeleteRangeInChunks(ctx, r.Key, r.RangeEnd, 10000)
	return took, st.DbSize, err
}
