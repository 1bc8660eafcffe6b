package etcdclient_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
)

// dirEntries lists the names in dir.
func dirEntries(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// A snapshot lands at its path whole, with etcd's checksum over the rest
// of the file and the revision of the last write; nothing else is left in
// the directory.
func TestSnapshot(t *testing.T) {
	t.Parallel()
	s, c := ownServer(t)
	for i := range 20 {
		mustPut(t, c, fmt.Sprintf("/snap/%02d", i), strings.Repeat("v", 1000))
	}
	rev := mustPut(t, c, "/snap/last", "v")
	dir := t.TempDir()
	path := filepath.Join(dir, "etcd.db")
	info, err := c.Snapshot(t.Context(), s.Endpoints[0], path, nil)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path) //nolint:gosec // the test's own file
	if err != nil {
		t.Fatal(err)
	}
	body, trailer := data[:len(data)-sha256.Size], data[len(data)-sha256.Size:]
	sum := sha256.Sum256(body)
	switch {
	case info.Endpoint != s.Endpoints[0] || info.Revision != rev || info.Size != int64(len(data)):
		t.Errorf("info %+v; want revision %d, size %d", info, rev, len(data))
	case !bytes.Equal(sum[:], trailer) || info.SHA256 != hex.EncodeToString(trailer):
		t.Errorf("checksum %s; the file's trailer is %x, the sha256 of the rest %x", info.SHA256, trailer, sum)
	case !bytes.Contains(body, []byte("/snap/last")):
		t.Error("the snapshot does not hold the last key")
	}
	if names := dirEntries(t, dir); len(names) != 1 {
		t.Errorf("the directory holds %q; want only the snapshot", names)
	}
}

// A snapshot that fails leaves the file at its path as it was, and no
// temporary file.
func TestSnapshot_failureLeavesNothing(t *testing.T) {
	t.Parallel()
	s, c := ownServer(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "etcd.db")
	if err := os.WriteFile(path, []byte("the previous snapshot"), 0o600); err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := c.Snapshot(cancelled, s.Endpoints[0], path, nil); err == nil {
		t.Fatal("a snapshot with a cancelled context succeeded")
	}
	if _, err := c.Snapshot(t.Context(), s.Endpoints[0], filepath.Join(dir, "missing", "etcd.db"), nil); err == nil {
		t.Fatal("a snapshot into a missing directory succeeded")
	}
	down := "http://" + closedPort(t)
	_, err := etcdtest.Client(t, failFast(s.ClientConfig())).Snapshot(t.Context(), down, path, nil)
	if err == nil || !strings.Contains(err.Error(), down) {
		t.Fatalf("a snapshot of %s: %v", down, err)
	}
	if got, _ := os.ReadFile(path); string(got) != "the previous snapshot" { //nolint:gosec // the test's own file
		t.Errorf("the file at the path now holds %q", got)
	}
	if names := dirEntries(t, dir); len(names) != 1 {
		t.Errorf("the directory holds %q; want only the previous snapshot", names)
	}
}

// History written and deleted takes space until it is compacted and the
// member defragmented.
func TestCompactAndDefragment(t *testing.T) {
	t.Parallel()
	s, c := ownServer(t)
	ctx := t.Context()
	value := strings.Repeat("x", 10_000)
	for i := range 300 {
		mustPut(t, c, fmt.Sprintf("/bulk/%d", i%10), value)
	}
	if _, err := c.DeletePrefix(ctx, "/bulk/"); err != nil {
		t.Fatal(err)
	}
	before := statusWhenSettled(t, c, 1).Members[0]
	rev, err := c.CurrentRevision(ctx, "/bulk/")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Compact(ctx, rev, true); err != nil {
		t.Fatal(err)
	}
	expectErr(t, c.Compact(ctx, rev, false), etcdclient.ErrCompacted, fmt.Sprintf("to revision %d", rev))
	expectErr(t, c.Compact(ctx, rev+100, false), etcdclient.ErrFutureRevision)
	if err := c.Defragment(ctx, s.Endpoints[0]); err != nil {
		t.Fatal(err)
	}
	after := statusWhenSettled(t, c, 1).Members[0]
	if after.DBSize > before.DBSize/4 {
		t.Fatalf("DB size %d (in use %d) before, %d (in use %d) after compacting and defragmenting",
			before.DBSize, before.DBSizeInUse, after.DBSize, after.DBSizeInUse)
	}
	down := "http://" + closedPort(t)
	expectErr(t, etcdtest.Client(t, failFast(s.ClientConfig())).Defragment(ctx, down), etcdclient.ErrUnavailable, down)
}

// An alarm is listed, keeps the member out of Healthy but not out of
// Serving or the quorum, and goes when disarmed.
func TestAlarms(t *testing.T) {
	t.Parallel()
	s, c := ownServer(t)
	ctx := t.Context()
	if alarms, err := c.Alarms(ctx); err != nil || len(alarms) != 0 {
		t.Fatalf("alarms of a new server: %v, %v", alarms, err)
	}
	// etcd raises NOSPACE itself only at its quota; the Alarm RPC raises
	// it the same way.
	if _, err := pb.NewMaintenanceClient(c.Raw().ActiveConnection()).Alarm(ctx, &pb.AlarmRequest{
		Action: pb.AlarmRequest_ACTIVATE, MemberID: s.ID(), Alarm: pb.AlarmType_NOSPACE,
	}); err != nil {
		t.Fatal(err)
	}
	want := etcdclient.Alarm{MemberID: s.ID(), Type: etcdclient.AlarmNoSpace}
	alarms, err := c.Alarms(ctx)
	if err != nil || len(alarms) != 1 || alarms[0] != want {
		t.Fatalf("alarms: %v, %v; want %v", alarms, err, want)
	}
	expectErr(t, c.Put(ctx, "/alarmed", "v"), etcdclient.ErrNoSpace)
	st, err := c.RequireQuorum(ctx, true)
	if err != nil || st.Healthy || !st.Quorum || !st.Members[0].Serving || st.Members[0].Healthy {
		t.Fatalf("with an alarm: status %+v, %v; want quorum, serving, not healthy", st, err)
	}
	if quota := st.Members[0].DBSizeQuota; etcdtest.ServerBin() == "" && quota != 2<<30 {
		t.Errorf("embedded etcd %s reports a quota of %d; want the default 2 GiB", st.Members[0].Version, quota)
	}
	expectErr(t, c.DisarmAlarm(ctx, etcdclient.Alarm{MemberID: s.ID(), Type: "NONE"}), etcdclient.ErrInvalidArgument)
	if err := c.DisarmAlarm(ctx, want); err != nil {
		t.Fatal(err)
	}
	if alarms, err := c.Alarms(ctx); err != nil || len(alarms) != 0 {
		t.Fatalf("alarms after disarming: %v, %v", alarms, err)
	}
	mustPut(t, c, "/alarmed", "v")
}
