package etcdclient_test

import (
	"slices"
	"testing"

	"go.etcd.io/etcd/api/v3/version"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
)

// userClient connects to an auth-enabled server as user.
func userClient(t *testing.T, s *etcdtest.Server, user, password string) (*etcdclient.Client, error) {
	t.Helper()
	cfg := failFast(s.ClientConfig())
	cfg.Username, cfg.Password = user, password
	c, err := etcdclient.New(&cfg)
	if err == nil {
		t.Cleanup(func() { _ = c.Close() })
	}
	return c, err
}

func expectList(t *testing.T, what string, got []string, err error, want ...string) {
	t.Helper()
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("%s = %q, %v; want %q", what, got, err, want)
	}
}

func TestAuthUsersAndRoles(t *testing.T) {
	t.Parallel()
	s, root := ownServer(t, etcdtest.WithAuth())
	ctx := t.Context()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	st, err := root.AuthStatus(ctx)
	if err != nil || !st.Enabled || st.Revision == 0 {
		t.Fatalf("AuthStatus = %+v, %v; want enabled", st, err)
	}
	firstRev := st.Revision

	// Users.
	must("CreateUser", root.CreateUser(ctx, "alice", "pw-a"))
	expectErr(t, root.CreateUser(ctx, "alice", "other"), etcdclient.ErrUserExists, `user "alice"`)
	must("CreateUserWithoutPassword", root.CreateUserWithoutPassword(ctx, "bob"))
	users, err := root.ListUsers(ctx)
	expectList(t, "ListUsers", users, err, "alice", "bob", "root")
	_, err = userClient(t, s, "bob", "anything") // no password: only a client certificate will do
	expectErr(t, err, etcdclient.ErrAuthFailed, `user "bob"`)

	// Roles and permissions.
	must("CreateRole", root.CreateRole(ctx, "reader"))
	must("CreateRole", root.CreateRole(ctx, "writer"))
	expectErr(t, root.CreateRole(ctx, "reader"), etcdclient.ErrRoleExists, `role "reader"`)
	roles, err := root.ListRoles(ctx)
	expectList(t, "ListRoles", roles, err, "reader", "root", "writer")

	app, appEnd := "/app/", etcdclient.PrefixRangeEnd("/app/")
	must("GrantPermission", root.GrantPermission(ctx, "reader", app, appEnd, etcdclient.PermRead))
	must("GrantPermission", root.GrantPermission(ctx, "reader", "/single", "", etcdclient.PermReadWrite))
	must("GrantPermission", root.GrantPermission(ctx, "writer", app, appEnd, etcdclient.PermWrite))
	expectErr(t, root.GrantPermission(ctx, "nobody", app, appEnd, etcdclient.PermRead), etcdclient.ErrRoleNotFound, `role "nobody"`)
	expectPerms := func(role string, want ...etcdclient.Permission) {
		t.Helper()
		r, err := root.GetRole(ctx, role)
		if err != nil {
			t.Fatalf("GetRole(%s): %v", role, err)
		}
		if r.Name != role || len(r.Permissions) != len(want) {
			t.Fatalf("GetRole(%s) = %+v, want %+v", role, r, want)
		}
		for _, w := range want {
			if p := r.FindPermission(w.Key, w.RangeEnd); p == nil || *p != w {
				t.Fatalf("role %s: FindPermission(%q, %q) = %+v, want %+v", role, w.Key, w.RangeEnd, p, w)
			}
		}
	}
	expectPerms("reader",
		etcdclient.Permission{Key: app, RangeEnd: appEnd, Type: etcdclient.PermRead},
		etcdclient.Permission{Key: "/single", Type: etcdclient.PermReadWrite})
	expectPerms("writer", etcdclient.Permission{Key: app, RangeEnd: appEnd, Type: etcdclient.PermWrite})
	if r, _ := root.GetRole(ctx, "reader"); r.FindPermission(app, "") != nil || r.FindPermission("/single", "/single0") != nil {
		t.Fatal("FindPermission matched a permission with another range end")
	}

	// Granting the same range again replaces the type.
	must("GrantPermission", root.GrantPermission(ctx, "reader", "/single", "", etcdclient.PermRead))
	expectPerms("reader",
		etcdclient.Permission{Key: app, RangeEnd: appEnd, Type: etcdclient.PermRead},
		etcdclient.Permission{Key: "/single", Type: etcdclient.PermRead})
	must("RevokePermission", root.RevokePermission(ctx, "reader", "/single", ""))
	expectPerms("reader", etcdclient.Permission{Key: app, RangeEnd: appEnd, Type: etcdclient.PermRead})
	expectErr(t, root.RevokePermission(ctx, "reader", "/single", ""), etcdclient.ErrPermNotGranted, `role "reader"`, `"/single"`)

	// Granting roles to users.
	must("GrantRole", root.GrantRole(ctx, "alice", "writer"))
	must("GrantRole", root.GrantRole(ctx, "alice", "reader"))
	expectErr(t, root.GrantRole(ctx, "nobody", "reader"), etcdclient.ErrUserNotFound, `user "nobody"`)
	expectErr(t, root.GrantRole(ctx, "alice", "nothing"), etcdclient.ErrRoleNotFound, `role "nothing"`)
	u, err := root.GetUser(ctx, "alice")
	if err != nil || u.Name != "alice" || !slices.Equal(u.Roles, []string{"reader", "writer"}) {
		t.Fatalf("GetUser(alice) = %+v, %v; want roles reader, writer", u, err)
	}
	must("RevokeRole", root.RevokeRole(ctx, "alice", "writer"))
	expectErr(t, root.RevokeRole(ctx, "alice", "writer"), etcdclient.ErrRoleNotGranted, `role "writer"`, `user "alice"`)
	if u, err := root.GetUser(ctx, "alice"); err != nil || !slices.Equal(u.Roles, []string{"reader"}) {
		t.Fatalf("GetUser(alice) after RevokeRole = %+v, %v", u, err)
	}
	if u, err := root.GetUser(ctx, "root"); err != nil || !slices.Equal(u.Roles, []string{"root"}) {
		t.Fatalf("GetUser(root) = %+v, %v", u, err)
	}
	_, err = root.GetUser(ctx, "nobody")
	expectErr(t, err, etcdclient.ErrUserNotFound, `get user`, `user "nobody"`)
	_, err = root.GetRole(ctx, "nothing")
	expectErr(t, err, etcdclient.ErrRoleNotFound, `get role`, `role "nothing"`)

	// Passwords.
	if _, err := userClient(t, s, "alice", "pw-a"); err != nil {
		t.Fatalf("alice with her password: %v", err)
	}
	must("ChangePassword", root.ChangePassword(ctx, "alice", "pw-a2"))
	_, err = userClient(t, s, "alice", "pw-a")
	expectErr(t, err, etcdclient.ErrAuthFailed, `authentication failed for user "alice"`)
	if _, err := userClient(t, s, "alice", "pw-a2"); err != nil {
		t.Fatalf("alice with her new password: %v", err)
	}
	expectErr(t, root.ChangePassword(ctx, "nobody", "x"), etcdclient.ErrUserNotFound, `user "nobody"`)

	// Deleting.
	must("DeleteRole", root.DeleteRole(ctx, "writer"))
	expectErr(t, root.DeleteRole(ctx, "writer"), etcdclient.ErrRoleNotFound, `role "writer"`)
	must("DeleteUser", root.DeleteUser(ctx, "bob"))
	expectErr(t, root.DeleteUser(ctx, "bob"), etcdclient.ErrUserNotFound, `user "bob"`)
	users, err = root.ListUsers(ctx)
	expectList(t, "ListUsers after DeleteUser", users, err, "alice", "root")
	roles, err = root.ListRoles(ctx)
	expectList(t, "ListRoles after DeleteRole", roles, err, "reader", "root")

	if st, err := root.AuthStatus(ctx); err != nil || st.Revision <= firstRev {
		t.Fatalf("AuthStatus after changes = %+v, %v; want a revision after %d", st, err, firstRev)
	}
}

