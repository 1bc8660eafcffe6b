package etcdclient_test

import (
	"testing"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
)

// The way AuthStatus tells whether authentication is on where the
// AuthStatus RPC is missing (etcd 3.4) gives the answer the RPC gives, to
// root and to a client without credentials, with authentication on and
// off. `make test-etcd34` runs the provider's etcd_auth tests on 3.4, where
// it is the only way.
func TestAuthStatusWithoutRPC(t *testing.T) {
	t.Parallel()
	s, root := ownServer(t, etcdtest.WithAuth())
	anonCfg := failFast(s.ClientConfig())
	anonCfg.Username, anonCfg.Password = "", ""
	anon := etcdtest.Client(t, anonCfg)
	ctx := t.Context()
	for i, enabled := range []bool{true, false, true} {
		switch {
		case i > 0 && !enabled:
			if err := root.DisableAuth(ctx); err != nil {
				t.Fatal(err)
			}
		case i > 0:
			if err := root.EnableAuth(ctx); err != nil {
				t.Fatal(err)
			}
		}
		for name, c := range map[string]*etcdclient.Client{"root": root, "anonymous": anon} {
			st, err := c.AuthStatusByProbe(ctx)
			if err != nil || st.Enabled != enabled {
				t.Fatalf("%s: AuthStatus without the RPC = %+v, %v; want enabled %t", name, st, err, enabled)
			}
		}
	}
}
