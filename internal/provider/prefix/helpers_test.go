package prefix

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/protocol"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/protocol/prototest"
)

func TestMain(m *testing.M) { etcdtest.Main(m) }

// fixture is an etcd_prefix server on the shared test etcd, with a client
// to judge what etcd holds and a prefix of the test's own.
type fixture struct {
	t      *testing.T
	server tfprotov6.ProviderServer
	client *etcdclient.Client
	prefix string
}

func newFixture(t *testing.T, maxTxnOps int) *fixture {
	t.Helper()
	client := etcdtest.Client(t, etcdtest.Shared(t).Config)
	conn := protocol.Conn{Client: client, MaxTxnOps: maxTxnOps}
	return &fixture{
		t:      t,
		server: NewServer(func() (protocol.Conn, error) { return conn, nil }),
		client: client,
		prefix: etcdtest.Prefix(t),
	}
}

// config is an etcd_prefix configuration: keys, or keys_json when asJSON.
type config struct {
	keys      map[string]string
	keysJSON  string
	exclusive *bool
	exclude   []string
	// keysBase64 is keys_base64, raw values that value() encodes.
	keysBase64      map[string]string
	deleteOnDestroy *bool
	// keysWO is keys_wo, and woVersion keys_wo_version.
	keysWO    map[string]string
	woVersion *int64
}

func (f *fixture) value(c config) *tfprotov6.DynamicValue {
	f.t.Helper()
	keys := tftypes.NewValue(keysType, nil)
	if c.keys != nil {
		elems := map[string]tftypes.Value{}
		for k, v := range c.keys {
			elems[k] = tftypes.NewValue(tftypes.String, v)
		}
		keys = tftypes.NewValue(keysType, elems)
	}
	keysJSON := tftypes.NewValue(tftypes.String, nil)
	if c.keysJSON != "" {
		keysJSON = tftypes.NewValue(tftypes.String, c.keysJSON)
	}
	exclude := tftypes.NewValue(excludeType, nil)
	if c.exclude != nil {
		exclude = exclusion(c.exclude).value()
	}
	exclusive := tftypes.NewValue(tftypes.Bool, nil)
	if c.exclusive != nil {
		exclusive = tftypes.NewValue(tftypes.Bool, *c.exclusive)
	}
	keysBase64 := tftypes.NewValue(keysType, nil)
	if c.keysBase64 != nil {
		keysBase64 = tftypes.NewValue(keysType, encodeBase64Keys(c.keysBase64))
	}
	keysWO := tftypes.NewValue(keysType, nil)
	if c.keysWO != nil {
		elems := map[string]tftypes.Value{}
		for k, v := range c.keysWO {
			elems[k] = tftypes.NewValue(tftypes.String, v)
		}
		keysWO = tftypes.NewValue(keysType, elems)
	}
	// Computed attributes are null in a configuration.
	dv, err := tfprotov6.NewDynamicValue(objectType, tftypes.NewValue(objectType, protocol.WithNulls(objectType, map[string]tftypes.Value{
		"prefix":            tftypes.NewValue(tftypes.String, f.prefix),
		"keys":              keys,
		"keys_json":         keysJSON,
		"keys_base64":       keysBase64,
		"exclusive":         exclusive,
		"exclude":           exclude,
		"delete_on_destroy": tftypes.NewValue(tftypes.Bool, c.deleteOnDestroy),
		"keys_wo":           keysWO,
		"keys_wo_version":   tftypes.NewValue(tftypes.Number, c.woVersion),
	})))
	if err != nil {
		f.t.Fatal(err)
	}
	return &dv
}

// resourceState is what Terraform holds between calls.
type resourceState struct {
	state   *tfprotov6.DynamicValue
	private []byte
}

// plan asks for the plan from prior to c (c nil: destroy).
func (f *fixture) plan(prior resourceState, c *config) *tfprotov6.PlanResourceChangeResponse {
	f.t.Helper()
	proposed, config := nullState(), nullState()
	if c != nil {
		// Terraform proposes the configuration's values, write-only ones
		// included; the plan must null those.
		proposed, config = f.value(*c), f.value(*c)
	}
	priorState := prior.state
	if priorState == nil {
		priorState = nullState()
	}
	resp, err := f.server.PlanResourceChange(f.t.Context(), &tfprotov6.PlanResourceChangeRequest{
		TypeName: TypeName, PriorState: priorState, ProposedNewState: proposed, Config: config, PriorPrivate: prior.private,
	})
	if err != nil {
		f.t.Fatal(err)
	}
	expectNoErrors(f.t, resp.Diagnostics)
	return resp
}

