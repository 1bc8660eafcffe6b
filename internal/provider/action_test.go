package provider

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/zclconf/go-cty/cty"
	pb "go.etcd.io/etcd/api/v3/etcdserverpb"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
)

// Protocol-level tests of the actions: ValidateActionConfig, PlanAction
// and InvokeAction requests against the muxed server, configured with
// ConfigureProvider, as Terraform 1.14 sends them for an action block or
// `terraform apply -invoke`. No CLI is involved: Terraform 1.14 cannot be
// built from the Go module proxy, and OpenTofu has no actions. The etcd
// they run against is Debian's 3.4 daemon (etcdtest.DaemonBin), and what
// they did is judged with the client.

// actionProtocol is what the muxed server serves: the provider protocol
// with actions.
type actionProtocol interface {
	tfprotov6.ProviderServer
	tfprotov6.ActionServer
}

type actionServer struct {
	t       *testing.T
	server  actionProtocol
	schemas *tfprotov6.GetProviderSchemaResponse
}

func newActionServer(t *testing.T, cfg etcdclient.Config) *actionServer {
	t.Helper()
	muxed, err := NewServer("test")()
	if err != nil {
		t.Fatal(err)
	}
	server, ok := muxed.(actionProtocol)
	if !ok {
		t.Fatalf("the muxed server (%T) does not serve actions", muxed)
	}
	schemas := configureForTest(t, server, cfg)
	return &actionServer{t: t, server: server, schemas: schemas}
}

// actionConfig is an action block's configuration: attribute name to a Go
// string, bool or int.
type actionConfig map[string]any

func (s *actionServer) config(typeName string, cfg actionConfig) *tfprotov6.DynamicValue {
	s.t.Helper()
	schema, ok := s.schemas.ActionSchemas[typeName]
	if !ok {
		s.t.Fatalf("no action schema for %s", typeName)
	}
	return configValue(s.t, schema.Schema.ValueType(), cfg)
}

// invoked is what one invocation sent back.
type invoked struct {
	progress []string
	diags    []*tfprotov6.Diagnostic
}

// on is the server for a subtest, which its failures end.
func (s *actionServer) on(t *testing.T) *actionServer {
	c := *s
	c.t = t
	return &c
}

func (r invoked) text() string { return strings.Join(r.progress, "\n") + "\n" + diagText(r.diags) }

// invoke validates, plans and invokes the action as Terraform does, and
// reads the whole event stream. Validation or plan errors end it early.
func (s *actionServer) invoke(typeName string, cfg actionConfig) invoked {
	s.t.Helper()
	ctx := s.t.Context()
	config := s.config(typeName, cfg)
	v, err := s.server.ValidateActionConfig(ctx, &tfprotov6.ValidateActionConfigRequest{ActionType: typeName, Config: config})
	if err != nil {
		s.t.Fatalf("ValidateActionConfig %s: %v", typeName, err)
	}
	if hasErrors(v.Diagnostics) {
		return invoked{diags: v.Diagnostics}
	}
	p, err := s.server.PlanAction(ctx, &tfprotov6.PlanActionRequest{ActionType: typeName, Config: config})
	if err != nil {
		s.t.Fatalf("PlanAction %s: %v", typeName, err)
	}
	if hasErrors(p.Diagnostics) {
		return invoked{diags: p.Diagnostics}
	}
	stream, err := s.server.InvokeAction(ctx, &tfprotov6.InvokeActionRequest{ActionType: typeName, Config: config})
	if err != nil {
		s.t.Fatalf("InvokeAction %s: %v", typeName, err)
	}
	var r invoked
	for ev := range stream.Events {
		switch e := ev.Type.(type) {
		case tfprotov6.ProgressInvokeActionEventType:
			r.progress = append(r.progress, e.Message)
		case tfprotov6.CompletedInvokeActionEventType:
			r.diags = append(r.diags, e.Diagnostics...)
		}
	}
	return r
}

// mustInvoke is invoke that fails the test on an error diagnostic.
func (s *actionServer) mustInvoke(typeName string, cfg actionConfig) invoked {
	s.t.Helper()
	r := s.invoke(typeName, cfg)
	if hasErrors(r.diags) {
		s.t.Fatalf("%s %v failed:\n%s", typeName, cfg, r.text())
	}
	s.t.Logf("%s %v:\n%s", typeName, cfg, r.text())
	return r
}

