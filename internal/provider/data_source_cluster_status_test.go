package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
)

const clusterStatusConfig = `
data "etcd_cluster_status" "test" {}
`

func TestAccClusterStatusDataSource_single(t *testing.T) {
	e := sharedEtcd(t)
	member := func(attr string) tfjsonpath.Path { return tfjsonpath.New("members").AtSliceIndex(0).AtMapKey(attr) }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config: e.config(clusterStatusConfig),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.etcd_cluster_status.test", tfjsonpath.New("healthy"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.etcd_cluster_status.test", tfjsonpath.New("members"), knownvalue.ListSizeExact(1)),
				statecheck.ExpectKnownValue("data.etcd_cluster_status.test", member("is_leader"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.etcd_cluster_status.test", member("healthy"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.etcd_cluster_status.test", member("version"), knownvalue.StringRegexp(regexpMust(`^3\.`))),
				statecheck.ExpectKnownValue("data.etcd_cluster_status.test", member("errors"), knownvalue.ListSizeExact(0)),
			},
			Check: resource.TestCheckResourceAttrPair("data.etcd_cluster_status.test", "leader_id", "data.etcd_cluster_status.test", "members.0.id"),
		}},
	})
}

// A stopped member of a 3-member cluster is reported unhealthy; the read
// succeeds and the cluster, which keeps its quorum, is healthy.
func TestAccClusterStatusDataSource_stoppedMember(t *testing.T) {
	t.Parallel()
	cluster := etcdtest.NewCluster(t, 3)
	stopped := cluster.Follower()
	cluster.Members[stopped].Stop()
	cfg := cluster.ClientConfig()
	cfg.Endpoints = nil
	for i, m := range cluster.Members {
		if i != stopped {
			cfg.Endpoints = append(cfg.Endpoints, m.Endpoints...)
		}
	}
	cfg.DialTimeout, cfg.RequestTimeout = etcdclient.DefaultDialTimeout, etcdclient.DefaultRequestTimeout
	stoppedName := cluster.Members[stopped].Name
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config: providerConfig(cfg) + clusterStatusConfig,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.etcd_cluster_status.test", tfjsonpath.New("healthy"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.etcd_cluster_status.test", tfjsonpath.New("members"), knownvalue.ListSizeExact(3)),
			},
			Check: func(s *terraform.State) error {
				attrs := s.RootModule().Resources["data.etcd_cluster_status.test"].Primary.Attributes
				unhealthy := 0
				for i := range 3 {
					p := fmt.Sprintf("members.%d.", i)
					if attrs[p+"healthy"] == "true" {
						continue
					}
					unhealthy++
					if attrs[p+"name"] != stoppedName || attrs[p+"errors.#"] == "0" {
						return fmt.Errorf("member %s is unhealthy with errors.# = %s; want the stopped member %s with errors", attrs[p+"name"], attrs[p+"errors.#"], stoppedName)
					}
				}
				if unhealthy != 1 {
					return fmt.Errorf("%d unhealthy members, want 1", unhealthy)
				}
				return nil
			},
		}},
	})
}
