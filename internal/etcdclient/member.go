package etcdclient

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.etcd.io/etcd/api/v3/etcdserverpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// Membership errors.
var (
	ErrMemberNotFound = errors.New("member not found")
	// ErrLearnerNotReady: etcd refused to promote a learner that has not
	// caught up with the leader yet.
	ErrLearnerNotReady = errors.New("the learner has not caught up with the leader yet")
)

// Member is one member of the cluster as the member list shows it. A member
// added but not started yet has no name and no client URLs.
type Member struct {
	ID         uint64
	Name       string
	PeerURLs   []string
	ClientURLs []string
	IsLearner  bool
}

func memberSubject(id uint64) string { return "member " + HexID(id) }

func memberFrom(m *etcdserverpb.Member) Member {
	return Member{ID: m.ID, Name: m.Name, PeerURLs: m.PeerURLs, ClientURLs: m.ClientURLs, IsLearner: m.IsLearner}
}

// ParseHexID reads a member ID as etcdctl prints it (hexadecimal).
func ParseHexID(s string) (uint64, error) { return strconv.ParseUint(s, 16, 64) }

// ListMembers returns the members of the cluster.
func (c *Client) ListMembers(ctx context.Context) ([]Member, error) {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	resp, err := c.raw.MemberList(ctx)
	if err != nil {
		return nil, c.wrapMember("member list", "endpoints "+strings.Join(c.cfg.Endpoints, ","), err)
	}
	out := make([]Member, len(resp.Members))
	for i, m := range resp.Members {
		out[i] = memberFrom(m)
	}
	return out, nil
}

// GetMember returns the member with the ID, or ErrMemberNotFound.
func (c *Client) GetMember(ctx context.Context, id uint64) (*Member, error) {
	members, err := c.ListMembers(ctx)
	if err != nil {
		return nil, err
	}
	for i := range members {
		if members[i].ID == id {
			return &members[i], nil
		}
	}
	return nil, &Error{Op: "get", Subject: memberSubject(id), Kind: ErrMemberNotFound}
}

// AddMember adds a member with the peer URLs, as a learner when learner is
// true. It does not wait for the member's daemon, which can only start
// (with --initial-cluster-state existing) once it is added.
func (c *Client) AddMember(ctx context.Context, peerURLs []string, learner bool) (*Member, error) {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	add := c.raw.MemberAdd
	if learner {
		add = c.raw.MemberAddAsLearner
	}
	var resp *clientv3.MemberAddResponse
	err := retryUnhealthy(ctx, func() (err error) {
		resp, err = add(ctx, peerURLs)
		if isRemovedID(err) {
			// etcd 3.4 derives the new member's ID from its peer URLs and the
			// time in seconds: the same URLs added again within the second
			// their member was removed get the removed ID, which etcd
			// refuses. A second later the ID is new.
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
				resp, err = add(ctx, peerURLs)
			}
		}
		return err
	})
	if err != nil {
		return nil, c.wrapMember("add member", "with peer URLs "+strings.Join(peerURLs, ","), err)
	}
	m := memberFrom(resp.Member)
	return &m, nil
}

// PromoteMember makes a learner a voting member. etcd refuses, with
// ErrLearnerNotReady, while the learner is behind the leader.
func (c *Client) PromoteMember(ctx context.Context, id uint64) error {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	err := retryUnhealthy(ctx, func() error {
		_, err := c.raw.MemberPromote(ctx, id)
		return err
	})
	return c.wrapMember("promote", memberSubject(id), err)
}

// UpdateMemberPeerURLs replaces the member's peer URLs.
func (c *Client) UpdateMemberPeerURLs(ctx context.Context, id uint64, peerURLs []string) error {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	_, err := c.raw.MemberUpdate(ctx, id, peerURLs)
	return c.wrapMember("update", memberSubject(id), err)
}

// RemoveMember removes the member from the cluster. It asks the other
// members when the configured endpoints include them: a member asked to
// remove itself stops as it applies the removal, and its answer is then
// "server stopped" although the removal happened. An error whose answer
// was lost that way is checked against the member list.
func (c *Client) RemoveMember(ctx context.Context, id uint64) error {
	via, err := c.clientAvoiding(ctx, id)
	if err != nil {
		return err
	}
	if via != c {
		defer func() { _ = via.Close() }()
	}
	rctx, cancel := c.withTimeout(ctx)
	defer cancel()
	err = retryUnhealthy(rctx, func() error {
		_, err := via.raw.MemberRemove(rctx, id)
		return err
	})
	err = c.wrapMember("remove", memberSubject(id), err)
	if err == nil || errors.Is(err, ErrMemberNotFound) || errors.Is(err, ErrInvalidArgument) {
		return err
	}
	if _, gerr := via.GetMember(ctx, id); errors.Is(gerr, ErrMemberNotFound) {
		return nil
	}
	return err
}

// endpointHost is the host:port of an endpoint given as a URL or bare.
func endpointHost(ep string) string {
	if u, err := url.Parse(ep); err == nil && u.Host != "" {
		return u.Host
	}
	return ep
}

