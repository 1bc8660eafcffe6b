package protocol

import (
	"context"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Unrouted answers, for a server of one resource type muxed beside the
// framework provider, the calls that belong to the framework provider (the
// provider configuration) and those the mux never routes to it (data
// sources, functions, ephemeral resources, moves). Embed it in the server.
type Unrouted struct {
	TypeName string // the resource type the server serves
}

// The framework provider validates and applies the provider configuration.
func (Unrouted) ValidateProviderConfig(_ context.Context, req *tfprotov6.ValidateProviderConfigRequest) (*tfprotov6.ValidateProviderConfigResponse, error) {
	return &tfprotov6.ValidateProviderConfigResponse{PreparedConfig: req.Config}, nil
}

func (Unrouted) ConfigureProvider(context.Context, *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	return &tfprotov6.ConfigureProviderResponse{}, nil
}

func (Unrouted) StopProvider(context.Context, *tfprotov6.StopProviderRequest) (*tfprotov6.StopProviderResponse, error) {
	return &tfprotov6.StopProviderResponse{}, nil
}

func (u Unrouted) MoveResourceState(context.Context, *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return &tfprotov6.MoveResourceStateResponse{Diagnostics: Unsupported(u.TypeName, "moving resource state into "+u.TypeName)}, nil
}

func (u Unrouted) ValidateDataResourceConfig(context.Context, *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return &tfprotov6.ValidateDataResourceConfigResponse{Diagnostics: Unsupported(u.TypeName, "data sources")}, nil
}

func (u Unrouted) ReadDataSource(context.Context, *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return &tfprotov6.ReadDataSourceResponse{Diagnostics: Unsupported(u.TypeName, "data sources")}, nil
}

func (u Unrouted) CallFunction(context.Context, *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	return &tfprotov6.CallFunctionResponse{Error: &tfprotov6.FunctionError{Text: "functions are not served by the " + u.TypeName + " server"}}, nil
}

func (Unrouted) GetFunctions(context.Context, *tfprotov6.GetFunctionsRequest) (*tfprotov6.GetFunctionsResponse, error) {
	return &tfprotov6.GetFunctionsResponse{Functions: map[string]*tfprotov6.Function{}}, nil
}

func (u Unrouted) ValidateEphemeralResourceConfig(context.Context, *tfprotov6.ValidateEphemeralResourceConfigRequest) (*tfprotov6.ValidateEphemeralResourceConfigResponse, error) {
	return &tfprotov6.ValidateEphemeralResourceConfigResponse{Diagnostics: Unsupported(u.TypeName, "ephemeral resources")}, nil
}

func (u Unrouted) OpenEphemeralResource(context.Context, *tfprotov6.OpenEphemeralResourceRequest) (*tfprotov6.OpenEphemeralResourceResponse, error) {
	return &tfprotov6.OpenEphemeralResourceResponse{Diagnostics: Unsupported(u.TypeName, "ephemeral resources")}, nil
}

func (u Unrouted) RenewEphemeralResource(context.Context, *tfprotov6.RenewEphemeralResourceRequest) (*tfprotov6.RenewEphemeralResourceResponse, error) {
	return &tfprotov6.RenewEphemeralResourceResponse{Diagnostics: Unsupported(u.TypeName, "ephemeral resources")}, nil
}

func (u Unrouted) CloseEphemeralResource(context.Context, *tfprotov6.CloseEphemeralResourceRequest) (*tfprotov6.CloseEphemeralResourceResponse, error) {
	return &tfprotov6.CloseEphemeralResourceResponse{Diagnostics: Unsupported(u.TypeName, "ephemeral resources")}, nil
}

// Capabilities are the server capabilities of a resource server.
var Capabilities = &tfprotov6.ServerCapabilities{GetProviderSchemaOptional: true, PlanDestroy: true}

// Resource answers, for a server of one resource type (and the list
// resource of the same name), the calls whose answer follows from its
// schemas: metadata, schemas, and stored state and identity. Embed it in
// the server, which serves the rest of the resource's calls.
type Resource struct {
	Unrouted
	Type       tftypes.Object
	Identity   StringIdentity
	Schema     func() *tfprotov6.Schema // the resource's
	ListSchema func() *tfprotov6.Schema // the list resource's
}

func (r Resource) GetMetadata(context.Context, *tfprotov6.GetMetadataRequest) (*tfprotov6.GetMetadataResponse, error) {
	return &tfprotov6.GetMetadataResponse{
		ServerCapabilities: Capabilities,
		Resources:          []tfprotov6.ResourceMetadata{{TypeName: r.TypeName}},
		ListResources:      []tfprotov6.ListResourceMetadata{{TypeName: r.TypeName}},
	}, nil
}

func (r Resource) GetProviderSchema(context.Context, *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	return &tfprotov6.GetProviderSchemaResponse{
		ServerCapabilities:       Capabilities,
		ResourceSchemas:          map[string]*tfprotov6.Schema{r.TypeName: r.Schema()},
		DataSourceSchemas:        map[string]*tfprotov6.Schema{},
		EphemeralResourceSchemas: map[string]*tfprotov6.Schema{},
		Functions:                map[string]*tfprotov6.Function{},
		ListResourceSchemas:      map[string]*tfprotov6.Schema{r.TypeName: r.ListSchema()},
	}, nil
}

func (r Resource) GetResourceIdentitySchemas(context.Context, *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error) {
	return &tfprotov6.GetResourceIdentitySchemasResponse{
		IdentitySchemas: map[string]*tfprotov6.ResourceIdentitySchema{r.TypeName: r.Identity.Schema()},
	}, nil
}

func (r Resource) UpgradeResourceState(_ context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return UpgradeState(r.TypeName, r.Type, req), nil
}

func (r Resource) UpgradeResourceIdentity(_ context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return r.Identity.Upgrade(req), nil
}
