package etcdclient

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// The maintenance operations etcdctl offers beside the keyspace: health
// gates, compaction, defragmentation, alarms and leadership. Snapshots are
// in snapshot.go.

// Alarm is an alarm a member raised, as `etcdctl alarm list` prints it.
type Alarm struct {
	MemberID uint64
	// Type is "NOSPACE" (the database reached its quota: etcd refuses
	// writes) or "CORRUPT" (a member's data differs from the others').
	Type string
}

// AlarmNoSpace is the Type of the alarm a member raises when its database
// reaches the backend quota.
const AlarmNoSpace = "NOSPACE"

func (a Alarm) String() string { return fmt.Sprintf("%s on member %s", a.Type, HexID(a.MemberID)) }

// RequireQuorum returns the cluster's status when it can be operated on:
// it has a leader and a majority of its voting members answer a quorum
// read (an active alarm does not count against it). With allMembers, every
// voting member must also answer, as an operation that takes members out
// one at a time or moves the leader needs. It fails with ErrNoQuorum or
// ErrMemberUnhealthy (both also ErrUnavailable), naming the members that
// do not answer and why.
func (c *Client) RequireQuorum(ctx context.Context, allMembers bool) (*ClusterStatus, error) {
	st, err := c.GetClusterStatus(ctx)
	if err != nil {
		return nil, err
	}
	subject := "cluster " + HexID(st.ClusterID)
	var down []string
	for _, m := range st.Members {
		if !m.IsLearner && !m.Serving {
			down = append(down, fmt.Sprintf("member %s (%s): %s", m.Name, HexID(m.ID), strings.Join(m.Errors, "; ")))
		}
	}
	switch {
	case !st.Quorum:
		detail := "no member reports a leader"
		if st.LeaderID != 0 {
			detail = "fewer than a majority of the voting members answer"
		}
		if len(down) > 0 {
			detail += ": " + strings.Join(down, ", ")
		}
		return st, &Error{Op: "check quorum", Subject: subject, Kind: ErrNoQuorum, Err: errors.New(detail)}
	case allMembers && len(down) > 0:
		return st, &Error{Op: "check member health", Subject: subject, Kind: ErrMemberUnhealthy, Err: errors.New(strings.Join(down, ", "))}
	}
	return st, nil
}

// Alarms lists the active alarms, as `etcdctl alarm list`, ordered by
// member and type.
func (c *Client) Alarms(ctx context.Context) ([]Alarm, error) {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	resp, err := c.raw.AlarmList(ctx)
	if err != nil {
		return nil, c.wrap("alarm list", "", err)
	}
	out := make([]Alarm, 0, len(resp.Alarms))
	for _, a := range resp.Alarms {
		out = append(out, Alarm{MemberID: a.MemberID, Type: a.Alarm.String()})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].MemberID != out[j].MemberID {
			return out[i].MemberID < out[j].MemberID
		}
		return out[i].Type < out[j].Type
	})
	return out, nil
}

// DisarmAlarm deactivates one alarm, as `etcdctl alarm disarm` does each.
func (c *Client) DisarmAlarm(ctx context.Context, a Alarm) error {
	typ, ok := pb.AlarmType_value[a.Type]
	if !ok || typ == int32(pb.AlarmType_NONE) || a.MemberID == 0 {
		return &Error{Op: "alarm disarm", Subject: a.String(), Kind: ErrInvalidArgument, Err: errors.New("name one member and an alarm type (NOSPACE or CORRUPT)")}
	}
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	_, err := c.raw.AlarmDisarm(ctx, &clientv3.AlarmMember{MemberID: a.MemberID, Alarm: pb.AlarmType(typ)})
	return c.wrap("alarm disarm", a.String(), err)
}

// Compact discards the history before revision rev, as `etcdctl compact`.
// With physical, it returns once the compaction has been applied to the
// backend on every member (etcdctl's --physical), so the space it frees
// can be reclaimed by Defragment; without, once etcd has accepted it.
// Compacting to a revision at or below the last compaction fails with
// ErrCompacted, and beyond the current revision with ErrFutureRevision.
func (c *Client) Compact(ctx context.Context, rev int64, physical bool) error {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	var opts []clientv3.CompactOption
	if physical {
		opts = append(opts, clientv3.WithCompactPhysical())
	}
	_, err := c.raw.Compact(ctx, rev, opts...)
	return c.wrap("compact", fmt.Sprintf("to revision %d", rev), err)
}

// Defragment defragments the backend of the member at endpoint, as
// `etcdctl defrag --endpoints=<endpoint>`: the member rewrites its
// database without the free pages compaction left and gives the space
// back to the file system. The member answers no request while it runs.
func (c *Client) Defragment(ctx context.Context, endpoint string) error {
	if err := c.checkOpen("defragment", "endpoint "+endpoint); err != nil {
		return err
	}
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	_, err := c.raw.Defragment(ctx, endpoint)
	return c.wrap("defragment", "endpoint "+endpoint, err)
}

// MoveLeader hands the leadership to the voting member transferee, as
// `etcdctl move-leader`: the request goes to the current leader, and
// returns once the transferee leads. Moving it to the leader itself does
// nothing.
func (c *Client) MoveLeader(ctx context.Context, transferee uint64) error {
	subject := "to member " + HexID(transferee)
	st, err := c.RequireQuorum(ctx, false)
	if err != nil {
		return err
	}
	if st.LeaderID == transferee {
		return nil
	}
	var leader *MemberStatus
	known := false
	for i, m := range st.Members {
		if m.ID == st.LeaderID {
			leader = &st.Members[i]
		}
		if m.ID == transferee {
			known = true
			if m.IsLearner {
				return &Error{Op: "move leader", Subject: subject, Kind: ErrInvalidArgument, Err: errors.New("the member is a learner, which cannot lead")}
			}
		}
	}
	if !known {
		return &Error{Op: "move leader", Subject: subject, Kind: ErrInvalidArgument, Err: errors.New("no such member in the cluster")}
	}
	if leader == nil || len(leader.ClientURLs) == 0 {
		return &Error{Op: "move leader", Subject: subject, Kind: ErrUnavailable, Err: errors.New("the leader has not published a client URL")}
	}
	single, err := c.cloneFor(leader.ClientURLs[0])
	if err != nil {
		return c.wrap("move leader", subject, err)
	}
	defer func() { _ = single.Close() }()
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	_, err = single.raw.MoveLeader(ctx, transferee)
	return c.wrap("move leader", subject, err)
}
