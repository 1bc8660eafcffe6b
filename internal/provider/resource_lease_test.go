package provider

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

func leaseConfig(e *testEtcd, ttl int, keepalive bool) string {
	return e.config(`
resource "etcd_lease" "test" {
  ttl               = %[1]d
  refresh_keepalive = %[2]t
}

resource "etcd_key" "attached" {
  key      = %[3]q
  value    = "alive"
  lease_id = etcd_lease.test.lease_id
}
`, ttl, keepalive, e.prefix+"attached")
}

// leaseID reads the lease ID from the state.
func leaseID(s *terraform.State) (etcdclient.LeaseID, error) {
	rs, ok := s.RootModule().Resources["etcd_lease.test"]
	if !ok {
		return 0, errors.New("etcd_lease.test not in state")
	}
	id, err := strconv.ParseInt(rs.Primary.ID, 10, 64)
	return etcdclient.LeaseID(id), err
}

func TestAccLease_lifecycle(t *testing.T) {
	e := sharedEtcd(t)
	var granted etcdclient.LeaseID
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		CheckDestroy: func(s *terraform.State) error {
			if _, err := e.client.GetLeaseInfo(t.Context(), granted); !errors.Is(err, etcdclient.ErrLeaseNotFound) {
				return fmt.Errorf("lease %d still exists after destroy (err=%w)", granted, err)
			}
			return e.expectValue(t, e.prefix+"attached", "<missing>")(s)
		},
		Steps: []resource.TestStep{
			{
				Config: leaseConfig(e, 300, false),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("etcd_lease.test", tfjsonpath.New("granted_ttl"), knownvalue.Int64Exact(300)),
					statecheck.ExpectKnownValue("etcd_lease.test", tfjsonpath.New("refresh_keepalive"), knownvalue.Bool(false)),
				},
				Check: resource.ComposeTestCheckFunc(
					e.expectValue(t, e.prefix+"attached", "alive"),
					func(s *terraform.State) error {
						id, err := leaseID(s)
						if err != nil {
							return err
						}
						granted = id
						info, err := e.client.GetLeaseInfo(t.Context(), id)
						if err != nil {
							return err
						}
						if len(info.Keys) != 1 || info.Keys[0] != e.prefix+"attached" {
							return fmt.Errorf("lease keys = %v", info.Keys)
						}
						return resource.TestCheckResourceAttr("etcd_lease.test", "lease_id_hex", id.Hex())(s)
					},
				),
			},
			{ // refresh_keepalive changes in place
				Config: leaseConfig(e, 300, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("etcd_lease.test", plancheck.ResourceActionUpdate),
				}},
			},
			{
				ResourceName:            "etcd_lease.test",
				ImportState:             true,
				ImportStateIdFunc:       func(s *terraform.State) (string, error) { id, err := leaseID(s); return "0x" + id.Hex(), err },
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"refresh_keepalive"},
			},
			{ // import sets refresh_keepalive = false: it cannot be read from etcd
				Config:          leaseConfig(e, 300, false),
				ResourceName:    "etcd_lease.test",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					id, err := leaseID(s)
					return strconv.FormatInt(int64(id), 10), err
				},
			},
			{
				Config:          leaseConfig(e, 300, false),
				ResourceName:    "etcd_lease.test",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
			{ // a revoked lease is recreated, and so is the key it took with it
				PreConfig: func() {
					if err := e.client.RevokeLease(t.Context(), granted); err != nil {
						t.Fatal(err)
					}
				},
				Config: leaseConfig(e, 300, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("etcd_lease.test", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("etcd_key.attached", plancheck.ResourceActionCreate),
				}},
				Check: resource.ComposeTestCheckFunc(
					e.expectValue(t, e.prefix+"attached", "alive"),
					func(s *terraform.State) error { id, err := leaseID(s); granted = id; return err },
				),
			},
			{
				Config:           leaseConfig(e, 300, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// With refresh_keepalive every refresh renews the lease.
func TestAccLease_refreshKeepalive(t *testing.T) {
	e := sharedEtcd(t)
	remaining := func(s *terraform.State) (int64, error) {
		id, err := leaseID(s)
		if err != nil {
			return 0, err
		}
		info, err := e.client.GetLeaseInfo(t.Context(), id)
		if err != nil {
			return 0, err
		}
		return info.TTL, nil
	}
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{Config: leaseConfig(e, 20, true)},
			{
				PreConfig: func() { time.Sleep(4 * time.Second) },
				Config:    leaseConfig(e, 20, true),
				Check: func(s *terraform.State) error {
					ttl, err := remaining(s)
					if err != nil {
						return err
					}
					if ttl < 18 { // without the renewal it would be at most 16
						return fmt.Errorf("remaining TTL %d: the refresh did not renew the lease", ttl)
					}
					return nil
				},
			},
		},
	})
}

func TestAccLease_invalid(t *testing.T) {
	e := sharedEtcd(t)
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{Config: e.config(`resource "etcd_lease" "test" { ttl = 0 }`), ExpectError: regexp.MustCompile(`ttl.*at least 1`)},
			{Config: e.config(`resource "etcd_lease" "test" { ttl = -5 }`), ExpectError: regexp.MustCompile(`ttl.*at least 1`)},
			{
				Config:        e.config(`resource "etcd_lease" "test" { ttl = 10 }`),
				ResourceName:  "etcd_lease.test",
				ImportState:   true,
				ImportStateId: "not-a-lease",
				ExpectError:   regexp.MustCompile(`(?s)neither a positive decimal.*terraform import etcd_lease`),
			},
		},
	})
}
