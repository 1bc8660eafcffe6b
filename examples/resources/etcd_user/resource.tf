# An application user whose password never reaches the state or a plan file
# (write-only, Terraform 1.11+ / OpenTofu 1.11+). Increment
# password_wo_version to set a new password.
variable "app_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "etcd_role" "app_reader" {
  name = "app-reader"
}

resource "etcd_user" "app" {
  name                = "app"
  password_wo         = var.app_password
  password_wo_version = 1
  roles               = [etcd_role.app_reader.name]
}

# A user that authenticates only with a client certificate whose common name
# is "backup" (etcd 3.5+).
resource "etcd_user" "backup" {
  name        = "backup"
  no_password = true
  roles       = [etcd_role.app_reader.name]
}
