package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// Changing 1 % of a 10,000-key prefix writes exactly those 100 keys: every
// other key keeps its mod_revision.
func TestAccPrefix_onlyChangedKeysWritten(t *testing.T) {
	e := sharedEtcd(t)
	keys, changed := manyKeys(10000), manyKeys(10000)
	for i := 0; i < 10000; i += 100 {
		changed[fmt.Sprintf("k%05d", i)] = "changed"
	}
	var before map[string]int64
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		CheckDestroy:             e.expectPrefix(t, map[string]string{}),
		Steps: []resource.TestStep{
			{
				Config: prefixConfig(e, true, keys),
				Check: func(*terraform.State) (err error) {
					before, err = e.modRevisions()
					return err
				},
			},
			{
				Config: prefixConfig(e, true, changed),
				Check: resource.ComposeTestCheckFunc(e.expectPrefix(t, changed), func(*terraform.State) error {
					after, err := e.modRevisions()
					if err != nil {
						return err
					}
					var written []string
					for rel, rev := range after {
						if rev != before[rel] {
							written = append(written, rel)
						}
					}
					for _, rel := range written {
						if changed[rel] != "changed" {
							return fmt.Errorf("unchanged key %q was written", rel)
						}
					}
					if len(written) != 100 {
						return fmt.Errorf("%d keys were written, want the 100 changed ones", len(written))
					}
					return nil
				}),
			},
		},
	})
}

// modRevisions maps each key under the test's prefix (relative) to its mod
// revision.
func (e *testEtcd) modRevisions() (map[string]int64, error) {
	kvs, err := e.client.List(context.Background(), e.prefix)
	if err != nil {
		return nil, err
	}
	revs := make(map[string]int64, len(kvs))
	for _, kv := range kvs {
		revs[strings.TrimPrefix(kv.Key, e.prefix)] = kv.ModRevision
	}
	return revs, nil
}
