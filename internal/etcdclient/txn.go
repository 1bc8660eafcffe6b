package etcdclient

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// TxnResult tells whether a conditional write happened.
type TxnResult struct {
	// Succeeded is true when the condition held and the write was made.
	Succeeded bool
	// Revision is the store revision after the transaction.
	Revision int64
	// KV is the key after the transaction: the new value when Succeeded, the
	// value that made the condition fail otherwise; nil when the key does not
	// exist.
	KV *KeyValue
}

// Fence makes every write of a client conditional on a lock still being held:
// the key must exist with exactly this create revision.
type Fence struct {
	Key      string
	Revision int64
}

// WithFence returns a client sharing c's connection whose writes (puts,
// deletes, transactions) all fail with ErrFenceLost once the fence key is
// gone or recreated. Lease and auth calls are not fenced. Close only the
// original client.
func (c *Client) WithFence(f Fence) *Client {
	fenced := *c
	fenced.fence = &f
	return &fenced
}

// WithProgress returns a client sharing c's connection whose chunked writes
// (CommitChunks, CommitChunksOwned) call progress after each transaction
// that commits, with the number of ops committed so far and the total, so
// that a long write can report how far it got. Close only the original
// client.
func (c *Client) WithProgress(progress func(committed, total int)) *Client {
	reporting := *c
	reporting.progress = progress
	return &reporting
}

// commitOps is the single write path: one Txn of cmps, then and els, with the
// fence compare added. A failed compare is not an error here; callers decide.
func (c *Client) commitOps(ctx context.Context, op, subject string, cmps []clientv3.Cmp, then, els []clientv3.Op) (*clientv3.TxnResponse, error) {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	unconditional := len(cmps) == 0
	if unconditional && c.fence == nil && len(then) == 1 && len(els) == 0 {
		return c.doSingle(ctx, op, subject, then[0])
	}
	if c.fence != nil {
		cmps = append(cmps, clientv3.Compare(clientv3.CreateRevision(c.fence.Key), "=", c.fence.Revision))
	}
	resp, err := c.raw.Txn(ctx).If(cmps...).Then(then...).Else(els...).Commit()
	if err != nil {
		return nil, c.wrap(op, subject, err)
	}
	if !resp.Succeeded && c.fence != nil {
		if err := c.checkFence(ctx, op, subject); err != nil {
			return nil, err
		}
		if unconditional { // only the fence was compared, so it was lost
			return nil, &Error{Op: op, Subject: subject, Kind: ErrFenceLost}
		}
	}
	return resp, nil
}

// doSingle sends one unconditional write as itself rather than in a Txn,
// which etcd serves faster, and returns the response in a Txn's shape.
func (c *Client) doSingle(ctx context.Context, op, subject string, write clientv3.Op) (*clientv3.TxnResponse, error) {
	resp, err := c.raw.Do(ctx, write)
	if err != nil {
		return nil, c.wrap(op, subject, err)
	}
	out := &clientv3.TxnResponse{Succeeded: true}
	switch {
	case resp.Put() != nil:
		out.Header = resp.Put().Header
		out.Responses = []*pb.ResponseOp{{Response: &pb.ResponseOp_ResponsePut{ResponsePut: (*pb.PutResponse)(resp.Put())}}}
	case resp.Del() != nil:
		out.Header = resp.Del().Header
		out.Responses = []*pb.ResponseOp{{Response: &pb.ResponseOp_ResponseDeleteRange{ResponseDeleteRange: (*pb.DeleteRangeResponse)(resp.Del())}}}
	default:
		return nil, &Error{Op: op, Subject: subject, Err: fmt.Errorf("unexpected response to a single write: %+v", resp)}
	}
	return out, nil
}

func (c *Client) checkFence(ctx context.Context, op, subject string) error {
	resp, err := c.raw.Get(ctx, c.fence.Key, clientv3.WithKeysOnly())
	if err != nil {
		return c.wrap(op, subject, err)
	}
	if len(resp.Kvs) == 0 || resp.Kvs[0].CreateRevision != c.fence.Revision {
		return &Error{Op: op, Subject: subject, Kind: ErrFenceLost,
			Err: fmt.Errorf("lock key %q (create revision %d) no longer exists; nothing was written", c.fence.Key, c.fence.Revision)}
	}
	return nil
}

// conditionalWrite applies write to key when cond holds; both branches read the key back,
// so the caller learns the outcome and the current value in one round trip.
func (c *Client) conditionalWrite(ctx context.Context, op, key string, cond clientv3.Cmp, write clientv3.Op) (TxnResult, error) {
	get := clientv3.OpGet(key)
	resp, err := c.commitOps(ctx, op, keySubject(key), []clientv3.Cmp{cond}, []clientv3.Op{write, get}, []clientv3.Op{get})
	if err != nil {
		return TxnResult{}, err
	}
	res := TxnResult{Succeeded: resp.Succeeded, Revision: resp.Header.Revision}
	last := resp.Responses[len(resp.Responses)-1].GetResponseRange()
	if len(last.Kvs) > 0 {
		kv := fromPB(last.Kvs[0])
		res.KV = &kv
	}
	return res, nil
}

