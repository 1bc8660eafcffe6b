package provider

import (
	"fmt"
	mathbig "math/big"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
)

// Protocol-level tests of the list resources: ListResource and
// ValidateListResourceConfig requests against the muxed server, configured
// with ConfigureProvider for the shared test etcd, as Terraform sends them
// for `terraform query`. No CLI is involved.

// listServer is the muxed provider server, configured, with the schemas
// needed to encode list configurations and decode results.
type listServer struct {
	t          *testing.T
	server     tfprotov6.ProviderServerWithListResource
	schemas    *tfprotov6.GetProviderSchemaResponse
	identities map[string]*tfprotov6.ResourceIdentitySchema
}

func newListServer(t *testing.T, cfg etcdclient.Config) *listServer {
	t.Helper()
	muxed, err := NewServer("test")()
	if err != nil {
		t.Fatal(err)
	}
	server, ok := muxed.(tfprotov6.ProviderServerWithListResource)
	if !ok {
		t.Fatalf("the muxed server (%T) does not serve list resources", muxed)
	}
	ctx := t.Context()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || hasErrors(schemas.Diagnostics) {
		t.Fatalf("GetProviderSchema: %v %v", err, diagText(schemas.Diagnostics))
	}
	ids, err := server.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil || hasErrors(ids.Diagnostics) {
		t.Fatalf("GetResourceIdentitySchemas: %v %v", err, diagText(ids.Diagnostics))
	}
	s := &listServer{t: t, server: server, schemas: schemas, identities: ids.IdentitySchemas}
	endpoints := make([]tftypes.Value, len(cfg.Endpoints))
	for i, e := range cfg.Endpoints {
		endpoints[i] = tftypes.NewValue(tftypes.String, e)
	}
	config := objectValue(t, schemas.Provider.ValueType(), map[string]tftypes.Value{
		"endpoints": tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, endpoints),
	})
	resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: config})
	if err != nil || hasErrors(resp.Diagnostics) {
		t.Fatalf("ConfigureProvider: %v %v", err, diagText(resp.Diagnostics))
	}
	return s
}

