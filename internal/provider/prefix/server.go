// Package prefix serves the etcd_prefix resource on terraform-plugin-go.
// It is muxed beside the framework provider, which owns the provider schema
// and configuration; plain protocol code keeps etcd_prefix linear in the
// number of keys (DESIGN.md says why the framework is not used here, with
// BENCHMARKS.md's figures).
package prefix

import (
	"context"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/protocol"
)

// server serves only etcd_prefix; mux routes the rest of the protocol to
// the framework provider.
type server struct {
	protocol.Resource
	connect protocol.Connector
}

var (
	_ tfprotov6.ProviderServer     = (*server)(nil)
	_ tfprotov6.ListResourceServer = (*server)(nil)
)

// NewServer returns the etcd_prefix server, reaching etcd through connect.
func NewServer(connect protocol.Connector) tfprotov6.ProviderServer {
	return &server{
		Resource: protocol.Resource{
			Unrouted: protocol.Unrouted{TypeName: TypeName}, Type: objectType, Identity: identity,
			Schema: resourceSchema, ListSchema: listSchema,
		},
		connect: connect,
	}
}

// objectAttrs decodes an etcd_prefix object; nil when it is null.
func objectAttrs(dv *tfprotov6.DynamicValue) (map[string]tftypes.Value, error) {
	return protocol.ObjectAttrs(dv, objectType)
}

func (s *server) ValidateResourceConfig(_ context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return &tfprotov6.ValidateResourceConfigResponse{Diagnostics: validate(req.Config)}, nil
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

func (s *server) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return s.importState(ctx, req), nil
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
