package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
)

// memberCluster starts n etcd daemons (ETCD_TEST_SERVER_BIN, or the etcd on
// PATH: Debian's 3.4 under make test-acc) and a client that reaches them.
func memberCluster(t *testing.T, n int) (*etcdtest.ProcessCluster, string, etcdclient.Config, *etcdclient.Client) {
	t.Helper()
	bin := etcdtest.DaemonBin(t)
	cluster := etcdtest.NewProcessCluster(t, bin, n)
	cfg := cluster.ClientConfig()
	return cluster, bin, cfg, etcdtest.Client(t, cfg)
}

func memberConfig(cfg etcdclient.Config, name string, peerURLs []string, extra string) string {
	return providerConfig(cfg) + fmt.Sprintf(`
resource "etcd_member" "test" {
  name      = %q
  peer_urls = [%s]
%s}
`, name, quoteList(peerURLs), extra)
}

// writer keeps writing keys until stopped, counting the
// writes etcd accepted and keeping every refusal.
type writer struct {
	ok     atomic.Int64
	mu     sync.Mutex
	failed []error
	stop   chan struct{}
	done   chan struct{}
}

// startWriter starts a writer through the endpoints of cfg. It waits for each write as long as etcdctl does by default (5 s): a
// leadership hand-over pauses writes for about an election, which an
// application sees as latency, not as a refusal. A write that fails is
// tried once more, as applications retry: etcd 3.4 drops a proposal that
// reaches the leader while it hands leadership over, and the write that
// carried it only times out (seen in CI). A lost quorum refuses the retry
// too.
func startWriter(t *testing.T, cfg etcdclient.Config) *writer {
	cfg.RequestTimeout = 5 * time.Second
	client := etcdtest.Client(t, cfg)
	w := &writer{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for i := 0; ; i++ {
			select {
			case <-w.stop:
				return
			default:
			}
			put := func() error {
				return client.Put(context.Background(), fmt.Sprintf("/member-writer/%d", i%100), fmt.Sprint(i))
			}
			err := put()
			if err != nil {
				err = put()
			}
			if err != nil {
				w.mu.Lock()
				w.failed = append(w.failed, err)
				w.mu.Unlock()
			} else {
				w.ok.Add(1)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	t.Cleanup(w.finish)
	return w
}

func (w *writer) finish() {
	select {
	case <-w.stop:
	default:
		close(w.stop)
	}
	<-w.done
}

// expectNoRefusedWrite stops the writer and fails the test on any refused write.
func (w *writer) expectNoRefusedWrite(t *testing.T) {
	t.Helper()
	w.finish()
	t.Logf("the writer made %d writes during the membership changes", w.ok.Load())
	if len(w.failed) > 0 {
		t.Fatalf("%d of %d writes were refused, the first: %v", len(w.failed), int64(len(w.failed))+w.ok.Load(), w.failed[0])
	}
	if w.ok.Load() == 0 {
		t.Fatal("the writer made no write")
	}
}

// expectMemberAsState checks that etcd's member list holds the member the
// state of etcd_member.test describes, with its learner flag and peer URLs,
// and that the cluster has want members.
func expectMemberAsState(client *etcdclient.Client, want int) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources["etcd_member.test"]
		if !ok {
			return errors.New("etcd_member.test is not in the state")
		}
		members, err := client.ListMembers(context.Background())
		if err != nil {
			return err
		}
		if len(members) != want {
			return fmt.Errorf("etcd lists %d members, want %d: %+v", len(members), want, members)
		}
		for _, m := range members {
			if etcdclient.HexID(m.ID) != rs.Primary.ID {
				continue
			}
			if got := fmt.Sprint(m.IsLearner); got != rs.Primary.Attributes["learner"] {
				return fmt.Errorf("etcd says learner = %s, the state %s", got, rs.Primary.Attributes["learner"])
			}
			var peers []string
			for i := range len(m.PeerURLs) {
				peers = append(peers, rs.Primary.Attributes[fmt.Sprintf("peer_urls.%d", i)])
			}
			if !slices.Equal(peers, m.PeerURLs) || rs.Primary.Attributes["peer_urls.#"] != fmt.Sprint(len(m.PeerURLs)) {
				return fmt.Errorf("etcd lists peer URLs %v, the state %v", m.PeerURLs, rs.Primary.Attributes)
			}
			return nil
		}
		return fmt.Errorf("etcd lists no member %s: %+v", rs.Primary.ID, members)
	}
}

func expectMembers(client *etcdclient.Client, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		members, err := client.ListMembers(context.Background())
		if err != nil {
			return err
		}
		if len(members) != want {
			return fmt.Errorf("etcd lists %d members, want %d: %+v", len(members), want, members)
		}
		return nil
	}
}