// objectValue encodes an object of typ with the given attributes, the rest
// null.
func objectValue(t *testing.T, typ tftypes.Type, set map[string]tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	obj, ok := typ.(tftypes.Object)
	if !ok {
		t.Fatalf("%s is not an object type", typ)
	}
	attrs := map[string]tftypes.Value{}
	for name, at := range obj.AttributeTypes {
		attrs[name] = tftypes.NewValue(at, nil)
	}
	for name, v := range set {
		if _, ok := attrs[name]; !ok {
			t.Fatalf("no attribute %q in %s", name, typ)
		}
		attrs[name] = v
	}
	dv, err := tfprotov6.NewDynamicValue(obj, tftypes.NewValue(obj, attrs))
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

// listConfig is a list block's configuration: attribute name to a Go
// string, bool or int, or a tftypes.Value as is.
type listConfig map[string]any

func (s *listServer) config(typeName string, cfg listConfig) *tfprotov6.DynamicValue {
	s.t.Helper()
	schema, ok := s.schemas.ListResourceSchemas[typeName]
	if !ok {
		s.t.Fatalf("no list resource schema for %s", typeName)
	}
	set := map[string]tftypes.Value{}
	for name, v := range cfg {
		switch v := v.(type) {
		case string:
			set[name] = tftypes.NewValue(tftypes.String, v)
		case bool:
			set[name] = tftypes.NewValue(tftypes.Bool, v)
		case int:
			set[name] = tftypes.NewValue(tftypes.Number, int64(v))
		case float64:
			set[name] = tftypes.NewValue(tftypes.Number, v)
		case tftypes.Value:
			set[name] = v
		default:
			s.t.Fatalf("unsupported config value %T", v)
		}
	}
	return objectValue(s.t, schema.ValueType(), set)
}

// listed is one list result, decoded.
type listed struct {
	display  string
	identity map[string]tftypes.Value
	resource map[string]tftypes.Value // nil unless include_resource
}

// id is the identity attribute attr as a string.
func (l listed) id(attr string) string {
	s, _ := stringOf(l.identity[attr])
	return s
}

// list sends a ListResource request and reads the whole stream.
func (s *listServer) list(typeName string, cfg listConfig, includeResource bool, limit int64) ([]listed, []*tfprotov6.Diagnostic) {
	s.t.Helper()
	stream, err := s.server.ListResource(s.t.Context(), &tfprotov6.ListResourceRequest{
		TypeName: typeName, Config: s.config(typeName, cfg), IncludeResource: includeResource, Limit: limit,
	})
	if err != nil {
		s.t.Fatalf("ListResource %s: %v", typeName, err)
	}
	var out []listed
	var diags []*tfprotov6.Diagnostic
	for r := range stream.Results {
		diags = append(diags, r.Diagnostics...)
		if r.Identity == nil {
			continue
		}
		l := listed{display: r.DisplayName, identity: s.decode(r.Identity.IdentityData, s.identities[typeName].ValueType())}
		if r.Resource != nil {
			l.resource = s.decode(r.Resource, s.schemas.ResourceSchemas[typeName].ValueType())
		}
		out = append(out, l)
	}
	return out, diags
}

// mustList is list that fails the test on any diagnostic.
func (s *listServer) mustList(typeName string, cfg listConfig, includeResource bool, limit int64) []listed {
	s.t.Helper()
	out, diags := s.list(typeName, cfg, includeResource, limit)
	if len(diags) > 0 {
		s.t.Fatalf("ListResource %s: %s", typeName, diagText(diags))
	}
	return out
}

// validate sends a ValidateListResourceConfig request.
func (s *listServer) validate(typeName string, cfg listConfig) []*tfprotov6.Diagnostic {
	s.t.Helper()
	resp, err := s.server.ValidateListResourceConfig(s.t.Context(), &tfprotov6.ValidateListResourceConfigRequest{
		TypeName: typeName, Config: s.config(typeName, cfg),
	})
	if err != nil {
		s.t.Fatalf("ValidateListResourceConfig %s: %v", typeName, err)
	}
	return resp.Diagnostics
}

// expectAttrError checks that diags hold one error on attribute attr whose
// summary or detail contains want.
func expectAttrError(t *testing.T, diags []*tfprotov6.Diagnostic, attr, want string) {
	t.Helper()
	for _, d := range diags {
		if d.Severity != tfprotov6.DiagnosticSeverityError || !strings.Contains(d.Summary+" "+d.Detail, want) {
			continue
		}
		if d.Attribute == nil || d.Attribute.String() != tftypes.NewAttributePath().WithAttributeName(attr).String() {
			t.Fatalf("the error %q is not attached to %q but to %v", d.Summary, attr, d.Attribute)
		}
		return
	}
	t.Fatalf("no error about %q containing %q in %s", attr, want, diagText(diags))
}

func (s *listServer) decode(dv *tfprotov6.DynamicValue, typ tftypes.Type) map[string]tftypes.Value {
	s.t.Helper()
	v, err := dv.Unmarshal(typ)
	if err != nil {
		s.t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		s.t.Fatal(err)
	}
	return attrs
}

func stringOf(v tftypes.Value) (string, bool) {
	if v.IsNull() || !v.IsKnown() {
		return "", false
	}
	var s string
	_ = v.As(&s)
	return s, true
}

// int64Of is a whole number attribute (0 when null).
func int64Of(v tftypes.Value) int64 {
	if v.IsNull() || !v.IsKnown() {
		return 0
	}
	var f mathbig.Float
	_ = v.As(&f)
	n, _ := f.Int64()
	return n
}

func hasErrors(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}

func diagText(diags []*tfprotov6.Diagnostic) string {
	var b strings.Builder
	for _, d := range diags {
		fmt.Fprintf(&b, "[%s] %s: %s (at %v); ", d.Severity, d.Summary, d.Detail, d.Attribute)
	}
	return b.String()
}

// The keyspace the list tests share: 5,000 keys under 50 application
// prefixes (each with 50 keys under config/ and 50 under flags/), two keys
// directly under the parent that belong to no application, 10 users, 5
// roles with 4 permissions each, and 3 leases. It is written once per test
// binary; the names carry a random part, so other tests' users and roles in
// the shared etcd are told apart.
const (
	listApps        = 50
	listKeysPerPart = 50
	listUsers       = 10
	listRoles       = 5
	listPermsEach   = 4
	listLeases      = 3
)

type listFixture struct {
	etcd   *testEtcd
	apps   string // the parent prefix: <test prefix>apps/
	tag    string // users and roles are named <tag>-user-NN and <tag>-role-N
	keys   map[string]string
	users  map[string][]string // user -> roles, sorted
	roles  map[string][]etcdclient.Permission
	leases map[string]etcdclient.LeaseID // decimal ID -> ID
}

var (
	listFixtureOnce sync.Once
	listFixtureVal  *listFixture
	listFixtureErr  error
)

// sharedListFixture writes the keyspace on first use.
func sharedListFixture(t *testing.T) *listFixture {
	t.Helper()
	listFixtureOnce.Do(func() {
		listFixtureVal, listFixtureErr = writeListFixture(t)
	})
	if listFixtureErr != nil {
		t.Fatalf("writing the list keyspace: %v", listFixtureErr)
	}
	return listFixtureVal
}

func writeListFixture(t *testing.T) (*listFixture, error) {
	target := etcdtest.Shared(t)
	// The fixture outlives this test: its own client, closed when written.
	e := &testEtcd{cfg: target.Config, client: etcdtest.Client(t, target.Config), prefix: etcdtest.Prefix(t)}
	f := &listFixture{
		etcd: e, apps: e.prefix + "apps/", tag: strings.Trim(strings.TrimPrefix(e.prefix, "/etcdtest/"), "/"),
		keys: map[string]string{}, users: map[string][]string{}, roles: map[string][]etcdclient.Permission{}, leases: map[string]etcdclient.LeaseID{},
	}
	f.tag = "lst-" + f.tag[strings.LastIndexByte(f.tag, '-')+1:]
	for a := range listApps {
		for _, part := range []string{"config", "flags"} {
			for k := range listKeysPerPart {
				f.keys[fmt.Sprintf("%sapp-%02d/%s/k%02d", f.apps, a, part, k)] = fmt.Sprintf("value %d.%s.%d", a, part, k)
			}
		}
	}
	f.keys[f.apps+"README"] = "keys directly under the parent belong to no application"
	f.keys[f.apps+"zz-last"] = "x"
	for k, v := range f.keys {
		e.put(t, k, v)
	}
	ctx := t.Context()
	c := e.client
	perms := []etcdclient.PermissionType{etcdclient.PermRead, etcdclient.PermWrite, etcdclient.PermReadWrite}
	for r := range listRoles {
		name := fmt.Sprintf("%s-role-%d", f.tag, r)
		if err := c.CreateRole(ctx, name); err != nil {
			return nil, err
		}
		app := fmt.Sprintf("%sapp-%02d/", f.apps, r)
		for _, p := range []etcdclient.Permission{
			{Key: app, RangeEnd: etcdclient.PrefixRangeEnd(app), Type: perms[r%3]},            // a prefix
			{Key: app + "config/k00", Type: etcdclient.PermRead},                              // one key
			{Key: app + "flags/k10", RangeEnd: app + "flags/k20", Type: etcdclient.PermWrite}, // a range
			{Key: app + "zz", RangeEnd: "\x00", Type: etcdclient.PermReadWrite},               // from a key on
		} {
			if err := c.GrantPermission(ctx, name, p.Key, p.RangeEnd, p.Type); err != nil {
				return nil, err
			}
			f.roles[name] = append(f.roles[name], p)
		}
	}
	for u := range listUsers {
		name := fmt.Sprintf("%s-user-%02d", f.tag, u)
		if err := c.CreateUser(ctx, name, "secret"); err != nil {
			return nil, err
		}
		f.users[name] = []string{}
		for r := range listRoles {
			if (u+r)%3 == 0 {
				role := fmt.Sprintf("%s-role-%d", f.tag, r)
				if err := c.GrantRole(ctx, name, role); err != nil {
					return nil, err
				}
				f.users[name] = append(f.users[name], role)
			}
		}
		sort.Strings(f.users[name])
	}
	for range listLeases {
		l, err := c.GrantLease(ctx, 3600)
		if err != nil {
			return nil, err
		}
		f.leases[fmt.Sprint(int64(l.ID))] = l.ID
	}
	return f, nil
}

// ours keeps the results whose identity attribute attr starts with the
// fixture's tag: the shared etcd also holds other tests' users and roles.
func (f *listFixture) ours(results []listed, attr string) []listed {
	var out []listed
	for _, r := range results {
		if strings.HasPrefix(r.id(attr), f.tag+"-") {
			out = append(out, r)
		}
	}
	return out
}
