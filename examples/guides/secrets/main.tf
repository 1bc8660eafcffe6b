# The database password lives in etcd. It is read ephemerally on every run
# and handed to another provider's configuration and to a write-only
# argument; it is never stored in the state or in a plan file.
ephemeral "etcd_key" "db_password" {
  key = "/app/secrets/db_password"
}

# Another provider configured with the secret, for example:
#
#   provider "postgresql" {
#     host     = "db.internal"
#     username = "terraform"
#     password = ephemeral.etcd_key.db_password.value
#   }

# The same secret copied to where another service reads it.
resource "etcd_key" "service_db_password" {
  key              = "/services/billing/db_password"
  value_wo         = ephemeral.etcd_key.db_password.value
  value_wo_version = 1
}
