package etcdclient

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// MemberStatus is one member of the cluster as the cluster lists it, with
// what its own endpoint reports. A member that cannot be reached has
// Healthy false and the reason in Errors.
type MemberStatus struct {
	ID         uint64
	Name       string
	PeerURLs   []string
	ClientURLs []string
	IsLeader   bool
	IsLearner  bool
	Healthy    bool
	// Version is the etcd server version the member runs.
	Version string
	// DBSize is the backend database size in bytes; DBSizeInUse the part
	// holding live data.
	DBSize      int64
	DBSizeInUse int64
	// DBSizeQuota is the member's backend quota in bytes as etcd 3.6 and
	// later report it (negative: no quota); 0 when the member does not say
	// (etcd 3.4 and 3.5).
	DBSizeQuota int64
	// Serving is true when the member answered its status and a quorum
	// read through it succeeded. Unlike Healthy, an active alarm does not
	// make it false.
	Serving   bool
	RaftTerm  uint64
	RaftIndex uint64
	Revision  int64
	Errors    []string
}

// ClusterStatus describes the cluster.
type ClusterStatus struct {
	ClusterID uint64
	// LeaderID is 0 when no member reports a leader.
	LeaderID uint64
	// Revision is the highest store revision any member reported.
	Revision int64
	// Healthy is true when there is a leader and a majority of the voting
	// members answered a quorum read.
	Healthy bool
	// Quorum is true when there is a leader and a majority of the voting
	// members are Serving: alarms aside, the cluster can commit writes.
	Quorum  bool
	Members []MemberStatus
}

// EndpointHealth is the result of a quorum read against one endpoint, as
// `etcdctl endpoint health` does it.
type EndpointHealth struct {
	Endpoint string
	Healthy  bool
	Took     time.Duration
	Error    string
}

// HexID formats a member or cluster ID as etcdctl prints it.
func HexID(id uint64) string { return strconv.FormatUint(id, 16) }

// GetClusterStatus lists the members and asks each one, in parallel, for its
// status and a quorum read. The member list is a serializable read, so it
// works while some members, or the quorum, are down.
func (c *Client) GetClusterStatus(ctx context.Context) (*ClusterStatus, error) {
	lctx, cancel := c.withTimeout(ctx)
	resp, err := c.raw.MemberList(lctx, clientv3.WithSerializable())
	cancel()
	if err != nil {
		return nil, c.wrap("member list", "endpoints "+strings.Join(c.cfg.Endpoints, ","), err)
	}
	st := &ClusterStatus{ClusterID: resp.Header.ClusterId, Members: make([]MemberStatus, len(resp.Members))}
	var wg sync.WaitGroup
	for i, m := range resp.Members {
		st.Members[i] = MemberStatus{ID: m.ID, Name: m.Name, PeerURLs: m.PeerURLs, ClientURLs: m.ClientURLs, IsLearner: m.IsLearner}
		wg.Add(1)
		go func(ms *MemberStatus) {
			defer wg.Done()
			c.probeMember(ctx, ms)
		}(&st.Members[i])
	}
	wg.Wait()
	st.summarize()
	return st, nil
}

func (st *ClusterStatus) summarize() {
	voters, healthy, serving := 0, 0, 0
	for _, m := range st.Members {
		if m.Revision > st.Revision {
			st.Revision = m.Revision
		}
		if m.IsLeader {
			st.LeaderID = m.ID
		}
		if !m.IsLearner {
			voters++
			if m.Healthy {
				healthy++
			}
			if m.Serving {
				serving++
			}
		}
	}
	st.Healthy = st.LeaderID != 0 && healthy > voters/2
	st.Quorum = st.LeaderID != 0 && serving > voters/2
	sort.Slice(st.Members, func(i, j int) bool { return st.Members[i].Name < st.Members[j].Name })
}