// expectActionError checks that the invocation failed with an error whose
// summary or detail holds each of parts.
func expectActionError(t *testing.T, r invoked, parts ...string) {
	t.Helper()
	if !hasErrors(r.diags) {
		t.Fatalf("the action succeeded; want an error mentioning %q:\n%s", parts, r.text())
	}
	text := diagText(r.diags)
	for _, p := range parts {
		if !strings.Contains(text, p) {
			t.Errorf("the error does not mention %q:\n%s", p, text)
		}
	}
}

// progressHas is the first progress message holding s, or "".
func (r invoked) progressHas(s string) string {
	for _, m := range r.progress {
		if strings.Contains(m, s) {
			return m
		}
	}
	return ""
}

// Every action is served by the muxed server, and its configuration is
// validated there.
func TestActions_served(t *testing.T) {
	t.Parallel()
	s := newActionServer(t, sharedEtcd(t).cfg)
	var names []string
	for name := range s.schemas.ActionSchemas {
		names = append(names, name)
	}
	slices.Sort(names)
	want := []string{"etcd_alarm_disarm", "etcd_compact", "etcd_defrag", "etcd_move_leader", "etcd_snapshot"}
	if !slices.Equal(names, want) {
		t.Fatalf("action schemas %q; want %q", names, want)
	}
	expectActionError(t, s.invoke("etcd_compact", actionConfig{}), "revision", "keep_revisions")
	expectActionError(t, s.invoke("etcd_compact", actionConfig{"revision": 5, "keep_revisions": 2}), "not both")
	expectActionError(t, s.invoke("etcd_snapshot", actionConfig{"path": "x.db", "timeout": "soon"}), "duration")
	expectActionError(t, s.invoke("etcd_snapshot", actionConfig{"path": "x.db", "endpoint": "ftp://x"}), "endpoint")
}

// debianEtcd skips a test unless it can run Debian's etcd daemon (or the
// one ETCD_TEST_SERVER_BIN names).
func debianEtcd(t *testing.T) {
	t.Helper()
	etcdtest.DaemonBin(t)
	if _, err := exec.LookPath("etcdctl"); err != nil {
		t.Skip("this test needs etcdctl (Debian's etcd-client package)")
	}
}