// waitCaughtUp waits until the learner at clientURL has applied what the
// leader had when it began to wait.
func waitCaughtUp(t *testing.T, client *etcdclient.Client, clientURL string, leaderURL string) {
	t.Helper()
	ctx := context.Background()
	target, err := client.MemberProgressAt(ctx, leaderURL)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if p, err := client.MemberProgressAt(ctx, clientURL); err == nil && p.AppliedIndex >= target.AppliedIndex {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("the learner at %s did not catch up with the leader's applied index %d in 30 s", clientURL, target.AppliedIndex)
}

// A fourth member is added as a learner, its daemon started, promoted, its
// peer URL moved, imported by name, and removed, while a writer keeps
// writing: etcd accepts every write and lists what the state says.
func TestAccMember_growAndShrink(t *testing.T) {
	cluster, bin, cfg, client := memberCluster(t, 3)
	joiner := cluster.NewJoiner(t)
	w := startWriter(t, cfg)
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		CheckDestroy:             expectMembers(client, 3),
		Steps: []resource.TestStep{
			{
				Config: memberConfig(cfg, joiner.Name, []string{joiner.PeerURL}, "  learner = true\n"),
				Check: resource.ComposeTestCheckFunc(
					expectMemberAsState(client, 4),
					resource.TestCheckResourceAttr("etcd_member.test", "learner", "true"),
					resource.TestCheckResourceAttr("etcd_member.test", "is_leader", "false"),
				),
			},
			{
				PreConfig: func() {
					cluster.StartJoiner(t, bin, joiner)
					waitCaughtUp(t, client, joiner.Endpoints[0], cluster.Members[cluster.Leader()].Endpoints[0])
				},
				Config: memberConfig(cfg, joiner.Name, []string{joiner.PeerURL}, "  learner = false\n"),
				Check: resource.ComposeTestCheckFunc(
					expectMemberAsState(client, 4),
					resource.TestCheckResourceAttr("etcd_member.test", "learner", "false"),
					resource.TestCheckResourceAttr("etcd_member.test", "client_urls.0", joiner.Endpoints[0]),
				),
			},
			{
				Config: memberConfig(cfg, joiner.Name, []string{joiner.AltPeerURL}, ""),
				Check: resource.ComposeTestCheckFunc(
					expectMemberAsState(client, 4),
					resource.TestCheckResourceAttr("etcd_member.test", "peer_urls.0", joiner.AltPeerURL),
					expectMemberHealthy(client, joiner.Endpoints[0]),
				),
			},
			{
				ResourceName:      "etcd_member.test",
				ImportState:       true,
				ImportStateId:     joiner.Name,
				ImportStateVerify: true,
				// Leadership may move between the two reads.
				ImportStateVerifyIgnore: []string{"is_leader"},
			},
		},
	})
	w.expectNoRefusedWrite(t)
}

// expectMemberHealthy makes a quorum read through the member's endpoint: it
// reaches the others at its new peer URL.
func expectMemberHealthy(client *etcdclient.Client, endpoint string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		deadline := time.Now().Add(10 * time.Second)
		for {
			st, err := client.GetClusterStatus(context.Background())
			if err == nil {
				for _, m := range st.Members {
					if slices.Contains(m.ClientURLs, endpoint) && m.Healthy {
						return nil
					}
				}
			}
			if time.Now().After(deadline) {
				if err != nil {
					return fmt.Errorf("the cluster status after the peer URL change: %w", err)
				}
				return fmt.Errorf("the member at %s is not healthy after its peer URL changed: %+v", endpoint, st)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
}

// A learner whose daemon never started is not promoted: the apply fails,
// says why and to retry, and the member stays a learner.
func TestAccMember_promoteNotInSync(t *testing.T) {
	cluster, _, cfg, client := memberCluster(t, 1)
	joiner := cluster.NewJoiner(t)
	learner := memberConfig(cfg, joiner.Name, []string{joiner.PeerURL}, "  learner = true\n")
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		CheckDestroy:             expectMembers(client, 1),
		Steps: []resource.TestStep{
			{Config: learner, Check: expectMemberAsState(client, 2)},
			{
				Config:      memberConfig(cfg, joiner.Name, []string{joiner.PeerURL}, "  learner = false\n"),
				ExpectError: regexpMust(`(?s)not ready for promotion.*in sync with leader.*daemon has not started.*run apply\s+again`),
			},
			{Config: learner, Check: expectMemberAsState(client, 2), PlanOnly: true},
			moveLearnerStep(cfg, client, joiner),
		},
	})
}

