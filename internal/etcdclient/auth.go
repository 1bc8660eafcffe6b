package etcdclient

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// PermissionType is what a role may do on a key range.
type PermissionType int

// Permission types, as etcdctl names them.
const (
	PermRead PermissionType = iota
	PermWrite
	PermReadWrite
)

func (p PermissionType) String() string {
	switch p {
	case PermRead:
		return "READ"
	case PermWrite:
		return "WRITE"
	case PermReadWrite:
		return "READWRITE"
	}
	return fmt.Sprintf("PermissionType(%d)", int(p))
}

// ParsePermissionType reads READ, WRITE or READWRITE (any case).
func ParsePermissionType(s string) (PermissionType, error) {
	switch strings.ToUpper(s) {
	case "READ":
		return PermRead, nil
	case "WRITE":
		return PermWrite, nil
	case "READWRITE":
		return PermReadWrite, nil
	}
	return 0, fmt.Errorf("permission %q is not one of READ, WRITE, READWRITE", s)
}

func (p PermissionType) pb() clientv3.PermissionType {
	switch p {
	case PermWrite:
		return clientv3.PermissionType(clientv3.PermWrite)
	case PermReadWrite:
		return clientv3.PermissionType(clientv3.PermReadWrite)
	}
	return clientv3.PermissionType(clientv3.PermRead)
}

// Permission grants a role access to the keys in [Key, RangeEnd); an empty
// RangeEnd means the single key Key.
type Permission struct {
	Key      string
	RangeEnd string
	Type     PermissionType
}

// User is an etcd user. Passwords cannot be read back.
type User struct {
	Name  string
	Roles []string
}

// Role is an etcd role with its permissions.
type Role struct {
	Name        string
	Permissions []Permission
}

// AuthStatus reports whether authentication is on.
type AuthStatus struct {
	Enabled bool
	// Revision is the auth store's revision.
	Revision uint64
}

func userSubject(name string) string { return fmt.Sprintf("user %q", name) }

func roleSubject(name string) string { return fmt.Sprintf("role %q", name) }

// authCall runs one auth RPC with the request timeout and wraps its error.
func (c *Client) authCall(ctx context.Context, op, subject string, call func(context.Context) error) error {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	return c.wrap(op, subject, call(ctx))
}

// CreateUser adds a user that authenticates with password.
func (c *Client) CreateUser(ctx context.Context, name, password string) error {
	return c.authCall(ctx, "create", userSubject(name), func(ctx context.Context) error {
		_, err := c.raw.UserAdd(ctx, name, password)
		return err
	})
}

// CreateUserWithoutPassword adds a user that can only authenticate with a
// client certificate whose common name is the user's name (etcd 3.5+).
func (c *Client) CreateUserWithoutPassword(ctx context.Context, name string) error {
	return c.authCall(ctx, "create", userSubject(name), func(ctx context.Context) error {
		_, err := c.raw.UserAddWithOptions(ctx, name, "", &clientv3.UserAddOptions{NoPassword: true})
		return err
	})
}

// DeleteUser removes a user.
func (c *Client) DeleteUser(ctx context.Context, name string) error {
	return c.authCall(ctx, "delete", userSubject(name), func(ctx context.Context) error {
		_, err := c.raw.UserDelete(ctx, name)
		return err
	})
}

// ChangePassword sets a user's password.
func (c *Client) ChangePassword(ctx context.Context, name, password string) error {
	return c.authCall(ctx, "change password of", userSubject(name), func(ctx context.Context) error {
		_, err := c.raw.UserChangePassword(ctx, name, password)
		return err
	})
}

// GrantRole gives a user a role.
func (c *Client) GrantRole(ctx context.Context, user, role string) error {
	return c.authCall(ctx, "grant", fmt.Sprintf("%s to %s", roleSubject(role), userSubject(user)), func(ctx context.Context) error {
		_, err := c.raw.UserGrantRole(ctx, user, role)
		return err
	})
}

