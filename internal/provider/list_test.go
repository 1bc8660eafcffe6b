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
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
)

// Protocol-level tests of the list resources: ListResource and
// ValidateListResourceConfig requests against the muxed server, configured
// with ConfigureProvider for the shared test etcd, as Terraform sends them
// for `terraform query`. No CLI is involved.

// listProtocol is what the muxed server serves: the provider protocol with
// list resources.
type listProtocol interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
}

// listServer is the muxed provider server, configured, with the schemas
// needed to encode list configurations and decode results.
type listServer struct {
	t          *testing.T
	server     listProtocol
	schemas    *tfprotov6.GetProviderSchemaResponse
	identities map[string]*tfprotov6.ResourceIdentitySchema
}

func newListServer(t *testing.T, cfg etcdclient.Config) *listServer {
	t.Helper()
	muxed, err := NewServer("test")()
	if err != nil {
		t.Fatal(err)
	}
	server, ok := muxed.(listProtocol)
	if !ok {
		t.Fatalf("the muxed server (%T) does not serve list resources", muxed)
	}
	schemas := configureForTest(t, server, cfg)
	ids, err := server.GetResourceIdentitySchemas(t.Context(), &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil || hasErrors(ids.Diagnostics) {
		t.Fatalf("GetResourceIdentitySchemas: %v %v", err, diagText(ids.Diagnostics))
	}
	return &listServer{t: t, server: server, schemas: schemas, identities: ids.IdentitySchemas}
}

// configureForTest reads the provider's schemas and configures it with the
// endpoints of cfg, as Terraform does before anything else.
func configureForTest(t *testing.T, server tfprotov6.ProviderServer, cfg etcdclient.Config) *tfprotov6.GetProviderSchemaResponse {
	t.Helper()
	ctx := t.Context()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || hasErrors(schemas.Diagnostics) {
		t.Fatalf("GetProviderSchema: %v %v", err, diagText(schemas.Diagnostics))
	}
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
	return schemas
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
	return configValue(s.t, schema.ValueType(), cfg)
}

// configValue is a block's configuration of type typ from cfg: attribute
// name to a Go string, bool or number, or a tftypes.Value as is; the other
// attributes are null.
func configValue(t *testing.T, typ tftypes.Type, cfg map[string]any) *tfprotov6.DynamicValue {
	t.Helper()
	set := map[string]tftypes.Value{}
	for name, v := range cfg {
		switch v := v.(type) {
		case string:
			set[name] = tftypes.NewValue(tftypes.String, v)
		case bool:
			set[name] = tftypes.NewValue(tftypes.Bool, v)
		case int:
			set[name] = tftypes.NewValue(tftypes.Number, int64(v))
		case int64, float64:
			set[name] = tftypes.NewValue(tftypes.Number, v)
		case tftypes.Value:
			set[name] = v
		default:
			t.Fatalf("unsupported config value %T", v)
		}
	}
	return objectValue(t, typ, set)
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

// listSizes is how much a list fixture holds; each role has listPermsEach
// permissions on the application of its number, so roles <= apps.
type listSizes struct{ apps, keysPerPart, users, roles, leases int }

var fullListSizes = listSizes{listApps, listKeysPerPart, listUsers, listRoles, listLeases}

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
		listFixtureVal, listFixtureErr = writeListFixture(t, fullListSizes)
	})
	if listFixtureErr != nil {
		t.Fatalf("writing the list keyspace: %v", listFixtureErr)
	}
	return listFixtureVal
}

