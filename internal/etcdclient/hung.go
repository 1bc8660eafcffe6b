package etcdclient

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

// A hung member (a stalled disk, a process frozen by its host, a path that
// drops packets) keeps its connection open and never answers. gRPC notices
// only after its keepalive (at least 10 s), and clientv3 keeps sending every
// third request there meanwhile. So reads and chunked writes get attempts
// shorter than the request timeout: when one times out, every endpoint is
// probed, those that do not answer are left out of the client's endpoints,
// and the request is tried again on the others.

// Defaults for the connection keepalive, as etcdctl's.
const (
	DefaultKeepAliveTime    = 10 * time.Second // gRPC's minimum
	DefaultKeepAliveTimeout = 6 * time.Second
)

// attemptTimeout is how long one attempt of a retryable request may take
// before the endpoints are probed: a quarter of the request timeout, within
// [500 ms, 2 s].
func (c *Client) attemptTimeout() time.Duration {
	return min(max(c.cfg.RequestTimeout/4, 500*time.Millisecond), 2*time.Second)
}

// attempts hands out the contexts of successive attempts of one request
// bounded by ctx.
type attempts struct {
	c       *Client
	ctx     context.Context
	patient bool // the endpoints all answer: the cluster is slow, not hung
}

// next bounds the next attempt: attemptTimeout, or all the time that is
// left once the cluster is known to be slow or little time remains.
func (a *attempts) next() (context.Context, context.CancelFunc) {
	d := a.c.attemptTimeout()
	if deadline, ok := a.ctx.Deadline(); a.patient || ok && time.Until(deadline) < 2*d {
		return context.WithCancel(a.ctx)
	}
	return context.WithTimeout(a.ctx, d)
}

// timedOut handles an attempt that ran out of its time: hung endpoints are
// left out, or, when every endpoint answers, later attempts get all the
// time that is left.
func (a *attempts) timedOut() {
	if !a.c.avoidHung(a.ctx) {
		a.patient = true
	}
}

// attemptTimedOut reports whether an attempt failed by running out of its
// own time while the request as a whole still has some.
func attemptTimedOut(ctx, attempt context.Context, err error) bool {
	return err != nil && ctx.Err() == nil && errors.Is(attempt.Err(), context.DeadlineExceeded)
}

// retryReads is a gRPC interceptor that gives read-only requests attempts
// of their own (see attemptTimeout) and asks that the member serving a key
// read have a leader, so that a member cut off from the cluster
// fails at once rather than hang or answer stale.
func (c *Client) retryReads(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	if !readOnly(method, req) {
		return invoker(ctx, method, req, reply, cc, opts...)
	}
	if _, member := req.(*pb.MemberListRequest); !member { // member lists are read without a leader
		ctx = requireLeader(ctx)
	}
	tries := &attempts{c: c, ctx: ctx}
	for {
		attempt, cancel := tries.next()
		err := invoker(attempt, method, req, reply, cc, opts...)
		timedOut := attemptTimedOut(ctx, attempt, err)
		cancel()
		if !timedOut {
			return err
		}
		tries.timedOut()
	}
}

func readOnly(method string, req any) bool {
	switch r := req.(type) {
	case *pb.RangeRequest, *pb.MemberListRequest:
		return true
	case *pb.TxnRequest:
		return method == "/etcdserverpb.KV/Txn" && txnReadOnly(r)
	}
	return false
}

func txnReadOnly(r *pb.TxnRequest) bool {
	for _, ops := range [][]*pb.RequestOp{r.Success, r.Failure} {
		for _, op := range ops {
			if op.GetRequestRange() == nil {
				return false
			}
		}
	}
	return true
}

func requireLeader(ctx context.Context) context.Context {
	return metadata.AppendToOutgoingContext(ctx, rpctypes.MetadataRequireLeaderKey, rpctypes.MetadataHasLeader)
}

// avoidHung probes every endpoint the client still uses and leaves out
// those that do not answer within an attempt's time, keeping at least one.
// It reports whether a retry may now go elsewhere.
func (c *Client) avoidHung(ctx context.Context) bool {
	c.hung.mu.Lock()
	defer c.hung.mu.Unlock()
	current := c.raw.Endpoints()
	answered := c.probe(ctx, current)
	if len(answered) == 0 || len(answered) == len(current) {
		return false
	}
	for _, ep := range current {
		if !slices.Contains(answered, ep) {
			c.hung.endpoints = append(c.hung.endpoints, ep)
		}
	}
	c.raw.SetEndpoints(answered...)
	return true
}

// probe returns the endpoints that answer a status request in time. The
// request carries none of the caller's metadata: a member that has lost
// its leader still answers a status request, and is not hung.
func (c *Client) probe(ctx context.Context, endpoints []string) []string {
	ctx, cancel := context.WithTimeout(metadata.NewOutgoingContext(ctx, nil), c.attemptTimeout())
	defer cancel()
	ok := make([]bool, len(endpoints))
	var wg sync.WaitGroup
	for i, ep := range endpoints {
		wg.Go(func() {
			_, err := c.raw.Status(ctx, ep)
			ok[i] = err == nil
		})
	}
	wg.Wait()
	var answered []string
	for i, ep := range endpoints {
		if ok[i] {
			answered = append(answered, ep)
		}
	}
	return answered
}

// hungNote names the endpoints left out as hung, for error messages.
func (c *Client) hungNote() string {
	c.hung.mu.Lock()
	defer c.hung.mu.Unlock()
	if len(c.hung.endpoints) == 0 {
		return ""
	}
	return fmt.Sprintf("; endpoints that stopped answering and were left out: %s", strings.Join(c.hung.endpoints, ","))
}

// hungEndpoints are the endpoints a client left out; shared with the
// copies WithFence makes.
type hungEndpoints struct {
	mu        sync.Mutex
	endpoints []string
}
