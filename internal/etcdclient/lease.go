package etcdclient

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// Lease is a granted lease.
type Lease struct {
	ID LeaseID
	// TTL is the granted time to live in seconds (etcd may round it up to
	// its minimum).
	TTL int64
}

// LeaseInfo is what etcd knows of a live lease.
type LeaseInfo struct {
	ID         LeaseID
	GrantedTTL int64
	// TTL is the remaining time to live in seconds.
	TTL  int64
	Keys []string
}

// KeepAliveResponse reports one renewal of a lease.
type KeepAliveResponse struct {
	ID  LeaseID
	TTL int64
}

// Hex returns the lease ID as etcdctl prints it.
func (id LeaseID) Hex() string { return strconv.FormatInt(int64(id), 16) }

// ParseLeaseID accepts a lease ID in decimal, or in hexadecimal as etcdctl
// prints it (with or without 0x). Decimal wins when both readings are valid,
// unless the text starts with 0x.
func ParseLeaseID(s string) (LeaseID, error) {
	s = strings.TrimSpace(s)
	if h, ok := strings.CutPrefix(strings.ToLower(s), "0x"); ok {
		return parseLeaseHex(h, s)
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n <= 0 {
			return 0, fmt.Errorf("lease ID %q must be positive", s)
		}
		return LeaseID(n), nil
	}
	return parseLeaseHex(s, s)
}

func parseLeaseHex(h, orig string) (LeaseID, error) {
	n, err := strconv.ParseInt(h, 16, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("lease ID %q is neither a positive decimal number nor hexadecimal as etcdctl prints it", orig)
	}
	return LeaseID(n), nil
}

// GrantLease creates a lease of ttl seconds, the unit etcd grants leases in.
func (c *Client) GrantLease(ctx context.Context, ttl int64) (*Lease, error) {
	if ttl <= 0 {
		return nil, &Error{Op: "grant lease", Kind: ErrInvalidArgument, Err: fmt.Errorf("ttl must be at least 1 second, got %d", ttl)}
	}
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	resp, err := c.raw.Grant(ctx, ttl)
	if err != nil {
		return nil, c.wrap("grant lease", fmt.Sprintf("with ttl %ds", ttl), err)
	}
	return &Lease{ID: LeaseID(resp.ID), TTL: resp.TTL}, nil
}

// ttlSeconds turns a TTL into the whole seconds etcd counts leases in,
// rounding up, so a lease never lives shorter than asked.
func ttlSeconds(op, subject string, ttl time.Duration) (int64, error) {
	if ttl < time.Second {
		return 0, &Error{Op: op, Subject: subject, Kind: ErrInvalidArgument, Err: fmt.Errorf("ttl must be at least 1s, got %v", ttl)}
	}
	return int64((ttl + time.Second - 1) / time.Second), nil
}

// PutWithTTL writes key attached to a new lease of ttl (rounded up to whole
// seconds, at least 1 s): the key disappears when the lease expires unless
// it is kept alive (see KeepAlive). The returned Lease's ID identifies it.
func (c *Client) PutWithTTL(ctx context.Context, key, value string, ttl time.Duration) (*Lease, error) {
	seconds, err := ttlSeconds("put with ttl", keySubject(key), ttl)
	if err != nil {
		return nil, err
	}
	lease, err := c.GrantLease(ctx, seconds)
	if err != nil {
		return nil, err
	}
	if _, err := c.PutRev(ctx, key, value, WithLease(lease.ID)); err != nil {
		// Do not leave an unused lease behind; its TTL would free it anyway.
		_ = c.RevokeLease(context.WithoutCancel(ctx), lease.ID)
		return nil, err
	}
	return lease, nil
}

// RevokeLease ends a lease now, deleting every key attached to it.
func (c *Client) RevokeLease(ctx context.Context, id LeaseID) error {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	_, err := c.raw.Revoke(ctx, clientv3.LeaseID(id))
	return c.wrap("revoke lease", leaseSubject(id), err)
}

// KeepAliveOnce renews a lease once and returns its new remaining TTL.
func (c *Client) KeepAliveOnce(ctx context.Context, id LeaseID) (int64, error) {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	resp, err := c.raw.KeepAliveOnce(ctx, clientv3.LeaseID(id))
	if err != nil {
		return 0, c.wrap("keep alive lease", leaseSubject(id), err)
	}
	return resp.TTL, nil
}

// KeepAlive renews a lease in the background, about every third of its TTL,
// until ctx ends, the lease is lost or the client is closed; every renewal
// is sent on the returned channel, which is closed then. Read the channel or
// renewals are dropped (renewing never waits for the reader).
func (c *Client) KeepAlive(ctx context.Context, id LeaseID) (<-chan KeepAliveResponse, error) {
	if err := c.checkOpen("keep alive lease", leaseSubject(id)); err != nil {
		return nil, err
	}
	raw, err := c.raw.KeepAlive(ctx, clientv3.LeaseID(id))
	if err != nil {
		return nil, c.wrap("keep alive lease", leaseSubject(id), err)
	}
	out := make(chan KeepAliveResponse, 1)
	go func() {
		defer close(out)
		for r := range raw {
			select {
			case out <- KeepAliveResponse{ID: LeaseID(r.ID), TTL: r.TTL}:
			default:
			}
		}
	}()
	return out, nil
}

// GetLeaseInfo returns a lease's granted and remaining TTL and its keys. An
// expired or unknown lease gives ErrLeaseNotFound.
func (c *Client) GetLeaseInfo(ctx context.Context, id LeaseID) (*LeaseInfo, error) {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	resp, err := c.raw.TimeToLive(ctx, clientv3.LeaseID(id), clientv3.WithAttachedKeys())
	if err != nil {
		return nil, c.wrap("get lease", leaseSubject(id), err)
	}
	if resp.TTL < 0 {
		return nil, &Error{Op: "get lease", Subject: leaseSubject(id), Kind: ErrLeaseNotFound}
	}
	info := &LeaseInfo{ID: id, GrantedTTL: resp.GrantedTTL, TTL: resp.TTL}
	for _, k := range resp.Keys {
		info.Keys = append(info.Keys, string(k))
	}
	return info, nil
}

// ListLeases returns the IDs of all live leases.
func (c *Client) ListLeases(ctx context.Context) ([]LeaseID, error) {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	resp, err := c.raw.Leases(ctx)
	if err != nil {
		return nil, c.wrap("list leases", "", err)
	}
	ids := make([]LeaseID, 0, len(resp.Leases))
	for _, l := range resp.Leases {
		ids = append(ids, LeaseID(l.ID))
	}
	return ids, nil
}
