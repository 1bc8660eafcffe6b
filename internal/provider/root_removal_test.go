package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdtest"
)

// Removing the root user or role while authentication is on is refused
// before anything is sent, with what to do; with depends_on on etcd_auth,
// a destroy disables authentication first and works.
func TestAccAuth_rootRemovalRefused(t *testing.T) {
	s := etcdtest.New(t, etcdtest.WithTLS()) // the client certificate's common name is root
	provider := providerConfig(s.ClientConfig())
	root := `
resource "etcd_role" "root" {
  name = "root"
}
resource "etcd_user" "root" {
  name     = "root"
  password = "root-password"
  roles    = [etcd_role.root.name]
}
`
	auth := func(dependsOn string) string {
		return "resource \"etcd_auth\" \"this\" {\n  enabled = true\n" + dependsOn + "}\n"
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{Config: provider + root + auth("  depends_on = [etcd_user.root]\n")},
			{
				Config: provider + auth(""),
				ExpectError: authErrorRegexp("Cannot delete the root", "while authentication is on",
					"nothing was sent to etcd", "Disable authentication first", "depends_on = [etcd_user.root, etcd_role.root]"),
			},
			{Config: provider + root + auth("  depends_on = [etcd_user.root, etcd_role.root]\n")},
		},
	})
}
