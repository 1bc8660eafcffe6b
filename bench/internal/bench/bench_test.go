package bench

import (
	"context"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseScenarios(t *testing.T) {
	got, err := ParseScenarios(DefaultScenarios)
	if err != nil || len(got) != 9 || !slices.Contains(got, Scenario{Kind: RolePermission, N: 100}) {
		t.Fatalf("ParseScenarios(default) = %v, %v", got, err)
	}
	for _, bad := range []string{"keys", "keys=0", "keys=x", "map=10", "etcd_user=5"} {
		if _, err := ParseScenarios(bad); err == nil {
			t.Errorf("ParseScenarios(%q) accepted it", bad)
		}
	}
	if s := (Scenario{Kind: KeysJSON, N: 100000}).String(); s != "`etcd_prefix.keys_json`, 100,000 keys" {
		t.Errorf("String() = %q", s)
	}
}

// TestBenchSmoke is `make bench` at 1,000 keys and one run, so that the
// benchmark program keeps working: every scenario kind, the floor, the
// provider's CPU profile, the report and the target checks.
func TestBenchSmoke(t *testing.T) {
	profiles := t.TempDir()
	rep := smoke(t, "keys=1000,keys_json=1000,etcd_key=50,etcd_lease=20,etcd_role_permission=20,data=1000", Options{Floor: true, CPUProfileDir: profiles, Command: "TestBenchSmoke"})
	var md strings.Builder
	rep.WriteMarkdown(&md)
	t.Log("\n" + md.String())
	for _, r := range rep.Rows {
		if len(r.Samples) != 1 || r.Samples[0].Wall <= 0 || r.Samples[0].PeakRSS <= 0 {
			t.Errorf("%s %s: samples %+v", r.Scenario, r.Phase, r.Samples)
		}
		if r.Scenario.hasFloor() && len(r.Floor) != 1 {
			t.Errorf("%s %s: floor samples %+v", r.Scenario, r.Phase, r.Floor)
		}
		if wantSDKv2 := r.Scenario.Kind == EtcdKey; (len(r.SDKv2Floor) == 1) != wantSDKv2 {
			t.Errorf("%s %s: SDKv2 floor samples %+v", r.Scenario, r.Phase, r.SDKv2Floor)
		}
	}
	if cpu, _ := filepath.Glob(filepath.Join(profiles, "keys-1000", "cpu-*.pprof")); len(cpu) == 0 {
		t.Error("the provider wrote no CPU profile (TF_ETCD_CPUPROFILE)")
	}
	for _, want := range []string{"| `etcd_prefix.keys`, 1,000 keys | apply |", "| `data.etcd_keys`, 1,000 keys | no-op plan + data source |", "| 20 `etcd_role_permission` resources | update 1 % |", "| 20 `etcd_lease` resources | destroy |", "OpenTofu"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

// The configurations in native syntax work too (small, without the floor).
func TestBenchSmokeHCL(t *testing.T) {
	smoke(t, "keys=100,keys_json=100,etcd_key=5,etcd_lease=3,etcd_role_permission=3,data=100", Options{HCL: true})
}

// smoke runs the scenarios in list once with opts and checks that every
// kind gave its rows: four phases for each resource kind, two for data.
func smoke(t *testing.T, list string, opts Options) *Report {
	t.Helper()
	if os.Getenv("TF_ACC") == "" || testing.Short() {
		t.Skip("runs tofu: set TF_ACC=1 (make test does)")
	}
	scenarios, err := ParseScenarios(list)
	if err != nil {
		t.Fatal(err)
	}
	opts.Scenarios, opts.Runs, opts.BinDir = scenarios, 1, t.TempDir()
	rep, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rows) != 5*4+2 {
		t.Fatalf("%d rows, want 22", len(rep.Rows))
	}
	return rep
}

// Against an etcd daemon (fsync on) the report names the server and has
// etcd's own commit time for the same puts.
func TestBenchSmokeDaemon(t *testing.T) {
	if os.Getenv("TF_ACC") == "" || testing.Short() {
		t.Skip("runs tofu: set TF_ACC=1 (make test does)")
	}
	etcd, err := exec.LookPath("etcd")
	if err != nil {
		t.Skip("no etcd daemon on PATH (make test-acc installs Debian's)")
	}
	scenarios, err := ParseScenarios("keys_json=500")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(t.Context(), Options{Scenarios: scenarios, Runs: 1, BinDir: t.TempDir(), Etcd: etcd,
		EtcdFlags: []string{"--quota-backend-bytes=4294967296"}, Command: "TestBenchSmokeDaemon"})
	if err != nil {
		t.Fatal(err)
	}
	var md strings.Builder
	rep.WriteMarkdown(&md)
	t.Log("\n" + md.String())
	if len(rep.Rows) != 4 || len(rep.EtcdCommit) != 1 || rep.EtcdCommit[0].Keys != 500 || rep.EtcdCommit[0].Seconds <= 0 {
		t.Fatalf("rows %d, etcd commit %+v", len(rep.Rows), rep.EtcdCommit)
	}
	for _, want := range []string{"daemon", "fsync on", "| 500 puts |"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

// The benchmarks find the provider's checkout from inside their own module
// (bench/), where `go test` and `go -C bench run` run them.
func TestModuleRoot(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"main.go", "go.mod", filepath.Join("bench", "go.mod")} {
		if _, err := os.Stat(filepath.Join(root, want)); err != nil {
			t.Errorf("root %s: %v", root, err)
		}
	}
}

// The 1,000,000-key targets compare apply with the floor plus etcd's own
// commit, plan and destroy with the floor, and each phase with 100,000 keys.
func TestMillionTargets(t *testing.T) {
	rep := &Report{EtcdCommit: []EtcdCommit{{Keys: 1000000, Seconds: 30}}}
	sample := func(wall float64) Sample { return Sample{Wall: wall, PeakRSS: 600e6} }
	for _, r := range []struct {
		n            int
		phase        string
		ours, floorS float64
	}{
		{1000000, PhaseApply, 70, 25}, {1000000, PhasePlan, 30, 36}, {1000000, PhaseUpdate, 40, 30}, {1000000, PhaseDestroy, 90, 88},
		{100000, PhaseApply, 6, 3}, {100000, PhasePlan, 3, 4}, {100000, PhaseUpdate, 3, 3}, {100000, PhaseDestroy, 9, 9},
	} {
		s := Scenario{KeysJSON, r.n}
		rep.add(s, r.phase, ours, sample(r.ours))
		rep.add(s, r.phase, floor, sample(r.floorS))
	}
	got := map[string]bool{}
	for _, res := range rep.millionTargets() {
		got[res.Label] = res.Met
	}
	want := map[string]bool{
		"`etcd_prefix.keys_json`, 1,000,000 keys: apply / (floor + etcd's own commit)": true,  // 70 / 55
		"`etcd_prefix.keys_json`, 1,000,000 keys: no-op plan / floor":                  true,  // 30 / 36
		"`etcd_prefix.keys_json`, 1,000,000 keys: destroy / floor":                     false, // 90 / 88
		"`etcd_prefix.keys_json` apply: 1,000,000 keys / 100,000 keys":                 false, // 70 / 6
		"`etcd_prefix.keys_json` no-op plan: 1,000,000 keys / 100,000 keys":            true,
		"`etcd_prefix.keys_json` update 1 %: 1,000,000 keys / 100,000 keys":            false, // 40 / 3
		"`etcd_prefix.keys_json` destroy: 1,000,000 keys / 100,000 keys":               true,
		"`etcd_prefix.keys_json`, 1,000,000 keys: provider peak RSS":                   true,
	}
	if !maps.Equal(got, want) {
		t.Fatalf("targets:\n got %v\nwant %v", got, want)
	}
}