func TestAuthPermissionDenied(t *testing.T) {
	t.Parallel()
	s, root := ownServer(t, etcdtest.WithAuth())
	ctx := t.Context()
	for _, err := range []error{
		root.CreateUser(ctx, "carol", "pw-c"),
		root.CreateRole(ctx, "ro"),
		root.GrantPermission(ctx, "ro", "/ro/", etcdclient.PrefixRangeEnd("/ro/"), etcdclient.PermRead),
		root.GrantRole(ctx, "carol", "ro"),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	putAll(t, root, "/ro/a", "1", "/other", "2")

	carol, err := userClient(t, s, "carol", "pw-c")
	if err != nil {
		t.Fatal(err)
	}
	expectValue(t, carol, "/ro/a", "1")
	if got := listKeys(t, carol, "/ro/"); !slices.Equal(got, []string{"/ro/a"}) {
		t.Fatalf("carol lists %q", got)
	}

	err = carol.Put(ctx, "/ro/a", "changed")
	expectErr(t, err, etcdclient.ErrPermissionDenied, `key "/ro/a"`, `user "carol"`)
	_, err = carol.Delete(ctx, "/ro/a")
	expectErr(t, err, etcdclient.ErrPermissionDenied, `key "/ro/a"`, `user "carol"`)
	_, err = carol.Get(ctx, "/other")
	expectErr(t, err, etcdclient.ErrPermissionDenied, `key "/other"`, `user "carol"`)
	expectErr(t, carol.CreateUser(ctx, "mallory", "x"), etcdclient.ErrPermissionDenied, `user "mallory"`, `user "carol"`)
	expectValue(t, root, "/ro/a", "1")
}

func TestAuthWrongPassword(t *testing.T) {
	t.Parallel()
	s := etcdtest.New(t, etcdtest.WithAuth())
	_, err := userClient(t, s, "root", "wrong")
	expectErr(t, err, etcdclient.ErrAuthFailed, `authentication failed for user "root"`)
	_, err = userClient(t, s, "nobody", "x")
	expectErr(t, err, etcdclient.ErrAuthFailed, `authentication failed for user "nobody"`)
}

func TestDisableEnableAuth(t *testing.T) {
	t.Parallel()
	s, root := ownServer(t, etcdtest.WithAuth())
	ctx := t.Context()
	anonCfg := failFast(s.ClientConfig())
	anonCfg.Username, anonCfg.Password = "", ""
	anon := etcdtest.Client(t, anonCfg)

	err := anon.Put(ctx, "/k", "v")
	expectErr(t, err, etcdclient.ErrAuthRequired, `key "/k"`, "no username and no client certificate")

	if err := root.DisableAuth(ctx); err != nil {
		t.Fatal(err)
	}
	if st, err := root.AuthStatus(ctx); err != nil || st.Enabled {
		t.Fatalf("AuthStatus after DisableAuth = %+v, %v", st, err)
	}
	mustPut(t, anon, "/k", "anyone may write")
	if err := anon.DisableAuth(ctx); err != nil {
		t.Fatalf("DisableAuth when auth is off: %v; etcd takes it as done", err)
	}

	if err := root.EnableAuth(ctx); err != nil {
		t.Fatal(err)
	}
	if st, err := root.AuthStatus(ctx); err != nil || !st.Enabled {
		t.Fatalf("AuthStatus after EnableAuth = %+v, %v", st, err)
	}
	mustPut(t, root, "/k", "root again") // the client logs in again by itself
	err = anon.Put(ctx, "/k", "v")
	expectErr(t, err, etcdclient.ErrPermissionDenied, `key "/k"`)
}

func TestEnableAuthWithoutRoot(t *testing.T) {
	t.Parallel()
	_, c := ownServer(t)
	ctx := t.Context()
	if st, err := c.AuthStatus(ctx); err != nil || st.Enabled {
		t.Fatalf("AuthStatus of a plain server = %+v, %v", st, err)
	}
	expectErr(t, c.EnableAuth(ctx), etcdclient.ErrRootMissing, "enable auth")

	// A root user without the root role is not enough either.
	if err := c.CreateUser(ctx, "root", "pw"); err != nil {
		t.Fatal(err)
	}
	expectErr(t, c.EnableAuth(ctx), etcdclient.ErrRootMissing)
	if st, err := c.AuthStatus(ctx); err != nil || st.Enabled {
		t.Fatalf("AuthStatus after failed EnableAuth = %+v, %v", st, err)
	}
}

func TestParsePermissionType(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]etcdclient.PermissionType{
		"READ": etcdclient.PermRead, "read": etcdclient.PermRead, "Write": etcdclient.PermWrite,
		"READWRITE": etcdclient.PermReadWrite, "readwrite": etcdclient.PermReadWrite,
	} {
		got, err := etcdclient.ParsePermissionType(in)
		if err != nil || got != want {
			t.Errorf("ParsePermissionType(%q) = %v, %v; want %v", in, got, err, want)
		}
		if back, err := etcdclient.ParsePermissionType(got.String()); err != nil || back != got {
			t.Errorf("ParsePermissionType(%v.String()) = %v, %v", got, back, err)
		}
	}
	for _, in := range []string{"", "RW", "READ WRITE", "admin"} {
		if _, err := etcdclient.ParsePermissionType(in); err == nil {
			t.Errorf("ParsePermissionType(%q) succeeded", in)
		}
	}
	for p, want := range map[etcdclient.PermissionType]string{
		etcdclient.PermRead: "READ", etcdclient.PermWrite: "WRITE", etcdclient.PermReadWrite: "READWRITE", 7: "PermissionType(7)",
	} {
		if got := p.String(); got != want {
			t.Errorf("PermissionType(%d).String() = %q, want %q", int(p), got, want)
		}
	}
}

func TestSupportsNoPassword(t *testing.T) {
	t.Parallel()
	c, _ := shared(t)
	ok, v, err := c.SupportsNoPassword(t.Context())
	if err != nil || !ok || v != version.Version {
		t.Fatalf("SupportsNoPassword = %v, %q, %v; want true, %q", ok, v, err, version.Version)
	}
}
