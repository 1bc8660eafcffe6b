# Authentication needs a root user with the root role. The provider is
# configured as root from the start (etcd accepts the credentials while
# authentication is still off):
#
#   provider "etcd" {
#     username = "root"
#     password = var.root_password
#   }
variable "root_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "etcd_role" "root" {
  name = "root"
}

resource "etcd_user" "root" {
  name                = "root"
  password_wo         = var.root_password
  password_wo_version = 1
  roles               = [etcd_role.root.name]
}

# Enabled after the root user exists; on destroy, disabled before the root
# user is deleted.
resource "etcd_auth" "this" {
  enabled    = true
  depends_on = [etcd_user.root]
}
