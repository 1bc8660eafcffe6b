package etcdclient

import "context"

// AuthStatusByProbe is AuthStatus as it answers on etcd 3.4, which has no
// AuthStatus RPC, for tests against any server.
func (c *Client) AuthStatusByProbe(ctx context.Context) (*AuthStatus, error) {
	st := &AuthStatus{}
	err := c.authCall(ctx, "auth status", "", func(ctx context.Context) error {
		return authEnabledByProbe(ctx, c.raw, st)
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}