// etcdctl runs etcdctl (API v3) with args, without the test's ETCD*
// environment.
func etcdctl(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "etcdctl", args...)
	cmd.Env = []string{"ETCDCTL_API=3", "PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("etcdctl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// A snapshot the action took from Debian's etcd 3.4 is accepted by
// `etcdctl snapshot status`, restores with `etcdctl snapshot restore`, and
// a daemon started on the restored data holds the keys. A failing
// snapshot leaves the earlier file at the path untouched.
func TestAction_snapshot(t *testing.T) {
	debianEtcd(t)
	t.Parallel()
	d := etcdtest.StartDaemon(t, etcdtest.DaemonOptions{}, nil)
	cfg := *etcdclient.DefaultConfig()
	cfg.Endpoints = []string{d.Endpoint}
	c := etcdtest.Client(t, cfg)
	keys := map[string]string{}
	for i := range 50 {
		keys[fmt.Sprintf("/app/config/%02d", i)] = strings.Repeat(fmt.Sprint(i), 100)
	}
	var rev int64
	for k, v := range keys {
		r, err := c.PutRev(t.Context(), k, v)
		if err != nil {
			t.Fatal(err)
		}
		rev = max(rev, r)
	}
	s := newActionServer(t, cfg)
	dir := t.TempDir()
	path := filepath.Join(dir, "before-change.db")
	r := s.mustInvoke("etcd_snapshot", actionConfig{"path": path})
	done := r.progressHas("wrote " + path)
	if r.progressHas("streaming a snapshot from the leader") == "" || !strings.Contains(done, fmt.Sprintf("revision %d,", rev)) || !strings.Contains(done, "sha256 ") {
		t.Fatalf("progress does not report the leader, revision %d and the checksum:\n%s", rev, r.text())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("the directory holds %d files; want only the snapshot", len(entries))
	}
	status := etcdctl(t, "snapshot", "status", path, "-w", "json")
	if !strings.Contains(status, fmt.Sprintf(`"revision":%d`, rev)) {
		t.Fatalf("etcdctl snapshot status: %s; want revision %d", status, rev)
	}

	// Restore it and read the keys back from a daemon on the restored data.
	restored := filepath.Join(t.TempDir(), "restored")
	etcdctl(t, "snapshot", "restore", path, "--data-dir", restored, "--name", "daemon",
		"--initial-cluster", "daemon=http://127.0.0.1:2", "--initial-advertise-peer-urls", "http://127.0.0.1:2")
	r2 := etcdtest.StartDaemon(t, etcdtest.DaemonOptions{Args: []string{"--data-dir", restored}}, nil)
	rcfg := *etcdclient.DefaultConfig()
	rcfg.Endpoints = []string{r2.Endpoint}
	kvs, err := etcdtest.Client(t, rcfg).List(t.Context(), "/app/config/")
	if err != nil {
		t.Fatal(err)
	}
	if len(kvs) != len(keys) {
		t.Fatalf("the restored etcd holds %d keys; want %d", len(kvs), len(keys))
	}
	for _, kv := range kvs {
		if keys[kv.Key] != string(kv.Value) {
			t.Fatalf("restored %s = %q; want %q", kv.Key, kv.Value, keys[kv.Key])
		}
	}

	// A failing snapshot leaves the earlier one, and no temporary file.
	before, _ := os.ReadFile(path) //nolint:gosec // the test's own file
	down := "http://" + closedAddr(t)
	expectActionError(t, s.invoke("etcd_snapshot", actionConfig{"path": path, "endpoint": down}), "snapshot failed", down, "unchanged")
	expectActionError(t, s.invoke("etcd_snapshot", actionConfig{"path": filepath.Join(dir, "missing", "x.db")}), "snapshot failed")
	if after, _ := os.ReadFile(path); string(after) != string(before) { //nolint:gosec // the test's own file
		t.Fatal("a failed snapshot changed the file at the path")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("after the failed snapshots the directory holds %d files", len(entries))
	}
}

// closedAddr is a loopback host:port nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}

// waitQuorum waits until every member answers.
func waitQuorum(t *testing.T, c *etcdclient.Client) *etcdclient.ClusterStatus {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	for {
		st, err := c.RequireQuorum(ctx, true)
		if err == nil && st.Healthy {
			return st
		}
		if ctx.Err() != nil {
			t.Fatalf("the cluster did not settle: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// fillAndDelete writes n values of size bytes under prefix, overwriting
// each key churn times, then deletes them all: history to compact and
// space to reclaim.
func fillAndDelete(t *testing.T, c *etcdclient.Client, prefix string, n, churn, size int) {
	t.Helper()
	value := strings.Repeat("x", size)
	for i := range n * churn {
		if err := c.Put(t.Context(), fmt.Sprintf("%s%d", prefix, i%n), value); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.DeletePrefix(t.Context(), prefix); err != nil {
		t.Fatal(err)
	}
}

// quorumWatch makes a linearizable read through the cluster every 20 ms
// until stopped, and counts the reads and those that failed: a read fails
// when the cluster has no leader or no quorum.
type quorumWatch struct {
	reads, failed int
	errs          []string
	stop          chan struct{}
	done          chan struct{}
}

func watchQuorum(t *testing.T, cfg etcdclient.Config) *quorumWatch {
	t.Helper()
	cfg.RequestTimeout = 2 * time.Second
	c := etcdtest.Client(t, cfg)
	w := &quorumWatch{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for {
			select {
			case <-w.stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			_, err := c.CurrentRevision(t.Context(), "/quorum-watch")
			w.reads++
			if err != nil {
				w.failed++
				w.errs = append(w.errs, err.Error())
			}
		}
	}()
	return w
}

func (w *quorumWatch) end() { close(w.stop); <-w.done }

// Against three members of Debian's etcd 3.4: compaction then
// defragmentation shrinks every member's database, the members are
// defragmented one at a time, followers first, while the cluster keeps
// answering quorum reads; the leader moves to the healthiest follower and
// to a named member; and the actions refuse to start when a member, or
// the quorum, is gone.
func TestAction_cluster(t *testing.T) {
	debianEtcd(t)
	cl := etcdtest.NewProcessCluster(t, etcdtest.DaemonBin(t), 3)
	cfg := cl.ClientConfig()
	cfg.DialTimeout, cfg.RequestTimeout = 2*time.Second, 5*time.Second
	c := etcdtest.Client(t, cfg)
	s := newActionServer(t, cfg)

	t.Run("compact then defragment", func(t *testing.T) {
		s := s.on(t)
		if err := c.Put(t.Context(), "/live", strings.Repeat("l", 1000)); err != nil {
			t.Fatal(err)
		}
		fillAndDelete(t, c, "/garbage/", 16, 8, 32<<10) // 4 MiB of history
		before := waitQuorum(t, c)
		s.mustInvoke("etcd_compact", actionConfig{"keep_revisions": 0, "physical": true})
		if _, err := c.GetWithRevision(t.Context(), "/live", 2); err == nil {
			t.Fatal("history before the compaction can still be read")
		}
		// etcd counts the space compaction freed as reclaimable only from
		// its next write on (see min_reclaim_bytes); a live cluster writes.
		waitReclaimable(t, c, 2<<20)
		watch := watchQuorum(t, cfg)
		r := s.mustInvoke("etcd_defrag", actionConfig{"min_reclaim_bytes": 1 << 20})
		watch.end()
		if watch.failed > 0 || watch.reads == 0 {
			t.Fatalf("during the defragmentation %d of %d quorum reads failed: %q", watch.failed, watch.reads, watch.errs)
		}
		t.Logf("%d quorum reads during the defragmentation, none failed", watch.reads)
		expectOneAtATime(t, r, before)
		after := waitQuorum(t, c)
		for i, m := range after.Members {
			b := before.Members[i]
			if m.DBSize >= b.DBSize-(2<<20) || !regexp.MustCompile(regexp.QuoteMeta(memberLabel(b))+`: \d+ -> `+fmt.Sprint(m.DBSize)+` bytes`).MatchString(r.text()) {
				t.Errorf("member %s: database %d bytes before, %d after; progress:\n%s", m.Name, b.DBSize, m.DBSize, r.text())
			}
		}
		// Nothing left to reclaim: every member is skipped.
		r = s.mustInvoke("etcd_defrag", actionConfig{"min_reclaim_bytes": 1 << 20})
		if strings.Count(r.text(), "skipping member") != 3 || r.progressHas("defragmenting") != "" {
			t.Fatalf("with min_reclaim_bytes above what is reclaimable:\n%s", r.text())
		}
		// Compacting to a compacted revision does nothing.
		rev, err := c.CurrentRevision(t.Context(), "/live")
		if err != nil {
			t.Fatal(err)
		}
		r = s.mustInvoke("etcd_compact", actionConfig{"revision": 2})
		if r.progressHas("already compacted") == "" {
			t.Fatalf("compacting twice:\n%s", r.text())
		}
		expectActionError(t, s.invoke("etcd_compact", actionConfig{"revision": rev + 1000}), "has not reached")
	})

	t.Run("move leader", func(t *testing.T) {
		s := s.on(t)
		st := waitQuorum(t, c)
		r := s.mustInvoke("etcd_move_leader", actionConfig{})
		after := waitQuorum(t, c)
		if after.LeaderID == st.LeaderID || r.progressHas("leads") == "" {
			t.Fatalf("the leader %x did not move:\n%s", st.LeaderID, r.text())
		}
		old, _ := leaderOf(st)
		s.mustInvoke("etcd_move_leader", actionConfig{"member": old.Name})
		if now := waitQuorum(t, c); now.LeaderID != old.ID {
			t.Fatalf("member %s was named, %x leads", old.Name, now.LeaderID)
		}
		r = s.mustInvoke("etcd_move_leader", actionConfig{"member": etcdclient.HexID(old.ID)})
		if r.progressHas("already leads") == "" {
			t.Fatalf("moving to the leader:\n%s", r.text())
		}
		expectActionError(t, s.invoke("etcd_move_leader", actionConfig{"member": "nobody"}), `"nobody"`, old.Name)
	})

	t.Run("refuses without every member or without quorum", func(t *testing.T) {
		s := s.on(t)
		f := cl.Follower()
		cl.Freeze(f)
		expectActionError(t, s.invoke("etcd_defrag", actionConfig{}), "not healthy", "does not answer", cl.Members[f].Name)
		l := cl.Leader()
		cl.Freeze(l)
		expectActionError(t, s.invoke("etcd_compact", actionConfig{"keep_revisions": 0}), "not healthy", "lost quorum")
		cl.Thaw(l)
		cl.Thaw(f)
		waitQuorum(t, c)
	})
}

// waitReclaimable writes until every member reports at least n bytes
// reclaimable, which etcd 3.4 does only after a backend commit or two
// that follow the compaction.
func waitReclaimable(t *testing.T, c *etcdclient.Client, n int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if err := c.Put(t.Context(), "/live", "after compaction"); err != nil {
			t.Fatal(err)
		}
		st := waitQuorum(t, c)
		low := 0
		for _, m := range st.Members {
			if m.DBSize-m.DBSizeInUse < n {
				low++
			}
		}
		if low == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d members still report less than %d bytes reclaimable: %+v", low, n, st.Members)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// expectOneAtATime checks, from the progress messages, that each member
// was defragmented and reported before the next began, the followers
// before the leader.
func expectOneAtATime(t *testing.T, r invoked, st *etcdclient.ClusterStatus) {
	t.Helper()
	var order []string
	open := ""
	for _, m := range r.progress {
		switch {
		case strings.Contains(m, "etcd_defrag: defragmenting"):
			if open != "" {
				t.Fatalf("a defragmentation began while %s's was running:\n%s", open, r.text())
			}
			open = m
		case strings.Contains(m, " defragmented: "):
			if open == "" {
				t.Fatalf("a member was reported defragmented before it began:\n%s", r.text())
			}
			order = append(order, open)
			open = ""
		}
	}
	if len(order) != len(st.Members) {
		t.Fatalf("%d members defragmented; want %d:\n%s", len(order), len(st.Members), r.text())
	}
	leader, _ := leaderOf(st)
	if !strings.Contains(order[len(order)-1], "leader "+memberLabel(leader)) {
		t.Fatalf("the leader %s was not defragmented last:\n%s", memberLabel(leader), r.text())
	}
}

// NOSPACE on Debian's etcd 3.4, which does not report its quota: the
// action will not disarm it without quota_bytes, nor while the database is
// at its quota; after compaction and defragmentation it disarms it, and
// etcd takes writes again.
func TestAction_alarmDisarm(t *testing.T) {
	debianEtcd(t)
	t.Parallel()
	const quota = 2 << 20
	d := etcdtest.StartDaemon(t, etcdtest.DaemonOptions{Args: []string{"--quota-backend-bytes", fmt.Sprint(quota)}}, nil)
	cfg := *etcdclient.DefaultConfig()
	cfg.Endpoints = []string{d.Endpoint}
	c := etcdtest.Client(t, cfg)
	s := newActionServer(t, cfg)

	r := s.mustInvoke("etcd_alarm_disarm", actionConfig{})
	if r.progressHas("no alarm is active") == "" {
		t.Fatalf("without alarms:\n%s", r.text())
	}
	value := strings.Repeat("q", 64<<10)
	for i := 0; ; i++ {
		err := c.Put(t.Context(), fmt.Sprintf("/fill/%d", i), value)
		if errors.Is(err, etcdclient.ErrNoSpace) {
			break
		}
		if err != nil || i > 200 {
			t.Fatalf("put %d: %v (no NOSPACE yet)", i, err)
		}
	}
	st, err := c.GetClusterStatus(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if reported := st.Members[0].DBSizeQuota; reported != 0 { // etcd 3.6+ (ETCD_TEST_SERVER_BIN)
		if reported != quota {
			t.Fatalf("the member reports a quota of %d; want %d", reported, quota)
		}
		expectActionError(t, s.invoke("etcd_alarm_disarm", actionConfig{}), "NOSPACE not disarmed", "95% of its quota")
	} else {
		expectActionError(t, s.invoke("etcd_alarm_disarm", actionConfig{}), "NOSPACE not disarmed", "does not report its quota", "quota_bytes")
	}
	expectActionError(t, s.invoke("etcd_alarm_disarm", actionConfig{"quota_bytes": quota}), "NOSPACE not disarmed", "95% of its quota", "etcd_defrag")
	if alarms, err := c.Alarms(t.Context()); err != nil || len(alarms) != 1 || alarms[0].Type != etcdclient.AlarmNoSpace {
		t.Fatalf("alarms after the refusals: %v, %v", alarms, err)
	}

	if _, err := c.DeletePrefix(t.Context(), "/fill/"); err != nil {
		t.Fatal(err)
	}
	s.mustInvoke("etcd_compact", actionConfig{"keep_revisions": 0, "physical": true})
	s.mustInvoke("etcd_defrag", actionConfig{})
	r = s.mustInvoke("etcd_alarm_disarm", actionConfig{"quota_bytes": quota})
	if r.progressHas("disarmed NOSPACE on member") == "" {
		t.Fatalf("disarm:\n%s", r.text())
	}
	if alarms, err := c.Alarms(t.Context()); err != nil || len(alarms) != 0 {
		t.Fatalf("alarms after disarming: %v, %v", alarms, err)
	}
	if err := c.Put(t.Context(), "/after", "v"); err != nil {
		t.Fatalf("a write after disarming: %v", err)
	}
}

// Every action has an example, and every action block in the examples and
// the Operating etcd guide is valid: its arguments, evaluated, pass the
// action's ValidateActionConfig. (No CLI here can run them.)
func TestActionExamples(t *testing.T) {
	t.Parallel()
	s := newActionServer(t, sharedEtcd(t).cfg)
	files, err := filepath.Glob(filepath.Join(examplesDir(), "actions", "*", "action.tf"))
	if err != nil {
		t.Fatal(err)
	}
	guide, _ := filepath.Glob(filepath.Join(examplesDir(), "guides", "operating", "*.tf"))
	seen := map[string]bool{}
	for _, file := range append(files, guide...) {
		for _, b := range actionBlocks(t, file) {
			seen[b.typeName] = true
			if dir := filepath.Base(filepath.Dir(file)); slices.Contains(files, file) && dir != b.typeName {
				t.Errorf("%s holds an action of type %s", file, b.typeName)
			}
			resp, err := s.server.ValidateActionConfig(t.Context(), &tfprotov6.ValidateActionConfigRequest{
				ActionType: b.typeName, Config: s.config(b.typeName, b.config),
			})
			if err != nil || hasErrors(resp.Diagnostics) {
				t.Errorf("%s: action %s %v: %v %s", file, b.typeName, b.config, err, diagText(resp.Diagnostics))
			}
		}
	}
	for name := range s.schemas.ActionSchemas {
		if !seen[name] {
			t.Errorf("no example uses the action %s", name)
		}
	}
}

type exampleAction struct {
	typeName string
	config   actionConfig
}

// actionBlocks parses the action blocks of an example file and evaluates
// their config arguments, with path.root ".".
func actionBlocks(t *testing.T, file string) []exampleAction {
	t.Helper()
	src, err := os.ReadFile(file) //nolint:gosec // the repository's examples
	if err != nil {
		t.Fatal(err)
	}
	f, diags := hclsyntax.ParseConfig(src, file, hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("%s: %v", file, diags)
	}
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{"path": cty.ObjectVal(map[string]cty.Value{"root": cty.StringVal(".")})}}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		t.Fatalf("%s: body %T", file, f.Body)
	}
	var out []exampleAction
	for _, b := range body.Blocks {
		if b.Type != "action" {
			continue
		}
		a := exampleAction{typeName: b.Labels[0], config: actionConfig{}}
		for _, cb := range b.Body.Blocks {
			if cb.Type != "config" {
				continue
			}
			for name, attr := range cb.Body.Attributes {
				v, diags := attr.Expr.Value(ctx)
				if diags.HasErrors() {
					t.Fatalf("%s: %s.%s: %v", file, a.typeName, name, diags)
				}
				switch v.Type() {
				case cty.String:
					a.config[name] = v.AsString()
				case cty.Bool:
					a.config[name] = v.True()
				case cty.Number:
					n, _ := v.AsBigFloat().Int64()
					a.config[name] = n
				default:
					t.Fatalf("%s: %s.%s has type %s", file, a.typeName, name, v.Type().FriendlyName())
				}
			}
		}
		out = append(out, a)
	}
	return out
}

// On etcd 3.6 and later (the embedded 3.7 here) the member reports its
// quota, and a NOSPACE alarm on a database below it is disarmed without
// quota_bytes. The alarm is raised through etcd's Alarm RPC, as etcd
// raises it itself at its quota.
func TestAction_alarmDisarmReportedQuota(t *testing.T) {
	t.Parallel()
	if etcdtest.ServerBin() != "" {
		t.Skip("needs the embedded etcd 3.7, whose quota is reported; ETCD_TEST_SERVER_BIN is set")
	}
	e := ownEtcd(t)
	st, err := e.client.GetClusterStatus(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pb.NewMaintenanceClient(e.client.Raw().ActiveConnection()).Alarm(t.Context(), &pb.AlarmRequest{
		Action: pb.AlarmRequest_ACTIVATE, MemberID: st.Members[0].ID, Alarm: pb.AlarmType_NOSPACE,
	}); err != nil {
		t.Fatal(err)
	}
	s := newActionServer(t, e.cfg)
	r := s.mustInvoke("etcd_alarm_disarm", actionConfig{})
	if r.progressHas("disarmed NOSPACE") == "" {
		t.Fatalf("disarm:\n%s", r.text())
	}
	if alarms, err := e.client.Alarms(t.Context()); err != nil || len(alarms) != 0 {
		t.Fatalf("alarms after disarming: %v, %v", alarms, err)
	}
}
