# Read a secret from etcd without storing it anywhere (Terraform 1.10+ /
# OpenTofu 1.11+), and copy it into another key with a write-only argument.
ephemeral "etcd_key" "db_password" {
  key = "/app/secrets/db_password"
}

resource "etcd_key" "db_password_copy" {
  key              = "/backup/secrets/db_password"
  value_wo         = ephemeral.etcd_key.db_password.value
  value_wo_version = 1
}

# A key that may be missing: exists tells, instead of an error.
ephemeral "etcd_key" "optional" {
  key        = "/app/secrets/not_set_yet"
  must_exist = false
}
