package etcdclient

import (
	"context"
	"fmt"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// Page sizes for range reads: etcd has no byte limit on a range, so the
// number of keys per page adapts to the observed size of the keys read so
// far, aiming at pageBytes per response (far below gRPC's limits). Pages
// are large because etcd before 3.5 walks its index over the whole rest of
// the range for every page (to count it): 100,000 keys read in pages of
// 10,000 took 1.7 times as long as in one read on etcd 3.4.
const (
	firstPageKeys = 1000
	minPageKeys   = 16
	maxPageKeys   = 250000
	pageBytes     = 16 << 20
)

// Range selects keys in [Key, RangeEnd). An empty RangeEnd selects only Key;
// "\x00" selects every key >= Key.
type Range struct {
	Key      string
	RangeEnd string
	// Revision reads the keyspace as it was at that revision (0: now).
	Revision int64
	// KeysOnly leaves values out. etcd 3.7 then reads from its index only,
	// so Lease is 0 too.
	KeysOnly bool
	// Limit stops after that many keys (0: no limit).
	Limit int64
}

// PrefixRange returns the Range of every key starting with prefix. The empty
// prefix gives the whole keyspace, ["\x00", "\x00"), as etcdctl --prefix ""
// does: etcd refuses an empty key.
func PrefixRange(prefix string) Range {
	if prefix == "" {
		return Range{Key: "\x00", RangeEnd: "\x00"}
	}
	return Range{Key: prefix, RangeEnd: PrefixRangeEnd(prefix)}
}

// List returns every key starting with prefix, in key order; the empty
// prefix lists the whole keyspace. It reads in pages, all at the revision of
// the first page, so the result is one consistent snapshot. One List is one
// round trip per page, far cheaper than a Get per key.
func (c *Client) List(ctx context.Context, prefix string) ([]KeyValue, error) {
	kvs, _, err := c.ListRange(ctx, PrefixRange(prefix))
	return kvs, err
}

// ListRange returns the keys of r in key order and the revision read at.
func (c *Client) ListRange(ctx context.Context, r Range) ([]KeyValue, int64, error) {
	var kvs []KeyValue
	sized := func(count int64) { // from the first page: no regrowing
		if r.Limit > 0 {
			count = min(count, r.Limit)
		}
		kvs = make([]KeyValue, 0, count)
	}
	rev, err := c.forEach(ctx, r, sized, func(kv KeyValue) error {
		kvs = append(kvs, kv)
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return kvs, rev, nil
}

// ForEach calls fn for every key of r in key order, reading in pages at one
// revision, without holding more than a page in memory. It returns the
// revision read at. An error from fn stops the walk and is returned as is.
func (c *Client) ForEach(ctx context.Context, r Range, fn func(KeyValue) error) (int64, error) {
	return c.forEach(ctx, r, nil, fn)
}

// forEach is ForEach that also tells sized, if not nil, how many keys the
// range holds, once the first page is read.
func (c *Client) forEach(ctx context.Context, r Range, sized func(int64), fn func(KeyValue) error) (int64, error) {
	subject := rangeSubject(r.Key, r.RangeEnd)
	if r.RangeEnd == "" {
		r.RangeEnd = r.Key + "\x00" // a single key is the range [key, key\x00)
	}
	rev, pageKeys, seen := r.Revision, int64(firstPageKeys), int64(0)
	start := r.Key
	for {
		limit := pageKeys
		if r.Limit > 0 {
			limit = min(limit, r.Limit-seen)
		}
		resp, err := c.rangePage(ctx, start, r.RangeEnd, rev, limit, r.KeysOnly)
		if err != nil {
			return 0, c.wrap("range", subject, err)
		}
		if rev == 0 {
			// Later pages read at the first page's revision. The header
			// gives the store's current revision, not the one read at, so
			// it is taken only when no revision was asked for.
			rev = resp.Header.Revision
		}
		if sized != nil {
			sized(max(resp.Count, int64(len(resp.Kvs))))
			sized = nil
		}
		size := 0
		for _, pb := range resp.Kvs {
			size += len(pb.Key) + len(pb.Value) + 32 // 32: revisions, version, lease and framing
			if err := fn(fromPB(pb)); err != nil {
				return 0, err
			}
		}
		seen += int64(len(resp.Kvs))
		if !resp.More || len(resp.Kvs) == 0 || (r.Limit > 0 && seen >= r.Limit) {
			return rev, nil
		}
		start = string(resp.Kvs[len(resp.Kvs)-1].Key) + "\x00"
		pageKeys = nextPageKeys(size, len(resp.Kvs))
	}
}

func (c *Client) rangePage(ctx context.Context, key, end string, rev, limit int64, keysOnly bool) (*clientv3.GetResponse, error) {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	opts := []clientv3.OpOption{clientv3.WithRange(end), clientv3.WithLimit(limit), clientv3.WithRev(rev)}
	if keysOnly {
		opts = append(opts, clientv3.WithKeysOnly())
	}
	return c.raw.Get(ctx, key, opts...)
}

func nextPageKeys(bytes, keys int) int64 {
	perKey := max(bytes/max(keys, 1), 1)
	return int64(min(max(pageBytes/perKey, minPageKeys), maxPageKeys))
}

// GetKeyCount returns how many keys the whole keyspace holds.
func (c *Client) GetKeyCount(ctx context.Context) (int64, error) {
	return c.count(ctx, "count keys", "\x00", "\x00", "the keyspace")
}

// GetKeyCountWithPrefix returns how many keys start with prefix, without
// transferring any of them. The empty prefix counts the whole keyspace.
func (c *Client) GetKeyCountWithPrefix(ctx context.Context, prefix string) (int64, error) {
	r := PrefixRange(prefix)
	return c.count(ctx, "count keys", r.Key, r.RangeEnd, prefixSubject(prefix))
}

func (c *Client) count(ctx context.Context, op, key, end, subject string) (int64, error) {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	resp, err := c.raw.Get(ctx, key, clientv3.WithRange(end), clientv3.WithCountOnly())
	if err != nil {
		return 0, c.wrap(op, subject, err)
	}
	return resp.Count, nil
}

// GetMany reads the given keys, maxOps at a time in read-only transactions,
// and returns those that exist. Use it to read a known set of keys that is
// small compared with the range around them.
func (c *Client) GetMany(ctx context.Context, keys []string, maxOps int) (map[string]KeyValue, error) {
	out := make(map[string]KeyValue, len(keys))
	maxOps = max(maxOps, 1)
	for start := 0; start < len(keys); start += maxOps {
		chunk := keys[start:min(start+maxOps, len(keys))]
		if err := c.getChunk(ctx, chunk, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (c *Client) getChunk(ctx context.Context, keys []string, out map[string]KeyValue) error {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	gets := make([]clientv3.Op, len(keys))
	for i, k := range keys {
		gets[i] = clientv3.OpGet(k)
	}
	resp, err := c.raw.Txn(ctx).Then(gets...).Commit()
	if err != nil {
		return c.wrap("get keys", fmt.Sprintf("%d keys from %q", len(keys), keys[0]), err)
	}
	for _, r := range resp.Responses {
		for _, pb := range r.GetResponseRange().Kvs {
			out[string(pb.Key)] = fromPB(pb)
		}
	}
	return nil
}

// CurrentRevision returns etcd's current revision, read with key: a
// count-only read of that one key, so nothing is transferred and etcd looks
// up one index entry. Any key the caller may read serves (with
// authentication on, a key outside the user's permissions is refused).
func (c *Client) CurrentRevision(ctx context.Context, key string) (int64, error) {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	resp, err := c.raw.Get(ctx, key, clientv3.WithCountOnly())
	if err != nil {
		return 0, c.wrap("get revision", fmt.Sprintf("key %q", key), err)
	}
	return resp.Header.Revision, nil
}
