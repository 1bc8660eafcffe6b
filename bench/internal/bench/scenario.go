package bench

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Kind is what a scenario declares.
type Kind string

// The scenario kinds.
const (
	Keys     Kind = "keys"       // one etcd_prefix with a keys map
	KeysJSON Kind = "keys_json"  // one etcd_prefix with keys_json read from data.json
	EtcdKey  Kind = "etcd_key"   // N etcd_key resources
	Lease    Kind = "etcd_lease" // N etcd_lease resources
	// RolePermission is one etcd_role and N etcd_role_permission resources
	// on keys under the prefix.
	RolePermission Kind = "etcd_role_permission"
	Data           Kind = "data" // data.etcd_keys over a prefix of N keys
)

// Scenario is one configuration shape at one size.
type Scenario struct {
	Kind Kind
	N    int
}

// DefaultScenarios are the ones the performance targets in BENCHMARKS.md
// are about.
const DefaultScenarios = "keys=1000,keys=10000,keys=50000,keys_json=10000,keys_json=100000,etcd_key=500,etcd_lease=100,etcd_role_permission=100,data=10000"

// ParseScenarios reads a comma-separated list such as "keys=10000,etcd_key=500".
func ParseScenarios(list string) ([]Scenario, error) {
	var out []Scenario
	for item := range strings.SplitSeq(list, ",") {
		kind, n, ok := strings.Cut(strings.TrimSpace(item), "=")
		size, err := strconv.Atoi(n)
		switch k := Kind(kind); {
		case !ok || err != nil || size < 1:
			return nil, fmt.Errorf("scenario %q: want KIND=N with N ≥ 1, such as keys=10000", item)
		case !slices.Contains([]Kind{Keys, KeysJSON, EtcdKey, Lease, RolePermission, Data}, k):
			return nil, fmt.Errorf("scenario %q: the kind is one of keys, keys_json, etcd_key, etcd_lease, etcd_role_permission, data", item)
		default:
			out = append(out, Scenario{Kind: k, N: size})
		}
	}
	return out, nil
}

func (s Scenario) String() string {
	switch s.Kind {
	case EtcdKey, Lease, RolePermission:
		return fmt.Sprintf("%s `%s` resources", thousands(s.N), s.Kind)
	case Data:
		return fmt.Sprintf("`data.etcd_keys`, %s keys", thousands(s.N))
	}
	return fmt.Sprintf("`etcd_prefix.%s`, %s keys", s.Kind, thousands(s.N))
}

// slug names the scenario in paths and keys.
func (s Scenario) slug() string { return fmt.Sprintf("%s-%d", s.Kind, s.N) }

// hasFloor reports whether the floor provider can run the scenario: it
// serves resources only, no data sources.
func (s Scenario) hasFloor() bool { return s.Kind != Data }

// Phase labels, as the report prints them.
const (
	PhaseApply    = "apply"
	PhasePlan     = "no-op plan"
	PhaseUpdate   = "update 1 %"
	PhaseDestroy  = "destroy"
	PhasePlanData = "no-op plan + data source"
)

// step is one tofu command of a scenario's cycle.
type step struct {
	phase   string        // the report row; "" for set-up steps that are not reported
	config  *configChange // what to write before running; nil keeps the files
	command []string
}

// configChange says which variant of the scenario's files to write.
type configChange struct {
	changed  bool // 1 % of the values changed
	withData bool // add data.etcd_keys over the prefix
}

var (
	apply   = []string{"apply", "-auto-approve"}
	plan    = []string{"plan", "-detailed-exitcode"} // exit code 2 (changes) fails the step
	destroy = []string{"destroy", "-auto-approve"}
)

// steps is one full cycle of the scenario, from nothing back to nothing.
func (s Scenario) steps() []step {
	if s.Kind == Data {
		return []step{
			{"", &configChange{}, apply},
			{PhasePlan, nil, plan},
			{PhasePlanData, &configChange{withData: true}, plan},
			{"", nil, destroy},
		}
	}
	return []step{
		{PhaseApply, &configChange{}, apply},
		{PhasePlan, nil, plan},
		{PhaseUpdate, &configChange{changed: true}, apply},
		{PhaseDestroy, nil, destroy},
	}
}

// values are the scenario's keys (relative) and values; changed alters
// every hundredth value.
func (s Scenario) values(changed bool) map[string]string {
	m := make(map[string]string, s.N)
	for i := range s.N {
		v := fmt.Sprintf("value-%06d", i)
		if changed && i%100 == 0 {
			v = fmt.Sprintf("changed-%06d", i)
		}
		m[fmt.Sprintf("k%06d", i)] = v
	}
	return m
}