// CompareAndSwap sets key to newValue only if it currently holds oldValue.
func (c *Client) CompareAndSwap(ctx context.Context, key, oldValue, newValue string, opts ...PutOption) (TxnResult, error) {
	return c.conditionalWrite(ctx, "compare and swap", key,
		clientv3.Compare(clientv3.Value(key), "=", oldValue), putOp(key, newValue, opts))
}

// CreateIfNotExists writes key only if it does not exist.
func (c *Client) CreateIfNotExists(ctx context.Context, key, value string, opts ...PutOption) (TxnResult, error) {
	return c.conditionalWrite(ctx, "create", key,
		clientv3.Compare(clientv3.CreateRevision(key), "=", 0), putOp(key, value, opts))
}

// UpdateIfExists writes key only if it already exists.
func (c *Client) UpdateIfExists(ctx context.Context, key, value string, opts ...PutOption) (TxnResult, error) {
	return c.conditionalWrite(ctx, "update", key,
		clientv3.Compare(clientv3.CreateRevision(key), ">", 0), putOp(key, value, opts))
}

// PutIfModRevision writes key only if its mod revision is still modRev (0:
// only if it does not exist). This is the lost-update guard: read, decide,
// then write only if nobody wrote in between.
func (c *Client) PutIfModRevision(ctx context.Context, key, value string, modRev int64, opts ...PutOption) (TxnResult, error) {
	return c.conditionalWrite(ctx, "guarded put", key,
		clientv3.Compare(clientv3.ModRevision(key), "=", modRev), putOp(key, value, opts))
}

// DeleteIfModRevision deletes key only if its mod revision is still modRev.
func (c *Client) DeleteIfModRevision(ctx context.Context, key string, modRev int64) (TxnResult, error) {
	return c.conditionalWrite(ctx, "guarded delete", key,
		clientv3.Compare(clientv3.ModRevision(key), "=", modRev), clientv3.OpDelete(key))
}

// Op is one write of a batch, with an optional precondition.
type Op struct {
	Key    string
	Value  string
	Delete bool
	Lease  LeaseID
	// MustNotExist makes the batch fail if the key exists.
	MustNotExist bool
	// MaxModRevision, when > 0, makes the batch fail if the key was written
	// after that revision.
	MaxModRevision int64
}

func (o Op) guard() (clientv3.Cmp, bool) {
	switch {
	case o.MustNotExist:
		return clientv3.Compare(clientv3.CreateRevision(o.Key), "=", 0), true
	case o.MaxModRevision > 0:
		return clientv3.Compare(clientv3.ModRevision(o.Key), "<", o.MaxModRevision+1), true
	}
	return clientv3.Cmp{}, false
}

func (o Op) write() clientv3.Op {
	if o.Delete {
		return clientv3.OpDelete(o.Key)
	}
	if o.Lease != NoLease {
		return putOp(o.Key, o.Value, []PutOption{WithLease(o.Lease)})
	}
	return clientv3.OpPut(o.Key, o.Value)
}

// Commit applies ops atomically in one Txn and returns the new revision. If
// any precondition fails nothing is written and the error wraps
// ErrCompareFailed, naming the keys that changed. etcd limits a Txn to
// --max-txn-ops operations (128 by default); see CommitChunks.
func (c *Client) Commit(ctx context.Context, ops []Op) (int64, error) {
	if len(ops) == 0 {
		return 0, nil
	}
	var cmps []clientv3.Cmp
	var writes, reads []clientv3.Op
	var guarded []Op
	for _, o := range ops {
		writes = append(writes, o.write())
		if guard, ok := o.guard(); ok {
			cmps = append(cmps, guard)
			reads = append(reads, clientv3.OpGet(o.Key, clientv3.WithKeysOnly()))
			guarded = append(guarded, o)
		}
	}
	subject := batchSubject(ops)
	resp, err := c.commitOps(ctx, "commit", subject, cmps, writes, reads)
	if err != nil {
		return 0, err
	}
	if !resp.Succeeded {
		return 0, &Error{Op: "commit", Subject: subject, Kind: ErrCompareFailed, Err: changedKeys(guarded, resp)}
	}
	return resp.Header.Revision, nil
}

