package etcdclient

import (
	"context"
	"errors"

	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// LeaseID identifies an etcd lease. NoLease (0) means none.
type LeaseID int64

// NoLease is the zero LeaseID: a key without a lease.
const NoLease LeaseID = 0

// KeyValue is one key as etcd stores it.
type KeyValue struct {
	Key            string
	Value          []byte
	CreateRevision int64
	ModRevision    int64
	Version        int64
	Lease          LeaseID
}

func fromPB(kv *mvccpb.KeyValue) KeyValue {
	return KeyValue{
		Key:            string(kv.Key),
		Value:          kv.Value,
		CreateRevision: kv.CreateRevision,
		ModRevision:    kv.ModRevision,
		Version:        kv.Version,
		Lease:          LeaseID(kv.Lease),
	}
}

// PutOption changes how a key is written.
type PutOption func(*putOptions)

type putOptions struct {
	lease LeaseID
}

// WithLease attaches the key to a lease: it is deleted when the lease
// expires or is revoked. Without it, a put detaches the key from any lease.
func WithLease(id LeaseID) PutOption {
	return func(o *putOptions) { o.lease = id }
}

func putOp(key, value string, opts []PutOption) clientv3.Op {
	var o putOptions
	for _, opt := range opts {
		opt(&o)
	}
	if o.lease != NoLease {
		return clientv3.OpPut(key, value, clientv3.WithLease(clientv3.LeaseID(o.lease)))
	}
	return clientv3.OpPut(key, value)
}

// Get returns the current value of key, or an error wrapping ErrKeyNotFound.
func (c *Client) Get(ctx context.Context, key string) (*KeyValue, error) {
	return c.getAt(ctx, "get", key, 0)
}

// GetWithRevision returns key as it was at revision rev. A compacted revision
// gives ErrCompacted; a key absent at rev gives ErrKeyNotFound.
func (c *Client) GetWithRevision(ctx context.Context, key string, rev int64) (*KeyValue, error) {
	return c.getAt(ctx, "get at revision", key, rev)
}

func (c *Client) getAt(ctx context.Context, op, key string, rev int64) (*KeyValue, error) {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	var opts []clientv3.OpOption
	if rev > 0 {
		opts = append(opts, clientv3.WithRev(rev))
	}
	resp, err := c.raw.Get(ctx, key, opts...)
	if err != nil {
		return nil, c.wrap(op, keySubject(key), err)
	}
	if len(resp.Kvs) == 0 {
		return nil, &Error{Op: op, Subject: keySubject(key), Kind: ErrKeyNotFound}
	}
	kv := fromPB(resp.Kvs[0])
	return &kv, nil
}

// Put writes key. It detaches the key from any lease; see PutRev for a put
// with options that also returns the revision of the write.
func (c *Client) Put(ctx context.Context, key, value string) error {
	_, err := c.PutRev(ctx, key, value)
	return err
}

// PutRev writes key with opts and returns the revision of the write.
func (c *Client) PutRev(ctx context.Context, key, value string, opts ...PutOption) (int64, error) {
	res, err := c.commitOps(ctx, "put", keySubject(key), nil, []clientv3.Op{putOp(key, value, opts)}, nil)
	if err != nil {
		return 0, err
	}
	return res.Header.Revision, nil
}

// Delete removes key and reports whether it existed.
func (c *Client) Delete(ctx context.Context, key string) (bool, error) {
	n, err := c.deleteRange(ctx, "delete", keySubject(key), clientv3.OpDelete(key))
	return n > 0, err
}

// DeletePrefix removes every key that starts with prefix and returns how many
// were deleted. An empty prefix is refused, although List and WatchPrefix
// read it as the whole keyspace: to clear the whole keyspace on purpose, use
// DeleteRange(ctx, "\x00", "\x00").
func (c *Client) DeletePrefix(ctx context.Context, prefix string) (int64, error) {
	if prefix == "" {
		return 0, &Error{Op: "delete prefix", Kind: ErrInvalidArgument, Err: errors.New("empty prefix would delete every key")}
	}
	r := PrefixRange(prefix)
	return c.DeleteRange(ctx, r.Key, r.RangeEnd)
}

// DeleteRange removes the keys in [key, rangeEnd) and returns how many were
// deleted. An empty rangeEnd deletes only key; "\x00" means every key >= key,
// so DeleteRange(ctx, "\x00", "\x00") deletes every key (etcd refuses an
// empty key, even with a range end).
func (c *Client) DeleteRange(ctx context.Context, key, rangeEnd string) (int64, error) {
	subject := rangeSubject(key, rangeEnd)
	if rangeEnd == "" {
		return c.deleteRange(ctx, "delete range", subject, clientv3.OpDelete(key))
	}
	return c.deleteRange(ctx, "delete range", subject, clientv3.OpDelete(key, clientv3.WithRange(rangeEnd)))
}

// DeleteRangeInChunks removes the keys in [key, rangeEnd), as DeleteRange
// does, but at most chunk keys a transaction: it reads the range's keys
// (keys only) and deletes from every chunk-th key to the next. etcd applies
// one range delete as one raft entry, and a delete of a million keys
// outlasts etcd's own request timeout (etcd 3.4 answers "request timed
// out"). The keys are read in one pass before any delete, not a page before
// each: etcd before 3.5 walks its index over the whole rest of a range for
// every limited read, which made a million-key delete read 50 million index
// entries. Not atomic: an error leaves the chunks before it deleted. Keys
// written into the range meanwhile are deleted too.
func (c *Client) DeleteRangeInChunks(ctx context.Context, key, rangeEnd string, chunk int64) (int64, error) {
	subject := rangeSubject(key, rangeEnd)
	bounds, err := c.chunkBounds(ctx, key, rangeEnd, chunk)
	if err != nil {
		return 0, err // ForEach's error names the range read
	}
	var deleted int64
	for i, start := range bounds {
		end := rangeEnd
		if i+1 < len(bounds) {
			end = bounds[i+1]
		}
		n, err := c.deleteRange(ctx, "delete range", subject, clientv3.OpDelete(start, clientv3.WithRange(end)))
		deleted += n
		if err != nil {
			return deleted, err
		}
	}
	return deleted, nil
}

// chunkBounds returns the starts of ranges of chunk keys each that together
// cover [key, rangeEnd): key and every chunk-th key after it; none when the
// range is empty. It reads keys only, through ForEach.
func (c *Client) chunkBounds(ctx context.Context, key, rangeEnd string, chunk int64) ([]string, error) {
	var bounds []string
	var seen int64
	_, err := c.ForEach(ctx, Range{Key: key, RangeEnd: rangeEnd, KeysOnly: true}, func(kv KeyValue) error {
		switch {
		case seen == 0:
			bounds = append(bounds, key)
		case seen%chunk == 0:
			bounds = append(bounds, kv.Key)
		}
		seen++
		return nil
	})
	return bounds, err
}

func (c *Client) deleteRange(ctx context.Context, op, subject string, del clientv3.Op) (int64, error) {
	res, err := c.commitOps(ctx, op, subject, nil, []clientv3.Op{del}, nil)
	if err != nil {
		return 0, err
	}
	return res.Responses[0].GetResponseDeleteRange().Deleted, nil
}

// PrefixRangeEnd returns the range end that selects every key starting with
// prefix, as `etcdctl --prefix` computes it: the prefix with its last byte
// below 0xff incremented and what follows dropped. When no such byte exists
// (the empty prefix, or only 0xff bytes) it returns "\x00", which etcd reads
// as "to the end of the keyspace".
func PrefixRangeEnd(prefix string) string {
	end := []byte(prefix)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return string(end[:i+1])
		}
	}
	return "\x00"
}