// files renders the scenario as main.tf.json, or main.tf when hcl is set,
// with every key under prefix (keys_json reads data.json). The provider is
// configured through ETCDCTL_ENDPOINTS, so the floor provider runs the very
// same files.
func (s Scenario) files(prefix string, c configChange, hcl bool) (map[string][]byte, error) {
	keys := s.values(c.changed)
	files := map[string][]byte{}
	if s.Kind == KeysJSON || s.Kind == Data {
		data, err := json.Marshal(keys)
		if err != nil {
			return nil, err
		}
		files["data.json"] = data
	}
	if hcl {
		files["main.tf"] = s.renderHCL(prefix, keys, c)
		return files, nil
	}
	var resources map[string]any
	switch s.Kind {
	case Keys:
		resources = map[string]any{"etcd_prefix": map[string]any{"bench": map[string]any{"prefix": prefix, "keys": keys}}}
	case KeysJSON, Data:
		resources = map[string]any{"etcd_prefix": map[string]any{"bench": map[string]any{
			"prefix": prefix, "keys_json": `${file("${path.module}/data.json")}`,
		}}}
	case EtcdKey:
		rs := make(map[string]any, len(keys))
		for rel, v := range keys {
			rs[rel] = map[string]any{"key": prefix + rel, "value": v}
		}
		resources = map[string]any{"etcd_key": rs}
	case Lease:
		rs := make(map[string]any, len(keys))
		for rel, v := range keys {
			rs[rel] = map[string]any{"ttl": leaseTTL(v)}
		}
		resources = map[string]any{"etcd_lease": rs}
	case RolePermission:
		rs := make(map[string]any, len(keys))
		for rel, v := range keys {
			rs[rel] = map[string]any{"role": "${etcd_role.bench.name}", "key": prefix + rel, "permission": permission(v)}
		}
		resources = map[string]any{"etcd_role": map[string]any{"bench": map[string]any{"name": prefix}}, "etcd_role_permission": rs}
	}
	root := map[string]any{
		"terraform": map[string]any{"required_providers": map[string]any{"etcd": map[string]any{"source": "terraform-etcd/etcd"}}},
		"resource":  resources,
	}
	if c.withData {
		root["data"] = map[string]any{"etcd_keys": map[string]any{"bench": map[string]any{"prefix": prefix}}}
	}
	main, err := json.MarshalIndent(root, "", " ")
	files["main.tf.json"] = main
	return files, err
}

// renderHCL is the same configuration in native syntax.
func (s Scenario) renderHCL(prefix string, keys map[string]string, c configChange) []byte {
	var b strings.Builder
	b.WriteString("terraform {\n  required_providers {\n    etcd = { source = \"terraform-etcd/etcd\" }\n  }\n}\n")
	names := slices.Sorted(maps.Keys(keys))
	switch s.Kind {
	case Keys:
		fmt.Fprintf(&b, "resource \"etcd_prefix\" \"bench\" {\n  prefix = %q\n  keys = {\n", prefix)
		for _, rel := range names {
			fmt.Fprintf(&b, "    %q = %q\n", rel, keys[rel])
		}
		b.WriteString("  }\n}\n")
	case KeysJSON, Data:
		fmt.Fprintf(&b, "resource \"etcd_prefix\" \"bench\" {\n  prefix    = %q\n  keys_json = file(\"${path.module}/data.json\")\n}\n", prefix)
	case EtcdKey:
		for _, rel := range names {
			fmt.Fprintf(&b, "resource \"etcd_key\" %q {\n  key   = %q\n  value = %q\n}\n", rel, prefix+rel, keys[rel])
		}
	case Lease:
		for _, rel := range names {
			fmt.Fprintf(&b, "resource \"etcd_lease\" %q {\n  ttl = %d\n}\n", rel, leaseTTL(keys[rel]))
		}
	case RolePermission:
		fmt.Fprintf(&b, "resource \"etcd_role\" \"bench\" {\n  name = %q\n}\n", prefix)
		for _, rel := range names {
			fmt.Fprintf(&b, "resource \"etcd_role_permission\" %q {\n  role       = etcd_role.bench.name\n  key        = %q\n  permission = %q\n}\n",
				rel, prefix+rel, permission(keys[rel]))
		}
	}
	if c.withData {
		fmt.Fprintf(&b, "data \"etcd_keys\" \"bench\" {\n  prefix = %q\n}\n", prefix)
	}
	return []byte(b.String())
}

// leaseTTL is a lease's TTL for one of values' values: a changed value
// asks for a longer lease (a replacement).
func leaseTTL(value string) int {
	if strings.HasPrefix(value, "changed") {
		return 7200
	}
	return 3600
}

// permission is a permission type for one of values' values: a changed
// value grants readwrite instead of read.
func permission(value string) string {
	if strings.HasPrefix(value, "changed") {
		return "READWRITE"
	}
	return "READ"
}

// thousands formats n with comma separators: 100000 → "100,000".
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