// RevokeRole takes a role from a user.
func (c *Client) RevokeRole(ctx context.Context, user, role string) error {
	return c.authCall(ctx, "revoke", fmt.Sprintf("%s from %s", roleSubject(role), userSubject(user)), func(ctx context.Context) error {
		_, err := c.raw.UserRevokeRole(ctx, user, role)
		return err
	})
}

// GetUser returns a user and its roles (sorted), or ErrUserNotFound.
func (c *Client) GetUser(ctx context.Context, name string) (*User, error) {
	u := &User{Name: name}
	err := c.authCall(ctx, "get", userSubject(name), func(ctx context.Context) error {
		resp, err := c.raw.UserGet(ctx, name)
		if err == nil {
			u.Roles = append([]string(nil), resp.Roles...)
			sort.Strings(u.Roles)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// ListUsers returns the user names, sorted.
func (c *Client) ListUsers(ctx context.Context) ([]string, error) {
	var names []string
	err := c.authCall(ctx, "list users", "", func(ctx context.Context) error {
		resp, err := c.raw.UserList(ctx)
		if err == nil {
			names = append(names, resp.Users...)
		}
		return err
	})
	sort.Strings(names)
	return names, err
}

// CreateRole adds a role without permissions.
func (c *Client) CreateRole(ctx context.Context, name string) error {
	return c.authCall(ctx, "create", roleSubject(name), func(ctx context.Context) error {
		_, err := c.raw.RoleAdd(ctx, name)
		return err
	})
}

// DeleteRole removes a role; users that had it lose it.
func (c *Client) DeleteRole(ctx context.Context, name string) error {
	return c.authCall(ctx, "delete", roleSubject(name), func(ctx context.Context) error {
		_, err := c.raw.RoleDelete(ctx, name)
		return err
	})
}

// GrantPermission lets role do perm on [key, rangeEnd). Granting the same
// key and range end again replaces the permission type.
func (c *Client) GrantPermission(ctx context.Context, role, key, rangeEnd string, perm PermissionType) error {
	subject := fmt.Sprintf("to %s on %s", roleSubject(role), rangeSubject(key, rangeEnd))
	return c.authCall(ctx, "grant permission", subject, func(ctx context.Context) error {
		_, err := c.raw.RoleGrantPermission(ctx, role, key, rangeEnd, perm.pb())
		return err
	})
}

// RevokePermission removes the permission of role on exactly [key, rangeEnd).
func (c *Client) RevokePermission(ctx context.Context, role, key, rangeEnd string) error {
	subject := fmt.Sprintf("of %s on %s", roleSubject(role), rangeSubject(key, rangeEnd))
	return c.authCall(ctx, "revoke permission", subject, func(ctx context.Context) error {
		_, err := c.raw.RoleRevokePermission(ctx, role, key, rangeEnd)
		return err
	})
}

// GetRole returns a role and its permissions, or ErrRoleNotFound.
func (c *Client) GetRole(ctx context.Context, name string) (*Role, error) {
	r := &Role{Name: name}
	err := c.authCall(ctx, "get", roleSubject(name), func(ctx context.Context) error {
		resp, err := c.raw.RoleGet(ctx, name)
		if err != nil {
			return err
		}
		for _, p := range resp.Perm {
			r.Permissions = append(r.Permissions, Permission{
				Key: string(p.Key), RangeEnd: string(p.RangeEnd), Type: PermissionType(p.PermType),
			})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// FindPermission returns the permission of the role on exactly [key,
// rangeEnd), or nil.
func (r *Role) FindPermission(key, rangeEnd string) *Permission {
	for i, p := range r.Permissions {
		if p.Key == key && p.RangeEnd == rangeEnd {
			return &r.Permissions[i]
		}
	}
	return nil
}

// ListRoles returns the role names, sorted.
func (c *Client) ListRoles(ctx context.Context) ([]string, error) {
	var names []string
	err := c.authCall(ctx, "list roles", "", func(ctx context.Context) error {
		resp, err := c.raw.RoleList(ctx)
		if err == nil {
			names = append(names, resp.Roles...)
		}
		return err
	})
	sort.Strings(names)
	return names, err
}

// EnableAuth turns authentication on. etcd requires a user "root" with the
// role "root" first; without it the error wraps ErrRootMissing.
func (c *Client) EnableAuth(ctx context.Context) error {
	return c.authCall(ctx, "enable auth", "", func(ctx context.Context) error {
		_, err := c.raw.AuthEnable(ctx)
		return err
	})
}

// DisableAuth turns authentication off (only root may do it).
func (c *Client) DisableAuth(ctx context.Context) error {
	return c.authCall(ctx, "disable auth", "", func(ctx context.Context) error {
		_, err := c.raw.AuthDisable(ctx)
		return err
	})
}

// AuthStatus reports whether authentication is on. etcd 3.4 has no
// AuthStatus RPC (it answers Unimplemented; the RPC arrived in 3.5): there
// the answer comes from an Authenticate call, which fails with "authentication is not enabled" exactly when
// authentication is off, and Revision is 0.
func (c *Client) AuthStatus(ctx context.Context) (*AuthStatus, error) {
	st := &AuthStatus{}
	err := c.authCall(ctx, "auth status", "", func(ctx context.Context) error {
		resp, err := c.raw.AuthStatus(ctx)
		if status.Code(err) == codes.Unimplemented {
			return authEnabledByProbe(ctx, c.raw, st)
		}
		if err == nil {
			st.Enabled, st.Revision = resp.Enabled, resp.AuthRevision
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// SupportsNoPassword reports whether the server knows users without a
// password (etcd 3.5 and later; older servers would store an empty password
// instead), and the version it runs, as the first endpoint that answers
// reports it.
func (c *Client) SupportsNoPassword(ctx context.Context) (bool, string, error) {
	var last error
	for _, ep := range c.cfg.Endpoints {
		if err := c.dialable(ep); err != nil {
			last = err
			continue
		}
		var version string
		err := c.authCall(ctx, "server version", "of endpoint "+ep, func(ctx context.Context) error {
			st, err := c.raw.Status(ctx, ep)
			if err == nil {
				version = st.Version
			}
			return err
		})
		if err == nil {
			return versionAtLeast(version, 3, 5), version, nil
		}
		last = err
	}
	return false, "", last
}

// versionAtLeast reports whether a version such as "3.5.12" is at least
// major.minor. An unreadable version does not count.
func versionAtLeast(version string, major, minor int) bool {
	parts := strings.SplitN(version, ".", 3)
	if len(parts) < 2 {
		return false
	}
	maj, err1 := strconv.Atoi(parts[0])
	mnr, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		return false
	}
	return maj > major || (maj == major && mnr >= minor)
}

// authProbeUser is the user authEnabledByProbe asks for. Whether it exists
// does not matter: any answer but "authentication is not enabled" means
// authentication is on.
const authProbeUser = "terraform-provider-etcd auth status probe"

// authEnabledByProbe tells whether authentication is on without the
// AuthStatus RPC, for etcd 3.4: etcd refuses to authenticate anybody when
// authentication is off ("authentication is not enabled"), and refuses an
// unknown user when it is on ("authentication failed").
func authEnabledByProbe(ctx context.Context, raw *clientv3.Client, st *AuthStatus) error {
	_, err := raw.Authenticate(ctx, authProbeUser, "")
	switch {
	case errors.Is(err, rpctypes.ErrAuthNotEnabled):
		st.Enabled = false
		return nil
	case err == nil, errors.Is(err, rpctypes.ErrAuthFailed), errors.Is(err, rpctypes.ErrUserEmpty):
		st.Enabled = true
		return nil
	}
	return err
}