// refusedDestroy imports the member called name into a working directory
// with extra settings, applies, then destroys: the destroy must fail with
// an error matching want and leave etcd's member list as it was.
func refusedDestroy(t *testing.T, cfg etcdclient.Config, client *etcdclient.Client, name, extra, want string) {
	t.Helper()
	members, err := client.ListMembers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var peers []string
	for _, m := range members {
		if m.Name == name {
			peers = m.PeerURLs
		}
	}
	wd := newWorkdir(t, memberConfig(cfg, name, peers, extra))
	wd.mustRun("import", "-input=false", "-no-color", "etcd_member.test", name)
	wd.mustRun("apply", "-auto-approve", "-input=false", "-no-color")
	out, err := wd.run("destroy", "-auto-approve", "-input=false", "-no-color")
	if err == nil {
		t.Fatalf("the destroy succeeded:\n%s", out)
	}
	if !regexpMust(want).MatchString(strings.Join(strings.Fields(out), " ")) { // the CLI wraps lines
		t.Fatalf("the destroy failed without saying %q:\n%s", want, out)
	}
	after, err := client.ListMembers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(members) {
		t.Fatalf("the refused destroy changed the members: %+v, then %+v", members, after)
	}
	wd.mustRun("state", "rm", "etcd_member.test")
}

func TestAccMember_refuseLastMember(t *testing.T) {
	cluster, _, cfg, client := memberCluster(t, 1)
	refusedDestroy(t, cfg, client, cluster.Members[0].Name, "", `(?s)Refusing to remove the last etcd member.*Nothing was changed`)
}

// With one member of three stopped, removing a healthy one would leave one
// healthy voter of two, below their quorum of two.
func TestAccMember_refuseQuorumLoss(t *testing.T) {
	cluster, _, cfg, client := memberCluster(t, 3)
	victim := cluster.Follower()
	stopped := (victim + 1) % 3
	if stopped == cluster.Leader() {
		stopped = (victim + 2) % 3
	}
	cluster.Members[stopped].Stop()
	refusedDestroy(t, cfg, client, cluster.Members[victim].Name, "", `(?s)quorum would be lost.*1 healthy voting member\(s\) of 2.*Nothing was changed`)
}

func TestAccMember_refuseLeaderWithoutMove(t *testing.T) {
	cluster, _, cfg, client := memberCluster(t, 3)
	leader := cluster.Members[cluster.Leader()].Name
	refusedDestroy(t, cfg, client, leader, "  move_leader_on_destroy = false\n", `(?s)Refusing to remove the etcd leader.*move_leader_on_destroy is false.*Nothing was changed`)
	if !strings.Contains(cluster.Members[cluster.Leader()].Name, leader) {
		t.Fatalf("leadership moved from %s", leader)
	}
}

// A member removed by hand shows as to create on the next plan, and one
// whose peer URLs were changed by hand as to update.
func TestAccMember_drift(t *testing.T) {
	cluster, _, cfg, client := memberCluster(t, 1)
	joiner := cluster.NewJoiner(t)
	config := memberConfig(cfg, joiner.Name, []string{joiner.PeerURL}, "  learner = true\n")
	var id uint64
	keepID := func(s *terraform.State) error {
		var err error
		id, err = etcdclient.ParseHexID(s.RootModule().Resources["etcd_member.test"].Primary.ID)
		return err
	}
	driftAction := plancheck.ResourceActionUpdate
	if drops, err := client.UpdateDropsLearnerFlag(t.Context()); err != nil {
		t.Fatal(err)
	} else if drops {
		driftAction = plancheck.ResourceActionReplace
	}
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		CheckDestroy:             expectMembers(client, 1),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check:  resource.ComposeTestCheckFunc(expectMemberAsState(client, 2), keepID),
			},
			{
				PreConfig: func() {
					if err := client.UpdateMemberPeerURLs(context.Background(), id, []string{joiner.AltPeerURL}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				// etcd 3.4 lists a learner whose peer URLs were updated as a
				// voting member: the plan then replaces it.
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("etcd_member.test", driftAction)}},
				Check:            resource.ComposeTestCheckFunc(expectMemberAsState(client, 2), keepID),
			},
			{
				PreConfig: func() {
					if err := client.RemoveMember(context.Background(), id); err != nil {
						t.Fatal(err)
					}
				},
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("etcd_member.test", plancheck.ResourceActionCreate)}},
				Check:            expectMemberAsState(client, 2),
			},
		},
	})
}

