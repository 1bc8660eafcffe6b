package etcdclient_test

import (
	"slices"
	"testing"
	"time"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
)

// A learner whose daemon never starts is listed without name or client
// URLs, cannot be promoted, has its peer URLs updated, and is removed.
func TestMemberLearnerLifecycle(t *testing.T) {
	t.Parallel()
	_, c := ownServer(t)
	ctx := t.Context()
	peer := "http://" + closedPort(t)
	added, err := c.AddMember(ctx, []string{peer}, true)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.GetMember(ctx, added.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.IsLearner || got.Name != "" || len(got.ClientURLs) != 0 || !slices.Equal(got.PeerURLs, []string{peer}) {
		t.Fatalf("the added learner is listed as %+v", got)
	}
	expectErr(t, c.PromoteMember(ctx, added.ID), etcdclient.ErrLearnerNotReady, "promote member "+etcdclient.HexID(added.ID))

	moved := "http://" + closedPort(t)
	if err := c.UpdateMemberPeerURLs(ctx, added.ID, []string{moved}); err != nil {
		t.Fatal(err)
	}
	// etcd 3.4 lists the learner as a voting member after the update.
	drops, err := c.UpdateDropsLearnerFlag(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, err = c.GetMember(ctx, added.ID); err != nil || !slices.Equal(got.PeerURLs, []string{moved}) || got.IsLearner == drops {
		t.Fatalf("after the update the member is %+v (%v); UpdateDropsLearnerFlag = %v", got, err, drops)
	}
	if err := c.RemoveMember(ctx, added.ID); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetMember(ctx, added.ID)
	expectErr(t, err, etcdclient.ErrMemberNotFound, etcdclient.HexID(added.ID))
	expectErr(t, c.RemoveMember(ctx, added.ID), etcdclient.ErrMemberNotFound)
	if id, err := etcdclient.ParseHexID(etcdclient.HexID(added.ID)); err != nil || id != added.ID {
		t.Fatalf("ParseHexID(HexID(%d)) = %d, %v", added.ID, id, err)
	}
}

// After MoveLeader, LeaderID and MemberProgressAt report the new leader.
func TestMemberLeaderAndProgress(t *testing.T) {
	t.Parallel()
	cluster := etcdtest.NewCluster(t, 3)
	c := etcdtest.Client(t, cluster.ClientConfig())
	ctx := t.Context()
	leader, follower := cluster.Members[cluster.Leader()], cluster.Members[cluster.Follower()]
	if id, err := c.LeaderID(ctx); err != nil || id != leader.ID() {
		t.Fatalf("LeaderID = %x, %v; want %x", id, err, leader.ID())
	}
	if err := c.MoveLeader(ctx, follower.ID()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, func() string {
		if !follower.IsLeader() {
			return "the follower does not lead"
		}
		return ""
	})
	p, err := c.MemberProgressAt(ctx, follower.Endpoints[0])
	if err != nil || p.Leader != follower.ID() || p.AppliedIndex == 0 || p.Revision == 0 {
		t.Fatalf("MemberProgressAt = %+v, %v", p, err)
	}
}

// The same peer URLs added again right after their member was removed get
// a new member (etcd 3.4 would give them the removed ID within the same
// second).
func TestMemberAddAgainAfterRemoval(t *testing.T) {
	t.Parallel()
	_, c := ownServer(t)
	ctx := t.Context()
	peer := []string{"http://" + closedPort(t)}
	for range 3 {
		added, err := c.AddMember(ctx, peer, true)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.RemoveMember(ctx, added.ID); err != nil {
			t.Fatal(err)
		}
	}
}

// A member removed through a client that knows only that member's endpoint
// is removed without error: the request goes to the other members, and
// the member list (asked through them) no longer has it. The race it
// guards against (the member stopping before it answers) is not forced
// here: the embedded member usually answers first.
func TestMemberRemoveThroughItsOwnEndpoint(t *testing.T) {
	t.Parallel()
	cluster := etcdtest.NewCluster(t, 3)
	for _, target := range []*etcdtest.Server{cluster.Members[cluster.Follower()], cluster.Members[cluster.Leader()]} {
		cfg := cluster.ClientConfig()
		cfg.Endpoints = target.Endpoints
		c := etcdtest.Client(t, cfg)
		if err := c.RemoveMember(t.Context(), target.ID()); err != nil {
			t.Fatalf("removing %s through its own endpoint: %v", target.Name, err)
		}
		var rest []string
		for _, m := range cluster.Members {
			if m != target && m.Running() {
				rest = append(rest, m.Endpoints...)
			}
		}
		cfg.Endpoints = rest
		members, err := etcdtest.Client(t, cfg).ListMembers(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if slices.ContainsFunc(members, func(m etcdclient.Member) bool { return m.ID == target.ID() }) {
			t.Fatalf("%s is still listed: %+v", target.Name, members)
		}
	}
}