// CommitChunks applies ops in order, in transactions of at most maxOps ops
// (and compares, counting a fence's) and about maxBytes bytes of keys and
// values each (an op larger than maxBytes goes alone). Each transaction is atomic; the whole is not. It
// returns how many ops were committed, so that after an error the caller
// knows exactly which ops reached etcd (ops[:applied]).
//
// When ctx ends (the caller was stopped), the transaction already sent is
// still seen through, within the request timeout, so that its outcome is
// known; no further transaction starts, and the error wraps ctx's.
//
// A transaction that fails because etcd is unavailable (a leader change, a
// member going away) is retried within the request timeout. If the failed
// attempt did commit after all, the retry's preconditions fail; the chunk
// is then read back, and counts as committed when etcd holds exactly what it
// wrote. A chunk whose last attempt failed with an unknown outcome is read
// back the same way before CommitChunks reports it.
func (c *Client) CommitChunks(ctx context.Context, ops []Op, maxOps, maxBytes int) (applied int, rev int64, err error) {
	return c.commitChunks(ctx, ops, maxOps, maxBytes, c.Commit)
}

// CommitChunksOwned is CommitChunks for a writer that owns the whole range
// its ops lie in, such as an exclusive etcd_prefix: instead of one compare
// per op, each transaction carries one compare over the range its keys
// span, that no key there was written after revision since. The ops' own
// guards are not used. etcd evaluates one range compare much faster than a
// compare per key.
func (c *Client) CommitChunksOwned(ctx context.Context, ops []Op, maxOps, maxBytes int, since int64) (applied int, rev int64, err error) {
	return c.commitChunks(ctx, ops, maxOps, maxBytes, func(ctx context.Context, chunk []Op) (int64, error) {
		return c.commitOwned(ctx, chunk, since)
	})
}

// commitChunks commits ops chunk by chunk.
func (c *Client) commitChunks(ctx context.Context, ops []Op, maxOps, maxBytes int, commit func(context.Context, []Op) (int64, error)) (applied int, rev int64, err error) {
	if c.fence != nil {
		maxOps-- // the fence takes one of the transaction's compares
	}
	for applied < len(ops) {
		if err := ctx.Err(); err != nil {
			return applied, rev, c.wrap("commit", fmt.Sprintf("%d keys", len(ops)-applied), fmt.Errorf("stopped before the rest was sent: %w", err))
		}
		end := chunkEnd(ops, applied, maxOps, maxBytes)
		chunk := ops[applied:end]
		r, err := c.commitRetrying(context.WithoutCancel(ctx), chunk, commit)
		if err != nil && outcomeUnknown(err) {
			if r, ok := c.readBack(ctx, chunk); ok {
				return end, r, err
			}
		}
		if err != nil {
			return applied, rev, err
		}
		applied, rev = end, r
		if c.progress != nil {
			c.progress(applied, len(ops))
		}
	}
	return applied, rev, nil
}

// commitOwned commits ops in one transaction guarded by one range compare:
// no key between the smallest and the largest of ops was written after
// revision since.
func (c *Client) commitOwned(ctx context.Context, ops []Op, since int64) (int64, error) {
	if len(ops) == 0 {
		return 0, nil
	}
	first, last := ops[0].Key, ops[0].Key
	writes := make([]clientv3.Op, len(ops))
	for i, o := range ops {
		first, last = min(first, o.Key), max(last, o.Key)
		writes[i] = o.write()
	}
	end := last + "\x00"
	guard := clientv3.Compare(clientv3.ModRevision(first), "<", since+1).WithRange(end)
	changed := clientv3.OpGet(first, clientv3.WithRange(end), clientv3.WithMinModRev(since+1), clientv3.WithKeysOnly(), clientv3.WithLimit(changedShown))
	subject := batchSubject(ops)
	resp, err := c.commitOps(ctx, "commit", subject, []clientv3.Cmp{guard}, writes, []clientv3.Op{changed})
	if err != nil {
		return 0, err
	}
	if !resp.Succeeded {
		return 0, &Error{Op: "commit", Subject: subject, Kind: ErrCompareFailed, Err: changedSince(resp, since)}
	}
	return resp.Header.Revision, nil
}

// changedShown is how many changed keys an owned commit's failure names.
const changedShown = 9

func changedSince(resp *clientv3.TxnResponse, since int64) error {
	var changed []string
	for _, r := range resp.Responses {
		rr := r.GetResponseRange()
		for _, kv := range rr.GetKvs() {
			changed = append(changed, fmt.Sprintf("%q was written at revision %d, after revision %d", kv.Key, kv.ModRevision, since))
		}
		if more := rr.GetCount() - int64(len(rr.GetKvs())); more > 0 {
			changed = append(changed, fmt.Sprintf("%d more keys written after revision %d", more, since))
		}
	}
	return &ChangedKeysError{Changed: changed}
}

