package key

import (
	"encoding/base64"
	"encoding/json"
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

func TestValidate(t *testing.T) {
	f := newFixture(t)
	big := strings.Repeat("x", etcdclient.MaxRequestBytes)
	for name, c := range map[string]struct {
		config     config
		noWO       bool // a client without write-only attributes (Terraform < 1.11)
		attr, want string
	}{
		"both values":          {config: config{value: ptr("a"), valueBase64: ptr("YQ==")}, attr: "value_base64", want: "Conflicting attributes: value and value_base64 are set"},
		"three values":         {config: config{value: ptr("a"), valueBase64: ptr("YQ=="), valueWO: ptr("s")}, attr: "value_base64", want: "value, value_base64 and value_wo are set"},
		"no value":             {config: config{}, attr: "value", want: "Missing value: Set exactly one of value"},
		"bad base64":           {config: config{valueBase64: ptr("not base64!")}, attr: "value_base64", want: "Invalid base64: The value is not standard base64"},
		"empty key":            {config: config{key: ptr(""), value: ptr("a")}, attr: "key", want: "Attribute key string length must be at least 1, got: 0"},
		"too large":            {config: config{value: ptr(big)}, attr: "value", want: "Value too large"},
		"too large base64":     {config: config{valueBase64: ptr(base64.StdEncoding.EncodeToString([]byte(big)))}, attr: "value_base64", want: "Value too large"},
		"version without wo":   {config: config{value: ptr("a"), woVersion: ptr(int64(1))}, attr: "value_wo_version", want: "value_wo_version is set but value_wo is not"},
		"too large wo":         {config: config{valueWO: ptr(big)}, attr: "value_wo", want: "Value too large"},
		"wo and value":         {config: config{value: ptr("a"), valueWO: ptr("s")}, attr: "value_wo", want: "value and value_wo are set"},
		"wo on an old client":  {config: config{valueWO: ptr("s")}, noWO: true, attr: "value_wo", want: "WriteOnly Attribute Not Allowed"},
		"unknown wo, old":      {config: config{valueWO: ptr(unknown)}, noWO: true, attr: "value_wo", want: "WriteOnly Attribute Not Allowed"},
		"valid":                {config: config{value: ptr("")}},
		"valid base64":         {config: config{valueBase64: ptr("AP8=")}},
		"valid wo":             {config: config{valueWO: ptr("s"), woVersion: ptr(int64(2))}},
		"unknown value":        {config: config{value: ptr(unknown)}},
		"unknown key, too big": {config: config{key: ptr(unknown), value: ptr(big)}},
	} {
		t.Run(name, func(t *testing.T) {
			req := &tfprotov6.ValidateResourceConfigRequest{TypeName: TypeName, Config: f.dv(f.attrs(c.config)),
				ClientCapabilities: &tfprotov6.ValidateResourceConfigClientCapabilities{WriteOnlyAttributesAllowed: !c.noWO}}
			resp, err := f.server.ValidateResourceConfig(t.Context(), req)
			if err != nil {
				t.Fatal(err)
			}
			if c.want == "" {
				if len(resp.Diagnostics) != 0 {
					t.Fatalf("diagnostics for a valid configuration: %+v", resp.Diagnostics[0])
				}
				return
			}
			d := expectError(t, resp.Diagnostics, c.want)
			if want := pathOf(c.attr); (want == nil) != (d.Attribute == nil) || (want != nil && !d.Attribute.Equal(want)) {
				t.Fatalf("the error names %v, want %v", d.Attribute, want)
			}
		})
	}
}

func TestPlan_create(t *testing.T) {
	f := newFixture(t)
	resp := f.plan(resourceState{}, &config{valueWO: ptr("secret")})
	p := f.decodedAttrs(resp.PlannedState)
	// Unknown until apply, so that what refers to the id (an ephemeral read
	// of the key) waits for the write.
	for _, computed := range []string{"id", "create_revision", "mod_revision", "version"} {
		if p[computed].IsKnown() {
			t.Errorf("planned %s is %v, want unknown", computed, p[computed])
		}
	}
	if !p["value_wo"].IsNull() {
		t.Fatal("the plan holds value_wo")
	}
	if resp.PlannedIdentity == nil {
		t.Fatal("no planned identity")
	}
}

// An update keeps the id known (it is the key); a new key replaces the
// resource, and its id is unknown like a create's.
func TestPlan_idOnUpdateAndReplace(t *testing.T) {
	f := newFixture(t)
	rs := f.mustApply(resourceState{}, &config{value: ptr("a")})
	p := f.decodedAttrs(f.plan(rs, &config{value: ptr("b")}).PlannedState)
	if !p["id"].Equal(tftypes.NewValue(tftypes.String, f.key)) {
		t.Fatalf("planned id %v on update, want the key %q", p["id"], f.key)
	}
	other := f.key + "-other"
	resp := f.plan(rs, &config{key: &other, value: ptr("a")})
	if p := f.decodedAttrs(resp.PlannedState); p["id"].IsKnown() {
		t.Fatalf("planned id %v for a new key, want unknown", p["id"])
	}
	if len(resp.RequiresReplace) != 1 || !resp.RequiresReplace[0].Equal(keyPath) {
		t.Fatalf("a new key plans RequiresReplace %v, want key", resp.RequiresReplace)
	}
}

// Values unknown until apply (a lease or a value from another resource)
// plan a write.
func TestPlan_unknownValues(t *testing.T) {
	f := newFixture(t)
	rs := f.mustApply(resourceState{}, &config{value: ptr("a")})
	for name, c := range map[string]config{
		"value": {value: ptr(unknown)},
		"lease": {value: ptr("a"), unknownLease: true},
	} {
		t.Run(name, func(t *testing.T) {
			p := f.decodedAttrs(f.plan(rs, &c).PlannedState)
			if p["mod_revision"].IsKnown() || p["version"].IsKnown() {
				t.Fatalf("a write is planned but mod_revision %v, version %v are known", p["mod_revision"], p["version"])
			}
			if !p["create_revision"].IsKnown() || !p["id"].IsKnown() {
				t.Fatal("create_revision and id are not kept from the state")
			}
		})
	}
}

func TestServer_createUpdateDestroy(t *testing.T) {
	f := newFixture(t)
	rs := f.mustApply(resourceState{}, &config{value: ptr("one")})
	kv := f.held()
	if kv == nil || string(kv.Value) != "one" {
		t.Fatalf("etcd holds %v after create", kv)
	}
	st := f.decoded(rs)
	if *st.Value != "one" || *st.ModRevision != kv.ModRevision || *st.CreateRevision != kv.CreateRevision || *st.Version != 1 {
		t.Fatalf("state after create = %+v, etcd %+v", st, kv)
	}

	// Only delete_on_destroy changes: nothing is written, and the plan says so.
	keep := config{value: ptr("one"), deleteOnDestroy: ptr(true)}
	planned := f.decodedAttrs(f.plan(rs, &keep).PlannedState)
	if !planned["mod_revision"].Equal(tftypes.NewValue(tftypes.Number, kv.ModRevision)) {
		t.Fatalf("planned mod_revision %v, want the state's %d", planned["mod_revision"], kv.ModRevision)
	}
	rs = f.mustApply(rs, &keep)
	if now := f.held(); now.ModRevision != kv.ModRevision {
		t.Fatal("a change of delete_on_destroy alone wrote the key")
	}

	rs = f.mustApply(rs, &config{value: ptr("two"), deleteOnDestroy: ptr(true)})
	kv = f.held()
	if string(kv.Value) != "two" || kv.Version != 2 {
		t.Fatalf("etcd holds %+v after update", kv)
	}
	if st := f.decoded(rs); *st.ModRevision != kv.ModRevision || *st.Value != "two" {
		t.Fatalf("state after update = %+v", st)
	}

	// Binary data through value_base64.
	rs = f.mustApply(rs, &config{valueBase64: ptr("AP8BAg==")})
	if kv := f.held(); string(kv.Value) != "\x00\xff\x01\x02" {
		t.Fatalf("etcd holds %q after a value_base64 update", kv.Value)
	}
	if st := f.decoded(rs); st.Value != nil || *st.ValueBase64 != "AP8BAg==" {
		t.Fatalf("state after a value_base64 update = %+v", st)
	}

	rs = f.mustApply(rs, nil)
	if f.decoded(rs) != nil {
		t.Fatal("state after destroy is not null")
	}
	if kv := f.held(); kv != nil {
		t.Fatalf("destroy left %q", kv.Value)
	}
}

// A key that already holds the configured value and lease is adopted,
// without a write; any other is refused with the import block.
func TestServer_createAdoptsOrRefuses(t *testing.T) {
	f := newFixture(t)
	f.put("same")
	before := f.held()
	rs := f.mustApply(resourceState{}, &config{value: ptr("same")})
	if kv := f.held(); kv.ModRevision != before.ModRevision {
		t.Fatal("adopting the key wrote it")
	}
	if st := f.decoded(rs); *st.ModRevision != before.ModRevision {
		t.Fatalf("adopted state at mod revision %d, etcd at %d", *st.ModRevision, before.ModRevision)
	}

	g := newFixture(t)
	g.put("theirs")
	rs, diags := g.apply(resourceState{}, &config{value: ptr("mine")})
	d := expectError(t, diags, "Key already exists", "already exists in etcd (mod revision", "import {\n    to = etcd_key.<name>\n    id = \""+g.key+"\"")
	if !d.Attribute.Equal(keyPath) {
		t.Fatalf("the error names %v, want key", d.Attribute)
	}
	if g.decoded(rs) != nil {
		t.Fatal("a refused create recorded a state")
	}
	if kv := g.held(); string(kv.Value) != "theirs" {
		t.Fatalf("a refused create overwrote the key with %q", kv.Value)
	}
}

// An update from a stale refresh fails and writes nothing; so does a
// destroy.
func TestServer_guards(t *testing.T) {
	f := newFixture(t)
	rs := f.mustApply(resourceState{}, &config{value: ptr("one")})
	f.put("theirs")
	next, diags := f.apply(rs, &config{value: ptr("two")})
	expectError(t, diags, "Key changed outside Terraform", "Nothing was written")
	if kv := f.held(); string(kv.Value) != "theirs" {
		t.Fatalf("a guarded update overwrote the key with %q", kv.Value)
	}
	if st := f.decoded(next); *st.Value != "one" {
		t.Fatalf("a failed update recorded %+v, want the prior state", st)
	}
	_, diags = f.apply(rs, nil)
	expectError(t, diags, "Key changed outside Terraform")
	if kv := f.held(); kv == nil {
		t.Fatal("a guarded destroy deleted the key")
	}
}

func TestServer_keptOnDestroy(t *testing.T) {
	f := newFixture(t)
	rs := f.mustApply(resourceState{}, &config{value: ptr("v"), deleteOnDestroy: ptr(false)})
	rs = f.mustApply(rs, nil)
	if f.decoded(rs) != nil {
		t.Fatal("state after destroy is not null")
	}
	if kv := f.held(); kv == nil || string(kv.Value) != "v" {
		t.Fatalf("delete_on_destroy = false: etcd holds %v", kv)
	}
}

func TestServer_missingLease(t *testing.T) {
	f := newFixture(t)
	rs, diags := f.apply(resourceState{}, &config{value: ptr("v"), leaseID: ptr(int64(12345))})
	d := expectError(t, diags, "Lease not found", "The lease 12345 (3039)", "Nothing was written")
	if !d.Attribute.Equal(leaseIDPath) || f.decoded(rs) != nil || f.held() != nil {
		t.Fatalf("attribute %v, state %v, etcd %v", d.Attribute, f.decoded(rs), f.held())
	}
}

func TestServer_leaseAttaches(t *testing.T) {
	f := newFixture(t)
	lease, err := f.client.GrantLease(t.Context(), 60)
	if err != nil {
		t.Fatal(err)
	}
	id := int64(lease.ID)
	rs := f.mustApply(resourceState{}, &config{value: ptr("v"), leaseID: &id})
	if kv := f.held(); kv.Lease != lease.ID {
		t.Fatalf("key on lease %d, want %d", kv.Lease, lease.ID)
	}
	rs = f.mustApply(rs, &config{value: ptr("v")})
	if kv := f.held(); kv.Lease != etcdclient.NoLease {
		t.Fatalf("unsetting lease_id left the key on lease %d", kv.Lease)
	}
	if st := f.decoded(rs); st.LeaseID != nil {
		t.Fatalf("state lease_id %d after detaching", *st.LeaseID)
	}
}

func TestServer_readRemovesMissingKey(t *testing.T) {
	f := newFixture(t)
	rs := f.mustApply(resourceState{}, &config{value: ptr("v")})
	f.put("changed")
	rs, _ = f.read(rs)
	if st := f.decoded(rs); *st.Value != "changed" || *st.ModRevision != f.held().ModRevision {
		t.Fatalf("read does not show the change: %+v", st)
	}
	if _, err := f.client.Delete(t.Context(), f.key); err != nil {
		t.Fatal(err)
	}
	rs, resp := f.read(rs)
	if f.decoded(rs) != nil {
		t.Fatal("a key deleted outside Terraform is still in the state")
	}
	if resp.NewIdentity == nil {
		t.Fatal("no identity after a read that removed the resource")
	}
}

func TestServer_import(t *testing.T) {
	f := newFixture(t)
	f.put("\x00\xff")
	for name, req := range map[string]*tfprotov6.ImportResourceStateRequest{
		"by ID":       {TypeName: TypeName, ID: f.key},
		"by identity": {TypeName: TypeName, Identity: identity.Encode(f.key, nil)},
	} {
		t.Run(name, func(t *testing.T) {
			resp, err := f.server.ImportResourceState(t.Context(), req)
			if err != nil {
				t.Fatal(err)
			}
			expectNoErrors(t, resp.Diagnostics)
			if len(resp.ImportedResources) != 1 {
				t.Fatalf("imported %d resources", len(resp.ImportedResources))
			}
			r := resp.ImportedResources[0]
			rs, _ := f.read(resourceState{state: r.State, private: r.Private})
			st := f.decoded(rs)
			if st.Key != f.key || st.Value != nil || *st.ValueBase64 != "AP8=" || *st.ModRevision != f.held().ModRevision {
				t.Fatalf("imported %+v", st)
			}
		})
	}
	resp, err := f.server.ImportResourceState(t.Context(), &tfprotov6.ImportResourceStateRequest{TypeName: TypeName})
	if err != nil {
		t.Fatal(err)
	}
	expectError(t, resp.Diagnostics, "Invalid import ID", "terraform import etcd_key.db_host /app/config/db_host")
}

// value_wo is written, never recorded; a change in etcd shows as drift with
// a warning, and apply writes the value back.
func TestServer_writeOnly(t *testing.T) {
	f := newFixture(t)
	wo := config{valueWO: ptr("s3cret"), woVersion: ptr(int64(1))}
	rs := f.mustApply(resourceState{}, &wo)
	if kv := f.held(); string(kv.Value) != "s3cret" {
		t.Fatalf("etcd holds %q", kv.Value)
	}
	if st := f.decoded(rs); st.Value != nil || st.ValueBase64 != nil {
		t.Fatalf("the state records the write-only value: %+v", st)
	}
	if strings.Contains(string(rs.private), "s3cret") {
		t.Fatal("private state holds the value")
	}
	if w := readWriteOnly(rs.private); w == nil || !w.Fingerprint.Matches([]byte("s3cret")) || w.Drift {
		t.Fatalf("private state %s holds no fingerprint of the value", rs.private)
	}

	// No change: an empty plan.
	rs, _ = f.read(rs)
	resp := f.plan(rs, &wo)
	if len(resp.Diagnostics) != 0 {
		t.Fatalf("diagnostics for an unchanged value_wo: %+v", resp.Diagnostics)
	}
	if p := f.decodedAttrs(resp.PlannedState); !p["mod_revision"].IsKnown() {
		t.Fatal("an unchanged value_wo plans a write")
	}

	f.put("tampered")
	rs, _ = f.read(rs)
	if w := readWriteOnly(rs.private); w == nil || !w.Drift {
		t.Fatal("read does not record the drift")
	}
	resp = f.plan(rs, &wo)
	// No attribute path: Terraform would print the configuration line of
	// value_wo, which may hold the secret.
	if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Summary != "Value changed outside Terraform" || strings.Contains(resp.Diagnostics[0].Detail, "tampered") || resp.Diagnostics[0].Attribute != nil {
		t.Fatalf("drift warning: %+v", resp.Diagnostics)
	}
	if p := f.decodedAttrs(resp.PlannedState); p["mod_revision"].IsKnown() || p["version"].IsKnown() {
		t.Fatal("drift plans no write")
	}
	rs, diags := f.applyPlanned(rs, &wo, resp)
	expectNoErrors(t, diags)
	if kv := f.held(); string(kv.Value) != "s3cret" {
		t.Fatalf("apply did not write value_wo back: etcd holds %q", kv.Value)
	}
	if w := readWriteOnly(rs.private); w == nil || w.Drift {
		t.Fatal("the drift is still recorded after the write")
	}

	// Switching to value forgets the fingerprint.
	rs = f.mustApply(rs, &config{value: ptr("plain")})
	if rs.private != nil {
		t.Fatalf("private state after switching to value: %s", rs.private)
	}
}

// Private state written by terraform-plugin-framework v1.19 (when it served
// etcd_key, for value_wo = "s3cret") still reads: the framework stored a
// JSON object of key to base64 of JSON.
func TestPrivate_frameworkFormat(t *testing.T) {
	w := readWriteOnly([]byte(frameworkPrivate))
	if w == nil || !w.Fingerprint.Matches([]byte("s3cret")) || w.Fingerprint.Matches([]byte("other")) {
		t.Fatalf("framework private state %s does not read", frameworkPrivate)
	}
	// What is written reads back the same way as the framework reads it.
	var data map[string][]byte
	if err := json.Unmarshal(newWriteOnly("x").private(), &data); err != nil {
		t.Fatal(err)
	}
	var back writeOnlyPrivate
	if err := json.Unmarshal(data["value_wo"], &back); err != nil || !back.Fingerprint.Matches([]byte("x")) {
		t.Fatalf("written private state does not read as the framework's format: %v", err)
	}
	if readWriteOnly([]byte(`{"value_wo":"bm90IGpzb24="}`)) != nil || readWriteOnly([]byte(`{"other":{}}`)) != nil || readWriteOnly(nil) != nil {
		t.Fatal("foreign private state reads as a fingerprint")
	}
}

func TestUpgradeState(t *testing.T) {
	f := newFixture(t)
	resp, err := f.server.UpgradeResourceState(t.Context(), &tfprotov6.UpgradeResourceStateRequest{
		TypeName: TypeName, Version: 0,
		RawState: &tfprotov6.RawState{JSON: []byte(`{"id":"/k","key":"/k","value":"v","mod_revision":7,"gone":1}`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	expectNoErrors(t, resp.Diagnostics)
	attrs := f.decodedAttrs(resp.UpgradedState)
	var rev big.Float
	if err := attrs["mod_revision"].As(&rev); err != nil || rev.Cmp(big.NewFloat(7)) != 0 {
		t.Fatalf("upgraded mod_revision %v", attrs["mod_revision"])
	}
}

// frameworkPrivate is the private state terraform-plugin-framework v1.19
// returned from a create of etcd_key with value_wo = "s3cret" (through the
// framework etcd_key of commit 2a00345).
const frameworkPrivate = `{"value_wo":"eyJmaW5nZXJwcmludCI6eyJzYWx0IjoiVzVuNXcyQlpZQTB6MjdTUWxtRURkdz09IiwiaGFzaCI6IjJwbUcrdHlaeThuVGh2aUVLRE5YNm5hS1I4ZXlUNU0wQzdtbU5MV2VRVTQ9IiwidCI6MiwibSI6MTk0NTYsInAiOjF9fQ=="}`

// Generated configuration holds the arguments of the state, an empty value
// included, and none of the computed attributes.
func TestGenerateResourceConfig(t *testing.T) {
	f := newFixture(t)
	f.put("")
	imported, err := f.server.ImportResourceState(t.Context(), &tfprotov6.ImportResourceStateRequest{TypeName: TypeName, ID: f.key})
	if err != nil {
		t.Fatal(err)
	}
	rs, _ := f.read(resourceState{state: imported.ImportedResources[0].State})
	resp, err := f.server.GenerateResourceConfig(t.Context(), &tfprotov6.GenerateResourceConfigRequest{TypeName: TypeName, State: rs.state})
	if err != nil {
		t.Fatal(err)
	}
	expectNoErrors(t, resp.Diagnostics)
	c := f.decodedAttrs(resp.Config)
	for _, computed := range []string{"id", "create_revision", "mod_revision", "version"} {
		if !c[computed].IsNull() {
			t.Errorf("generated configuration sets the computed %s", computed)
		}
	}
	if !c["key"].Equal(tftypes.NewValue(tftypes.String, f.key)) || !c["value"].Equal(tftypes.NewValue(tftypes.String, "")) {
		t.Fatalf("generated key %v, value %v", c["key"], c["value"])
	}
}
