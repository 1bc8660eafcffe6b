package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-mux/tf6muxserver"
)

// New returns the framework provider, configured through shared.
func New(version string, shared *Shared) func() provider.Provider {
	return func() provider.Provider { return &etcdProvider{version: version, shared: shared} }
}

// NewServer returns a factory for the whole provider: the framework
// provider and the etcd_prefix server muxed into one protocol 6 server,
// sharing one Shared per server instance.
func NewServer(version string) func() (tfprotov6.ProviderServer, error) {
	return func() (tfprotov6.ProviderServer, error) {
		shared := NewShared()
		mux, err := tf6muxserver.NewMuxServer(context.Background(),
			providerserver.NewProtocol6(New(version, shared)()),
			func() tfprotov6.ProviderServer { return newPrefixServer(shared) },
		)
		if err != nil {
			return nil, err
		}
		return mux.ProviderServer(), nil
	}
}
