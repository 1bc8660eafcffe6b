package provider

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
)

// An operator restores etcd from a snapshot taken before the last apply
// (etcd's disaster recovery), or points the provider at another etcd that
// has the same cluster ID: the next plan shows exactly the keys that differ
// from the configuration, and the apply writes the configuration back,
// whatever etcd's revision did meanwhile. On etcd 3.4 (etcdctl snapshot
// restore) the revision goes back; on 3.5 and later the restore bumps it
// past the recorded one (etcdutl --bump-revision 1000000 --mark-compacted,
// as etcd's docs recommend).
func TestAccPrefix_restoredSnapshot(t *testing.T) {
	before := map[string]string{"a": "1", "b": "1", "c": "1"}
	after := map[string]string{"a": "2", "b": "2", "c": "1"}
	cases := []struct {
		name string
		// change replaces etcd's data after the second apply; snapshot
		// holds the keys as the first apply left them.
		change func(t *testing.T, srv *etcdtest.Server, e *testEtcd, snapshot string)
		// differs is what etcd holds under the prefix afterwards.
		differs map[string]string
	}{
		{"restored", func(t *testing.T, srv *etcdtest.Server, _ *testEtcd, snapshot string) {
			restore(t, srv, snapshot, 0)
		}, before},
		{"restored, then writes elsewhere past the recorded revision", func(t *testing.T, srv *etcdtest.Server, e *testEtcd, snapshot string) {
			restore(t, srv, snapshot, 0)
			for i := range 20 {
				e.put(t, "/other/x", fmt.Sprint(i))
			}
		}, before},
		{"restored with bump-revision", func(t *testing.T, srv *etcdtest.Server, _ *testEtcd, snapshot string) {
			restore(t, srv, snapshot, 1000000)
		}, before},
		{"another etcd with the same name, peer URL and cluster token", func(t *testing.T, srv *etcdtest.Server, e *testEtcd, _ string) {
			if err := srv.StartAfresh(); err != nil {
				t.Fatal(err)
			}
			for k := range before {
				e.put(t, "/app/"+k, "other")
			}
		}, map[string]string{"a": "other", "b": "other", "c": "other"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if strings.Contains(c.name, "bump-revision") && !etcdtest.CanBumpRevision() {
				t.Skip("restoring with --bump-revision needs etcdutl, from etcd 3.5 (etcd 3.4's etcdctl restores without it)")
			}
			srv := etcdtest.New(t)
			cfg := srv.ClientConfig()
			e := &testEtcd{cfg: cfg, client: etcdtest.Client(t, cfg), prefix: "/app/"}
			snapshot := filepath.Join(t.TempDir(), "snapshot.db")
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: factories(),
				Steps: []resource.TestStep{
					{Config: prefixConfig(e, true, before), Check: e.expectPrefix(t, before)},
					{
						PreConfig: func() {
							if err := srv.SaveSnapshot(t.Context(), snapshot); err != nil {
								t.Fatal(err)
							}
						},
						Config: prefixConfig(e, true, after),
						Check:  e.expectPrefix(t, after),
					},
					{
						PreConfig: func() { c.change(t, srv, e, snapshot) },
						Config:    prefixConfig(e, true, after),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction("etcd_prefix.test", plancheck.ResourceActionUpdate),
							expectRefreshedKeys("etcd_prefix.test", c.differs),
						}},
						Check: e.expectPrefix(t, after), // judged with the client; an empty plan follows
					},
				},
			})
		})
	}
}

func restore(t *testing.T, srv *etcdtest.Server, snapshot string, bump uint64) {
	t.Helper()
	if err := srv.RestoreSnapshot(snapshot, bump); err != nil {
		t.Fatal(err)
	}
}

// expectRefreshedKeys checks that the plan's refreshed state of addr (its
// change's "before") holds exactly want in keys: the plan shows what etcd
// holds.
func expectRefreshedKeys(addr string, want map[string]string) plancheck.PlanCheck {
	return refreshedKeysCheck{addr: addr, want: want}
}

type refreshedKeysCheck struct {
	addr string
	want map[string]string
}

func (c refreshedKeysCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != c.addr {
			continue
		}
		before, _ := rc.Change.Before.(map[string]any)
		keys, _ := before["keys"].(map[string]any)
		got := map[string]string{}
		for k, v := range keys {
			got[k], _ = v.(string)
		}
		if !maps.Equal(got, c.want) {
			resp.Error = fmt.Errorf("%s: the plan's refreshed keys are %v, want %v", c.addr, got, c.want)
		}
		return
	}
	resp.Error = fmt.Errorf("%s: not in the plan", c.addr)
}