// apply plans and applies the change from prior to c, and returns the new
// resource state and the diagnostics.
func (f *fixture) apply(prior resourceState, c *config) (resourceState, []*tfprotov6.Diagnostic) {
	f.t.Helper()
	planned := f.plan(prior, c)
	priorState := prior.state
	if priorState == nil {
		priorState = nullState()
	}
	configDV := nullState()
	if c != nil {
		configDV = f.value(*c)
	}
	resp, err := f.server.ApplyResourceChange(f.t.Context(), &tfprotov6.ApplyResourceChangeRequest{
		TypeName: TypeName, PriorState: priorState, PlannedState: planned.PlannedState, PlannedPrivate: planned.PlannedPrivate, Config: configDV,
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return resourceState{state: resp.NewState, private: resp.Private}, resp.Diagnostics
}

// mustApply is apply that fails the test on an error diagnostic.
func (f *fixture) mustApply(prior resourceState, c *config) resourceState {
	f.t.Helper()
	next, diags := f.apply(prior, c)
	expectNoErrors(f.t, diags)
	return next
}

func (f *fixture) read(current resourceState) (resourceState, []*tfprotov6.Diagnostic) {
	f.t.Helper()
	resp, err := f.server.ReadResource(f.t.Context(), &tfprotov6.ReadResourceRequest{
		TypeName: TypeName, CurrentState: current.state, Private: current.private,
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return resourceState{state: resp.NewState, private: resp.Private}, resp.Diagnostics
}

func (f *fixture) importPrefix() (resourceState, []*tfprotov6.Diagnostic) {
	f.t.Helper()
	resp, err := f.server.ImportResourceState(f.t.Context(), &tfprotov6.ImportResourceStateRequest{TypeName: TypeName, ID: f.prefix})
	if err != nil {
		f.t.Fatal(err)
	}
	if len(resp.ImportedResources) != 1 {
		return resourceState{}, resp.Diagnostics
	}
	r := resp.ImportedResources[0]
	return resourceState{state: r.State, private: r.Private}, resp.Diagnostics
}

// decoded returns the state's object, or nil when it is null.
func (f *fixture) decoded(rs resourceState) *state {
	f.t.Helper()
	st, err := decodeState(rs.state)
	if err != nil {
		f.t.Fatal(err)
	}
	return st
}

// held returns what etcd holds under the test's prefix, relative.
func (f *fixture) held() map[string]string {
	f.t.Helper()
	kvs, err := f.client.List(f.t.Context(), f.prefix)
	if err != nil {
		f.t.Fatal(err)
	}
	out := map[string]string{}
	for _, kv := range kvs {
		out[strings.TrimPrefix(kv.Key, f.prefix)] = string(kv.Value)
	}
	return out
}

func (f *fixture) put(rel, value string) {
	f.t.Helper()
	if _, err := f.client.Raw().Put(f.t.Context(), f.prefix+rel, value); err != nil {
		f.t.Fatal(err)
	}
}

func manyKeys(n int) map[string]string {
	m := make(map[string]string, n)
	for i := range n {
		m[fmt.Sprintf("k%04d", i)] = fmt.Sprintf("v%d", i)
	}
	return m
}

// expectError checks for exactly one error diagnostic containing each of
// the given texts, and returns its detail.
func expectError(t *testing.T, diags []*tfprotov6.Diagnostic, texts ...string) string {
	t.Helper()
	return prototest.Text(prototest.ExpectError(t, diags, texts...))
}

var expectNoErrors = prototest.ExpectNoErrors

func ptr[T any](v T) *T { return &v }

func (f *fixture) del(rel string) {
	f.t.Helper()
	if _, err := f.client.Raw().Delete(f.t.Context(), f.prefix+rel); err != nil {
		f.t.Fatal(err)
	}
}