func writeListFixture(t *testing.T, n listSizes) (*listFixture, error) {
	target := etcdtest.Shared(t)
	// The fixture outlives this test: its own client, closed when written.
	e := &testEtcd{cfg: target.Config, client: etcdtest.Client(t, target.Config), prefix: etcdtest.Prefix(t)}
	f := &listFixture{
		etcd: e, apps: e.prefix + "apps/", tag: strings.Trim(strings.TrimPrefix(e.prefix, "/etcdtest/"), "/"),
		keys: map[string]string{}, users: map[string][]string{}, roles: map[string][]etcdclient.Permission{}, leases: map[string]etcdclient.LeaseID{},
	}
	f.tag = "lst-" + f.tag[strings.LastIndexByte(f.tag, '-')+1:]
	for a := range n.apps {
		for _, part := range []string{"config", "flags"} {
			for k := range n.keysPerPart {
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
	for r := range n.roles {
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
	for u := range n.users {
		name := fmt.Sprintf("%s-user-%02d", f.tag, u)
		if err := c.CreateUser(ctx, name, "secret"); err != nil {
			return nil, err
		}
		f.users[name] = []string{}
		for r := range n.roles {
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
	for range n.leases {
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

// What the list resources return imports with an empty plan: the results
// (with include_resource) become resource blocks written the way
// `terraform query -generate-config-out` writes them (arguments only, no
// nulls, no empty optional strings) and import blocks by identity, and the
// plan after the import is empty. The keyspace is the test's own, since
// the test destroys what it imported.
func TestAccListResults_importByIdentity(t *testing.T) {
	requireCLI(t, featureResourceIdentity)
	target := etcdtest.Shared(t)
	f, err := writeListFixture(t, listSizes{apps: 3, keysPerPart: 3, users: 3, roles: 2, leases: 2})
	if err != nil {
		t.Fatal(err)
	}
	s := newListServer(t, target.Config)
	var b strings.Builder
	n := 0
	add := func(typeName string, results []listed) {
		for _, r := range results {
			n++
			s.writeGenerated(&b, typeName, fmt.Sprintf("r%03d", n), r)
		}
	}
	add("etcd_prefix", s.mustList("etcd_prefix", listConfig{"prefix": f.apps}, true, 0))
	add("etcd_key", s.mustList("etcd_key", listConfig{"key": f.apps + "README"}, true, 0))
	add("etcd_key", s.mustList("etcd_key", listConfig{"key": f.apps + "zz-last"}, true, 0))
	add("etcd_user", f.ours(s.mustList("etcd_user", listConfig{}, true, 0), "name"))
	add("etcd_role", f.ours(s.mustList("etcd_role", listConfig{}, true, 0), "name"))
	for role := range f.roles {
		add("etcd_role_permission", s.mustList("etcd_role_permission", listConfig{"role": role}, true, 0))
	}
	var leases []listed
	for _, r := range s.mustList("etcd_lease", listConfig{}, true, 0) {
		if _, ok := f.leases[r.id("id")]; ok {
			leases = append(leases, r)
		}
	}
	add("etcd_lease", leases)
	if want := 3 + 2 + 3 + 2 + 2*listPermsEach + 2; n != want {
		t.Fatalf("listed %d resources, want %d", n, want)
	}
	config := providerConfig(target.Config) + b.String()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}, // imports only
			},
		}},
	})
}

// writeGenerated writes a listed resource as generated configuration and
// an import block by its identity.
func (s *listServer) writeGenerated(b *strings.Builder, typeName, name string, r listed) {
	s.t.Helper()
	if r.resource == nil {
		s.t.Fatalf("%s %s: no resource object", typeName, r.display)
	}
	fmt.Fprintf(b, "resource %q %q {\n", typeName, name)
	attrs := s.schemas.ResourceSchemas[typeName].Block.Attributes
	sort.Slice(attrs, func(i, j int) bool { return attrs[i].Name < attrs[j].Name })
	for _, a := range attrs {
		v := r.resource[a.Name]
		if (a.Computed && !a.Optional) || a.WriteOnly || v.IsNull() {
			continue
		}
		if str, _ := stringOf(v); v.Type().Is(tftypes.String) && str == "" && a.Optional {
			continue
		}
		fmt.Fprintf(b, "  %s = %s\n", a.Name, hclValue(v))
	}
	fmt.Fprintf(b, "}\n\nimport {\n  to = %s.%s\n  identity = {\n", typeName, name)
	names := make([]string, 0, len(r.identity))
	for k := range r.identity {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if !r.identity[k].IsNull() {
			fmt.Fprintf(b, "    %s = %s\n", k, hclValue(r.identity[k]))
		}
	}
	b.WriteString("  }\n}\n\n")
}

// hclValue writes a value as an HCL expression.
func hclValue(v tftypes.Value) string {
	_, isMap := v.Type().(tftypes.Map)
	switch {
	case v.Type().Is(tftypes.String):
		s, _ := stringOf(v)
		return hclString(s)
	case v.Type().Is(tftypes.Bool):
		var x bool
		_ = v.As(&x)
		return fmt.Sprint(x)
	case v.Type().Is(tftypes.Number):
		return fmt.Sprint(int64Of(v))
	case isMap:
		var elems map[string]tftypes.Value
		_ = v.As(&elems)
		keys := make([]string, 0, len(elems))
		for k := range elems {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		b.WriteString("{\n")
		for _, k := range keys {
			fmt.Fprintf(&b, "    %s = %s\n", hclString(k), hclValue(elems[k]))
		}
		b.WriteString("  }")
		return b.String()
	}
	var elems []tftypes.Value
	_ = v.As(&elems)
	parts := make([]string, len(elems))
	for i, e := range elems {
		parts[i] = hclValue(e)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// hclString quotes s for HCL: Go's escapes where HCL has them, \u for other
// control characters, and template sequences doubled.
func hclString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04x`, r)
		case (r == '$' || r == '%') && strings.HasPrefix(s[i+1:], "{"):
			b.WriteRune(r)
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
