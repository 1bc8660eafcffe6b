package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/protocol"
)

// addExistsError reports that Create found what it was to create already in
// etcd, and how to import it instead.
func addExistsError(diags *diag.Diagnostics, summary, what, typeName, id string) {
	diags.AddError(summary, protocol.ExistsDetail(what+" already exists in etcd", typeName, id))
}

// addAuthError reports a failed call of the etcd auth API, explaining what
// permission denied means there.
func addAuthError(diags *diag.Diagnostics, summary string, err error) {
	detail := err.Error()
	if errors.Is(err, etcdclient.ErrPermissionDenied) {
		detail += "\n\nOnce authentication is on, only a user with the root role may manage users, roles, permissions and authentication itself: " +
			"configure the provider with such a user (username and password, or a client certificate whose common name is that user)."
	}
	diags.AddError(summary, detail)
}

func addRoleNotFound(diags *diag.Diagnostics, role, user string) {
	diags.AddAttributeError(path.Root("roles"), "Role not found",
		fmt.Sprintf("The role %q cannot be granted to the user %q because it does not exist. "+
			"Create it with an etcd_role and reference etcd_role.<name>.name in roles, so that Terraform creates the role first.", role, user))
}

// refuseRootRemoval stops the deletion of the root user or the root role
// while authentication is on, which etcd refuses with "invalid auth
// management", before anything is sent, and says what to do. kind is
// "user" or "role". It reports whether it refused.
func refuseRootRemoval(ctx context.Context, client *etcdclient.Client, kind, name string, diags *diag.Diagnostics) bool {
	if name != "root" {
		return false
	}
	st, err := client.AuthStatus(ctx)
	if err != nil || !st.Enabled {
		return false // etcd answers for itself
	}
	diags.AddError(fmt.Sprintf("Cannot delete the root %s while authentication is on", kind),
		fmt.Sprintf("etcd keeps the root user and the root role while authentication is on, so the %s %q was not deleted; nothing was sent to etcd.\n\n"+
			"Disable authentication first: destroy the etcd_auth resource (or set enabled = false) and apply, then delete the root %s. "+
			"When they are in one configuration, make etcd_auth depend on the root user and role, for example\n"+
			"  resource \"etcd_auth\" \"this\" {\n    enabled    = true\n    depends_on = [etcd_user.root, etcd_role.root]\n  }\n"+
			"so that a destroy disables authentication before it deletes them.", kind, name, kind))
	return true
}
