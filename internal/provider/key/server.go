// Package key serves the etcd_key resource and its list resource on
// terraform-plugin-go. It is muxed beside the framework provider, which owns
// the provider schema and configuration and still serves the etcd_key data
// source and ephemeral resource. Plain protocol code keeps each of hundreds
// of etcd_key resources cheap: the framework spent most of the provider's
// time walking the schema and reflecting values into structs (see
// BENCHMARKS.md).
package key

import (
	"context"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/protocol"
)

// server serves only etcd_key; mux routes the rest of the protocol to the
// framework provider.
type server struct {
	protocol.Resource
	connect protocol.Connector
}

var (
	_ tfprotov6.ProviderServer     = (*server)(nil)
	_ tfprotov6.ListResourceServer = (*server)(nil)
)

// NewServer returns the etcd_key server, reaching etcd through connect.
func NewServer(connect protocol.Connector) tfprotov6.ProviderServer {
	return &server{
		Resource: protocol.Resource{
			Unrouted: protocol.Unrouted{TypeName: TypeName}, Type: objectType, Identity: identity,
			Schema: resourceSchema, ListSchema: listSchema,
		},
		connect: connect,
	}
}

func (s *server) ValidateResourceConfig(_ context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return &tfprotov6.ValidateResourceConfigResponse{Diagnostics: validate(req)}, nil
}

func (s *server) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return s.read(ctx, req), nil
}

func (s *server) PlanResourceChange(_ context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return plan(req), nil
}

func (s *server) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return s.apply(ctx, req), nil
}

func (s *server) ImportResourceState(_ context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return importState(req), nil
}

func (s *server) GenerateResourceConfig(_ context.Context, req *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	return generateConfig(req), nil
}

func (s *server) ValidateListResourceConfig(_ context.Context, req *tfprotov6.ValidateListResourceConfigRequest) (*tfprotov6.ValidateListResourceConfigResponse, error) {
	return s.validateListConfig(req), nil
}

func (s *server) ListResource(ctx context.Context, req *tfprotov6.ListResourceRequest) (*tfprotov6.ListResourceServerStream, error) {
	return s.list(ctx, req), nil
}