// clientAvoiding is a client of c's endpoints without those of member id,
// or of the other members' client URLs when c has no other endpoint; c
// itself when the member is unknown or nothing else can be reached.
func (c *Client) clientAvoiding(ctx context.Context, id uint64) (*Client, error) {
	members, err := c.ListMembers(ctx)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(members, func(m Member) bool { return m.ID == id })
	if i < 0 {
		return c, nil
	}
	isTarget := func(ep string) bool {
		return slices.ContainsFunc(members[i].ClientURLs, func(u string) bool { return endpointHost(u) == endpointHost(ep) })
	}
	others := slices.DeleteFunc(slices.Clone(c.cfg.Endpoints), isTarget)
	if len(others) == len(c.cfg.Endpoints) {
		return c, nil
	}
	if len(others) == 0 {
		for j, m := range members {
			if j != i && !m.IsLearner {
				others = append(others, m.ClientURLs...)
			}
		}
	}
	if len(others) == 0 {
		return c, nil
	}
	cfg := c.cfg
	cfg.Endpoints = others
	return New(&cfg)
}

// MemberProgress is how far a member is, as its own Status RPC says.
type MemberProgress struct {
	AppliedIndex uint64
	Revision     int64
	Leader       uint64
	// Version is the etcd server version the member runs.
	Version string
}

// MemberProgressAt asks the member serving clientURL for its progress.
func (c *Client) MemberProgressAt(ctx context.Context, clientURL string) (*MemberProgress, error) {
	if err := c.dialable(clientURL); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, c.attemptTimeout())
	defer cancel()
	st, err := c.raw.Status(ctx, clientURL)
	if err != nil {
		return nil, c.wrap("status", "of "+clientURL, err)
	}
	applied := st.RaftAppliedIndex
	if applied == 0 { // servers before 3.4 do not report it
		applied = st.RaftIndex
	}
	return &MemberProgress{AppliedIndex: applied, Revision: st.Header.Revision, Leader: st.Leader, Version: st.Version}, nil
}

func (c *Client) wrapMember(op, subject string, err error) error {
	if err == nil {
		return nil
	}
	switch {
	case errors.Is(err, rpctypes.ErrMemberNotFound) || strings.Contains(err.Error(), "member not found"):
		return &Error{Op: op, Subject: subject, Kind: ErrMemberNotFound, Err: err}
	case errors.Is(err, rpctypes.ErrMemberLearnerNotReady) || strings.Contains(err.Error(), "in sync with leader"):
		return &Error{Op: op, Subject: subject, Kind: ErrLearnerNotReady, Err: err}
	case errors.Is(err, rpctypes.ErrPeerURLExist), errors.Is(err, rpctypes.ErrMemberNotLearner),
		errors.Is(err, rpctypes.ErrTooManyLearners), errors.Is(err, rpctypes.ErrMemberBadURLs):
		return &Error{Op: op, Subject: subject, Kind: ErrInvalidArgument, Err: err}
	}
	return c.wrap(op, subject, err)
}

// FormatLag describes how far a learner is behind the leader.
func FormatLag(learner, leader *MemberProgress) string {
	return fmt.Sprintf("applied raft index %d of the leader's %d, revision %d of the leader's %d",
		learner.AppliedIndex, leader.AppliedIndex, learner.Revision, leader.Revision)
}

// UpdateDropsLearnerFlag reports whether the servers behind the configured
// endpoints are etcd 3.4, whose `member update` turns a learner into a
// voting member in the member list (3.5 and later keep it a learner). It
// asks the first endpoint that answers; an error when none does.
func (c *Client) UpdateDropsLearnerFlag(ctx context.Context) (bool, error) {
	p, err := c.firstProgress(ctx, func(*MemberProgress) bool { return true })
	if p == nil {
		return false, err
	}
	return strings.HasPrefix(p.Version, "3.4.") || strings.HasPrefix(p.Version, "3.3."), nil
}

// LeaderID asks the configured endpoints, in turn, which member leads; 0
// when none answers or none knows a leader.
func (c *Client) LeaderID(ctx context.Context) (uint64, error) {
	p, err := c.firstProgress(ctx, func(p *MemberProgress) bool { return p.Leader != 0 })
	if p == nil {
		return 0, err
	}
	return p.Leader, nil
}

// firstProgress asks the configured endpoints in turn for their progress
// and returns the first answer that ok accepts; nil and the last error
// when none does.
func (c *Client) firstProgress(ctx context.Context, ok func(*MemberProgress) bool) (*MemberProgress, error) {
	var last error
	for _, ep := range c.cfg.Endpoints {
		p, err := c.MemberProgressAt(ctx, ep)
		if err != nil {
			last = err
			continue
		}
		if ok(p) {
			return p, nil
		}
	}
	return nil, last
}

func isRemovedID(err error) bool {
	return err != nil && (errors.Is(err, rpctypes.ErrMemberNotFound) || strings.Contains(err.Error(), "member not found") ||
		strings.Contains(err.Error(), "ID removed"))
}

// retryUnhealthy retries op while etcd answers "unhealthy cluster": with
// its strict reconfiguration check (the default) etcd refuses membership
// changes until every member has been connected for a few seconds, as
// just after a member started or restarted. It gives up when ctx ends.
func retryUnhealthy(ctx context.Context, op func() error) error {
	for {
		err := op()
		if !errors.Is(err, rpctypes.ErrUnhealthy) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(500 * time.Millisecond):
		}
	}
}
