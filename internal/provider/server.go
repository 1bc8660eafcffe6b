package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-mux/tf6muxserver"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/key"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/prefix"
)

// NewServer returns a factory for the whole provider: the framework
// provider and the etcd_prefix and etcd_key servers muxed into one protocol
// 6 server. Those two reach the client the framework provider configures.
func NewServer(version string) func() (tfprotov6.ProviderServer, error) {
	return func() (tfprotov6.ProviderServer, error) {
		configured := &lastConfigured{}
		framework := &etcdProvider{version: version, configured: configured}
		mux, err := tf6muxserver.NewMuxServer(context.Background(),
			func() tfprotov6.ProviderServer {
				return leaveDefaultsOut(context.Background(), providerserver.NewProtocol6(framework)(), framework)
			},
			func() tfprotov6.ProviderServer { return prefix.NewServer(configured.conn) },
			func() tfprotov6.ProviderServer { return key.NewServer(configured.conn) },
		)
		if err != nil {
			return nil, err
		}
		return mux.ProviderServer(), nil
	}
}
