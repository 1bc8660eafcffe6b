package key

import (
	"errors"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/protocol"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/protocol/prototest"
)

func TestMain(m *testing.M) { etcdtest.Main(m) }

type listServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
}

// fixture is an etcd_key server on the shared test etcd, with a client to
// judge what etcd holds and a key of the test's own.
type fixture struct {
	t      *testing.T
	server listServer
	client *etcdclient.Client
	key    string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	client := etcdtest.Client(t, etcdtest.Shared(t).Config)
	conn := protocol.Conn{Client: client}
	srv, ok := NewServer(func() (protocol.Conn, error) { return conn, nil }).(listServer)
	if !ok {
		t.Fatal("the etcd_key server does not serve list resources")
	}
	return &fixture{
		t:      t,
		server: srv,
		client: client,
		key:    etcdtest.Prefix(t) + "k",
	}
}

// unknown marks a configuration value not known until apply.
const unknown = "<unknown>"

// config is an etcd_key configuration; nil pointers are unset. A string
// equal to unknown is an unknown value.
type config struct {
	key             *string // nil: the fixture's key
	value           *string
	valueBase64     *string
	valueWO         *string
	woVersion       *int64
	leaseID         *int64
	unknownLease    bool
	deleteOnDestroy *bool
}

func str(v *string) tftypes.Value {
	if v != nil && *v == unknown {
		return tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	}
	return tftypes.NewValue(tftypes.String, v)
}

// attrs is the configuration as Terraform sends it: computed attributes
// (and whatever c does not set) null.
func (f *fixture) attrs(c config) map[string]tftypes.Value {
	key := &f.key
	if c.key != nil {
		key = c.key
	}
	lease := tftypes.NewValue(tftypes.Number, c.leaseID)
	if c.unknownLease {
		lease = tftypes.NewValue(tftypes.Number, tftypes.UnknownValue)
	}
	return protocol.WithNulls(objectType, map[string]tftypes.Value{
		"key":               str(key),
		"value":             str(c.value),
		"value_base64":      str(c.valueBase64),
		"value_wo":          str(c.valueWO),
		"value_wo_version":  tftypes.NewValue(tftypes.Number, c.woVersion),
		"delete_on_destroy": tftypes.NewValue(tftypes.Bool, c.deleteOnDestroy),
		"lease_id":          lease,
	})
}

func (f *fixture) dv(attrs map[string]tftypes.Value) *tfprotov6.DynamicValue {
	f.t.Helper()
	dv, err := tfprotov6.NewDynamicValue(objectType, tftypes.NewValue(objectType, attrs))
	if err != nil {
		f.t.Fatal(err)
	}
	return &dv
}

// proposed is what Terraform proposes for c: the configuration, with the
// computed attributes of the prior state.
func (f *fixture) proposed(prior *tfprotov6.DynamicValue, c config) *tfprotov6.DynamicValue {
	f.t.Helper()
	attrs := f.attrs(c)
	if p := f.decodedAttrs(prior); p != nil {
		for _, name := range computed {
			attrs[name] = p[name]
		}
	}
	return f.dv(attrs)
}

// resourceState is what Terraform holds between calls.
type resourceState struct {
	state   *tfprotov6.DynamicValue
	private []byte
}

func (rs resourceState) stateOrNull() *tfprotov6.DynamicValue {
	if rs.state == nil {
		return nullState()
	}
	return rs.state
}

// plan asks for the plan from prior to c (c nil: destroy).
func (f *fixture) plan(prior resourceState, c *config) *tfprotov6.PlanResourceChangeResponse {
	f.t.Helper()
	proposed, configDV := nullState(), nullState()
	if c != nil {
		proposed, configDV = f.proposed(prior.state, *c), f.dv(f.attrs(*c))
	}
	resp, err := f.server.PlanResourceChange(f.t.Context(), &tfprotov6.PlanResourceChangeRequest{
		TypeName: TypeName, PriorState: prior.stateOrNull(), ProposedNewState: proposed, Config: configDV, PriorPrivate: prior.private,
	})
	if err != nil {
		f.t.Fatal(err)
	}
	expectNoErrors(f.t, resp.Diagnostics)
	return resp
}

// apply plans and applies the change from prior to c.
func (f *fixture) apply(prior resourceState, c *config) (resourceState, []*tfprotov6.Diagnostic) {
	f.t.Helper()
	planned := f.plan(prior, c)
	return f.applyPlanned(prior, c, planned)
}

func (f *fixture) applyPlanned(prior resourceState, c *config, planned *tfprotov6.PlanResourceChangeResponse) (resourceState, []*tfprotov6.Diagnostic) {
	f.t.Helper()
	configDV := nullState()
	if c != nil {
		configDV = f.dv(f.attrs(*c))
	}
	resp, err := f.server.ApplyResourceChange(f.t.Context(), &tfprotov6.ApplyResourceChangeRequest{
		TypeName: TypeName, PriorState: prior.stateOrNull(), PlannedState: planned.PlannedState, PlannedPrivate: planned.PlannedPrivate, Config: configDV,
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return resourceState{state: resp.NewState, private: resp.Private}, resp.Diagnostics
}

func (f *fixture) mustApply(prior resourceState, c *config) resourceState {
	f.t.Helper()
	next, diags := f.apply(prior, c)
	expectNoErrors(f.t, diags)
	return next
}

func (f *fixture) read(current resourceState) (resourceState, *tfprotov6.ReadResourceResponse) {
	f.t.Helper()
	resp, err := f.server.ReadResource(f.t.Context(), &tfprotov6.ReadResourceRequest{
		TypeName: TypeName, CurrentState: current.state, Private: current.private,
	})
	if err != nil {
		f.t.Fatal(err)
	}
	expectNoErrors(f.t, resp.Diagnostics)
	return resourceState{state: resp.NewState, private: resp.Private}, resp
}

func (f *fixture) decodedAttrs(dv *tfprotov6.DynamicValue) map[string]tftypes.Value {
	f.t.Helper()
	attrs, err := objectAttrs(dv)
	if err != nil {
		f.t.Fatal(err)
	}
	return attrs
}

// decoded returns the state's object, or nil when it is null.
func (f *fixture) decoded(rs resourceState) *object {
	f.t.Helper()
	o, err := decode(rs.state)
	if err != nil {
		f.t.Fatal(err)
	}
	return o
}

// held returns what etcd holds at the fixture's key; nil when nothing.
func (f *fixture) held() *etcdclient.KeyValue {
	f.t.Helper()
	kv, err := f.client.Get(f.t.Context(), f.key)
	if errors.Is(err, etcdclient.ErrKeyNotFound) {
		return nil
	}
	if err != nil {
		f.t.Fatal(err)
	}
	return kv
}

func (f *fixture) put(value string) {
	f.t.Helper()
	if _, err := f.client.Raw().Put(f.t.Context(), f.key, value); err != nil {
		f.t.Fatal(err)
	}
}

func ptr[T any](v T) *T { return &v }

var (
	expectNoErrors = prototest.ExpectNoErrors
	expectError    = prototest.ExpectError
)