// outcomeUnknown reports whether a transaction that failed with err may
// have committed all the same.
func outcomeUnknown(err error) bool {
	return errors.Is(err, ErrUnavailable) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
}

// readBack reports whether etcd holds exactly what ops write, asking with
// a context of its own (the caller's may have ended).
func (c *Client) readBack(ctx context.Context, ops []Op) (int64, bool) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.cfg.RequestTimeout)
	defer cancel()
	return c.committedAlready(ctx, ops)
}

func (c *Client) commitRetrying(ctx context.Context, ops []Op, commit func(context.Context, []Op) (int64, error)) (int64, error) {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	ctx = requireLeader(ctx)
	tries := &attempts{c: c, ctx: ctx}
	backoff := 100 * time.Millisecond
	ambiguous := false
	for {
		attempt, cancelAttempt := tries.next()
		rev, err := commit(attempt, ops)
		timedOut := attemptTimedOut(ctx, attempt, err)
		cancelAttempt()
		switch {
		case err == nil:
			return rev, nil
		case ambiguous && errors.Is(err, ErrCompareFailed):
			if rev, ok := c.committedAlready(ctx, ops); ok {
				return rev, nil
			}
			return 0, err
		case timedOut: // a hung member, or a slow one: the guards make a retry safe
			ambiguous = true
			tries.timedOut()
			continue
		case !errors.Is(err, ErrUnavailable):
			return 0, err
		}
		ambiguous = true
		select {
		case <-ctx.Done():
			return 0, err
		case <-time.After(backoff):
			backoff = min(2*backoff, 2*time.Second)
		}
	}
}

// committedAlready reports whether etcd holds exactly what ops write, and
// the highest mod revision among the written keys.
func (c *Client) committedAlready(ctx context.Context, ops []Op) (int64, bool) {
	keys := make([]string, len(ops))
	for i, o := range ops {
		keys[i] = o.Key
	}
	got, err := c.GetMany(ctx, keys, len(keys))
	if err != nil {
		return 0, false
	}
	var rev int64
	for _, o := range ops {
		kv, exists := got[o.Key]
		if o.Delete != !exists || (exists && (string(kv.Value) != o.Value || kv.Lease != o.Lease)) {
			return 0, false
		}
		rev = max(rev, kv.ModRevision)
	}
	return rev, true
}

// chunkEnd returns the end of the chunk of ops that starts at start.
func chunkEnd(ops []Op, start, maxOps, maxBytes int) int {
	maxOps, maxBytes = max(maxOps, 1), max(maxBytes, 1)
	end, size := start, 0
	for end < len(ops) && end-start < maxOps {
		opSize := len(ops[end].Key) + len(ops[end].Value)
		if end > start && size+opSize > maxBytes {
			break
		}
		size += opSize
		end++
	}
	return end
}

func changedKeys(guarded []Op, resp *clientv3.TxnResponse) error {
	var changed []string
	for i, r := range resp.Responses {
		if i >= len(guarded) {
			break
		}
		o := guarded[i]
		kvs := r.GetResponseRange().Kvs
		switch {
		case o.MustNotExist && len(kvs) > 0:
			changed = append(changed, fmt.Sprintf("%q exists", o.Key))
		case o.MaxModRevision > 0 && len(kvs) > 0 && kvs[0].ModRevision > o.MaxModRevision:
			changed = append(changed, fmt.Sprintf("%q was written at revision %d, after revision %d", o.Key, kvs[0].ModRevision, o.MaxModRevision))
		}
	}
	return &ChangedKeysError{Changed: changed}
}

// ChangedKeysError lists the keys whose compare failed, each as `"/k" was
// written at revision 12, after revision 10` or `"/k" exists`. Errors
// wrapping ErrCompareFailed from Commit and CommitChunks hold one.
type ChangedKeysError struct {
	Changed []string
}

// Summary lists the first ten changes and how many more there are.
func (e *ChangedKeysError) Summary() string {
	const shown = 10
	changed, more := e.Changed, ""
	if len(changed) > shown {
		more = fmt.Sprintf(" and %d more", len(changed)-shown)
		changed = changed[:shown]
	}
	return strings.Join(changed, ", ") + more
}

func (e *ChangedKeysError) Error() string {
	if len(e.Changed) == 0 {
		return "nothing was written"
	}
	return e.Summary() + "; nothing was written"
}

func batchSubject(ops []Op) string {
	if len(ops) == 1 {
		return keySubject(ops[0].Key)
	}
	return fmt.Sprintf("%d keys from %q to %q", len(ops), ops[0].Key, ops[len(ops)-1].Key)
}

func rangeSubject(key, rangeEnd string) string {
	if rangeEnd == "" {
		return keySubject(key)
	}
	return fmt.Sprintf("range [%q, %q)", key, rangeEnd)
}
