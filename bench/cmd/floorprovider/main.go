// Command floorprovider is the benchmarks' floor: a provider with exactly
// the schemas of terraform-provider-etcd (it asks the real server for them)
// whose etcd_prefix and etcd_key do no I/O. Read returns the state, Plan
// the proposed state (id and defaults filled in), Apply the planned state.
// It is written on terraform-plugin-go like etcd_prefix and etcd_key, so
// timing the same configurations against it measures Terraform core and the
// plugin protocol alone; the provider's overhead is then a ratio, not a
// guess.
//
// The benchmarks serve it under the etcd provider's own address through a
// second dev_overrides directory, so the configurations are identical.
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider"
)

func main() {
	server, err := newFloorServer(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	if err := tf6server.Serve("registry.opentofu.org/terraform-etcd/etcd", func() tfprotov6.ProviderServer { return server }); err != nil {
		log.Fatal(err)
	}
}

// floorServer answers the resource calls itself and leaves the rest
// (schemas, metadata, state upgrades: no I/O) to the real provider server.
type floorServer struct {
	tfprotov6.ProviderServer
	schemas    map[string]*tfprotov6.Schema
	identities map[string]*tfprotov6.ResourceIdentitySchema
}

func newFloorServer(ctx context.Context) (*floorServer, error) {
	real, err := provider.NewServer("floor")()
	if err != nil {
		return nil, err
	}
	schemas, err := real.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		return nil, err
	}
	ids, err := real.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		return nil, err
	}
	return &floorServer{ProviderServer: real, schemas: schemas.ResourceSchemas, identities: ids.IdentitySchemas}, nil
}

func (s *floorServer) ConfigureProvider(context.Context, *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	return &tfprotov6.ConfigureProviderResponse{}, nil
}

func (s *floorServer) ValidateResourceConfig(context.Context, *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return &tfprotov6.ValidateResourceConfigResponse{}, nil
}

func (s *floorServer) ReadResource(_ context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	resp := &tfprotov6.ReadResourceResponse{NewState: req.CurrentState, Private: req.Private, NewIdentity: req.CurrentIdentity}
	if resp.NewIdentity == nil {
		attrs, err := s.decode(req.TypeName, req.CurrentState)
		if err != nil {
			return nil, err
		}
		resp.NewIdentity, err = s.identity(req.TypeName, attrs)
		if err != nil {
			return nil, err
		}
	}
	return resp, nil
}

func (s *floorServer) PlanResourceChange(_ context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	attrs, err := s.decode(req.TypeName, req.ProposedNewState)
	if err != nil || attrs == nil { // destroy: the proposed state is null
		return &tfprotov6.PlanResourceChangeResponse{PlannedState: req.ProposedNewState}, err
	}
	for _, a := range s.schemas[req.TypeName].Block.Attributes {
		if a.Computed && attrs[a.Name].IsNull() {
			attrs[a.Name] = s.plannedComputed(req.TypeName, a, attrs)
		}
	}
	return respond(s, req.TypeName, attrs, func(state *tfprotov6.DynamicValue, id *tfprotov6.ResourceIdentityData) *tfprotov6.PlanResourceChangeResponse {
		return &tfprotov6.PlanResourceChangeResponse{PlannedState: state, PlannedIdentity: id, PlannedPrivate: req.PriorPrivate}
	})
}

// plannedComputed is a computed attribute's planned value on create: id is
// the resource's required string (prefix or key), booleans (exclusive)
// default to true, the rest (revisions) are known after apply.
func (s *floorServer) plannedComputed(typeName string, a *tfprotov6.SchemaAttribute, attrs map[string]tftypes.Value) tftypes.Value {
	switch {
	case a.Name == "id":
		for _, b := range s.schemas[typeName].Block.Attributes {
			if b.Required && b.Type.Is(tftypes.String) {
				return attrs[b.Name]
			}
		}
	case a.Type.Is(tftypes.Bool):
		return tftypes.NewValue(tftypes.Bool, true)
	}
	return tftypes.NewValue(a.Type, tftypes.UnknownValue)
}

func (s *floorServer) ApplyResourceChange(_ context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	attrs, err := s.decode(req.TypeName, req.PlannedState)
	if err != nil || attrs == nil { // destroy
		return &tfprotov6.ApplyResourceChangeResponse{NewState: req.PlannedState}, err
	}
	for name, v := range attrs {
		if !v.IsKnown() { // revisions and IDs: a fixed value
			attrs[name] = fixedValue(v.Type())
		}
	}
	return respond(s, req.TypeName, attrs, func(state *tfprotov6.DynamicValue, id *tfprotov6.ResourceIdentityData) *tfprotov6.ApplyResourceChangeResponse {
		return &tfprotov6.ApplyResourceChangeResponse{NewState: state, NewIdentity: id, Private: req.PlannedPrivate}
	})
}

// fixedValue stands in for what a real apply learns from etcd.
func fixedValue(t tftypes.Type) tftypes.Value {
	if t.Is(tftypes.String) {
		return tftypes.NewValue(t, "1")
	}
	return tftypes.NewValue(t, 1)
}

func (s *floorServer) ReadDataSource(context.Context, *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return &tfprotov6.ReadDataSourceResponse{Diagnostics: []*tfprotov6.Diagnostic{{
		Severity: tfprotov6.DiagnosticSeverityError,
		Summary:  "Not in the floor provider",
		Detail:   "The benchmark floor provider serves no data sources.",
	}}}, nil
}

// decode returns a resource object's attributes; nil when it is null.
func (s *floorServer) decode(typeName string, dv *tfprotov6.DynamicValue) (map[string]tftypes.Value, error) {
	v, err := dv.Unmarshal(s.schemas[typeName].ValueType())
	if err != nil || v.IsNull() {
		return nil, err
	}
	var attrs map[string]tftypes.Value
	return attrs, v.As(&attrs)
}

// respond encodes attrs and the identity taken from them into a response.
func respond[R any](s *floorServer, typeName string, attrs map[string]tftypes.Value, build func(*tfprotov6.DynamicValue, *tfprotov6.ResourceIdentityData) R) (R, error) {
	var zero R
	ty := s.schemas[typeName].ValueType()
	state, err := tfprotov6.NewDynamicValue(ty, tftypes.NewValue(ty, attrs))
	if err != nil {
		return zero, err
	}
	id, err := s.identity(typeName, attrs)
	if err != nil {
		return zero, err
	}
	return build(&state, id), nil
}

// identity builds the resource identity from the state attributes of the
// same names (etcd_prefix: prefix, etcd_key: key).
func (s *floorServer) identity(typeName string, attrs map[string]tftypes.Value) (*tfprotov6.ResourceIdentityData, error) {
	schema := s.identities[typeName]
	if schema == nil || attrs == nil {
		return nil, nil
	}
	ty := schema.ValueType()
	idAttrs := map[string]tftypes.Value{}
	for _, a := range schema.IdentityAttributes {
		if !attrs[a.Name].IsFullyKnown() { // a lease's ID before apply
			return nil, nil
		}
		idAttrs[a.Name] = attrs[a.Name]
	}
	dv, err := tfprotov6.NewDynamicValue(ty, tftypes.NewValue(ty, idAttrs))
	if err != nil {
		return nil, err
	}
	return &tfprotov6.ResourceIdentityData{IdentityData: &dv}, nil
}