func (c *Client) probeMember(ctx context.Context, m *MemberStatus) {
	if len(m.ClientURLs) == 0 {
		m.Errors = append(m.Errors, "the member has not published client URLs (not started yet?)")
		return
	}
	ep := m.ClientURLs[0]
	if err := c.dialable(ep); err != nil {
		m.Errors = append(m.Errors, err.Error())
		return
	}
	// A hung member is reported, not waited on for the whole request timeout.
	sctx, cancel := context.WithTimeout(ctx, c.attemptTimeout())
	st, err := c.raw.Status(sctx, ep)
	cancel()
	if err != nil {
		m.Errors = append(m.Errors, fmt.Sprintf("status of %s: %v", ep, err))
		return
	}
	m.Version, m.DBSize, m.DBSizeInUse, m.DBSizeQuota = st.Version, st.DbSize, st.DbSizeInUse, st.DbSizeQuota
	m.RaftTerm, m.RaftIndex, m.Revision = st.RaftTerm, st.RaftIndex, st.Header.Revision
	m.IsLeader = st.Leader == m.ID
	m.Errors = append(m.Errors, st.Errors...)
	h := c.quorumRead(ctx, ep) // dialable already checked above
	m.Serving = h.Healthy
	m.Healthy = h.Healthy && len(st.Errors) == 0
	if h.Error != "" {
		m.Errors = append(m.Errors, h.Error)
	}
}

// dialable fails fast when nothing listens at the endpoint, where a gRPC
// call would retry until its deadline.
func (c *Client) dialable(ep string) error {
	host := ep
	if u, perr := url.Parse(ep); perr == nil && u.Host != "" {
		host = u.Host
	}
	if !hasPort(host) {
		return nil // a unix socket or a host without port: let the gRPC call judge it
	}
	conn, err := net.DialTimeout("tcp", host, c.cfg.DialTimeout)
	if err != nil {
		return fmt.Errorf("cannot connect to %s: %w", ep, err)
	}
	return conn.Close()
}

func hasPort(hostPort string) bool {
	_, _, err := net.SplitHostPort(hostPort)
	return err == nil
}

// HealthCheck makes a quorum read through each configured endpoint, in
// parallel. An endpoint is healthy when the read succeeds, or is refused
// only for lack of permission (the cluster answered).
func (c *Client) HealthCheck(ctx context.Context) ([]EndpointHealth, error) {
	if err := c.checkOpen("health check", "endpoints "+strings.Join(c.cfg.Endpoints, ",")); err != nil {
		return nil, err
	}
	out := make([]EndpointHealth, len(c.cfg.Endpoints))
	var wg sync.WaitGroup
	for i, ep := range c.cfg.Endpoints {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = c.checkEndpoint(ctx, ep)
		}()
	}
	wg.Wait()
	for _, h := range out {
		if !h.Healthy {
			return out, &Error{Op: "health check", Subject: "endpoint " + h.Endpoint, Kind: ErrUnavailable, Err: errors.New(h.Error)}
		}
	}
	return out, nil
}

func (c *Client) checkEndpoint(ctx context.Context, ep string) EndpointHealth {
	if err := c.dialable(ep); err != nil {
		return EndpointHealth{Endpoint: ep, Error: err.Error()}
	}
	return c.quorumRead(ctx, ep)
}

// quorumRead makes a linearizable read through ep alone.
func (c *Client) quorumRead(ctx context.Context, ep string) EndpointHealth {
	h := EndpointHealth{Endpoint: ep}
	single, err := c.cloneFor(ep)
	if err != nil {
		h.Error = err.Error()
		return h
	}
	defer func() { _ = single.Close() }()
	start := time.Now()
	_, err = single.Get(ctx, "health")
	h.Took = time.Since(start)
	if err == nil || errors.Is(err, ErrKeyNotFound) || errors.Is(err, ErrPermissionDenied) {
		h.Healthy = true
		return h
	}
	h.Error = err.Error()
	return h
}

// cloneFor returns a client with c's settings talking to ep only.
func (c *Client) cloneFor(ep string) (*Client, error) {
	cfg := c.cfg
	cfg.Endpoints = []string{ep}
	return New(&cfg)
}

// CompactHistory discards the history before revision rev and waits until
// the compaction is applied, so reads before rev then fail with ErrCompacted.
func (c *Client) CompactHistory(ctx context.Context, rev int64) error {
	return c.Compact(ctx, rev, true)
}