// The list resource lists every member, learners included, with its
// identity; one not started yet is shown by its hex ID.
func TestMemberList_protocol(t *testing.T) {
	cluster, _, cfg, client := memberCluster(t, 1)
	joiner := cluster.NewJoiner(t)
	added, err := client.AddMember(t.Context(), []string{joiner.PeerURL}, true)
	if err != nil {
		t.Fatal(err)
	}
	s := newListServer(t, cfg)
	got := s.mustList("etcd_member", listConfig{}, true, 0)
	if len(got) != 2 {
		t.Fatalf("listed %d members, want 2: %+v", len(got), got)
	}
	for _, r := range got {
		learner := r.id("id") == etcdclient.HexID(added.ID)
		var isLearner bool
		_ = r.resource["learner"].As(&isLearner)
		name, _ := stringOf(r.resource["name"])
		switch {
		case learner && (r.display != r.id("id") || !isLearner || name != ""):
			t.Errorf("the unstarted learner is listed as %q, learner %v, name %q", r.display, isLearner, name)
		case !learner && (r.display != cluster.Members[0].Name || isLearner || name != cluster.Members[0].Name):
			t.Errorf("the first member is listed as %q, learner %v, name %q", r.display, isLearner, name)
		}
	}
}

// moveLearnerStep changes the peer URLs of the learner: refused on etcd
// 3.4, which would list it as a voting member afterwards; done in place on
// later versions.
func moveLearnerStep(cfg etcdclient.Config, client *etcdclient.Client, joiner *etcdtest.Joiner) resource.TestStep {
	step := resource.TestStep{
		Config: memberConfig(cfg, joiner.Name, []string{joiner.AltPeerURL}, "  learner = true\n"),
		Check:  expectMemberAsState(client, 2),
	}
	if drops, err := client.UpdateDropsLearnerFlag(context.Background()); err != nil || drops {
		step.Check = nil
		step.ExpectError = regexpMust(`(?s)Cannot change a learner's peer URLs on etcd 3\.4.*Nothing\s+was\s+changed`)
	}
	return step
}

// Destroying the leader with move_leader_on_destroy (the default) hands
// leadership to another member first, then removes it; writes through the
// other members keep being accepted.
func TestAccMember_removeLeader(t *testing.T) {
	cluster, _, cfg, client := memberCluster(t, 3)
	leaderIndex := cluster.Leader()
	leader := cluster.Members[leaderIndex]
	var rest []string
	for i, m := range cluster.Members {
		if i != leaderIndex {
			rest = append(rest, m.Endpoints...)
		}
	}
	restCfg := cfg
	restCfg.Endpoints = rest
	w := startWriter(t, restCfg)
	members, err := client.ListMembers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var peers []string
	for _, m := range members {
		if m.Name == leader.Name {
			peers = m.PeerURLs
		}
	}
	wd := newWorkdir(t, memberConfig(cfg, leader.Name, peers, ""))
	wd.mustRun("import", "-input=false", "-no-color", "etcd_member.test", leader.Name)
	if out := wd.mustRun("destroy", "-auto-approve", "-input=false", "-no-color"); !strings.Contains(out, "Destroy complete") {
		t.Fatalf("the destroy did not complete:\n%s", out)
	}
	restClient := etcdtest.Client(t, restCfg)
	after, err := restClient.ListMembers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != 2 || slices.ContainsFunc(after, func(m etcdclient.Member) bool { return m.Name == leader.Name }) {
		t.Fatalf("after the destroy etcd lists %+v", after)
	}
	if id, err := restClient.LeaderID(t.Context()); err != nil || id == 0 {
		t.Fatalf("no leader after the removal: %x, %v", id, err)
	}
	w.expectNoRefusedWrite(t)
}
