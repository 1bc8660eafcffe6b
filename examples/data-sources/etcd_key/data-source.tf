data "etcd_key" "db_host" {
  key = "/app/config/db_host"
}

# A key that may be missing, read as it was at a past revision.
data "etcd_key" "previous" {
  key        = "/app/config/db_host"
  revision   = data.etcd_key.db_host.mod_revision
  must_exist = false
}

output "db_host" {
  value = data.etcd_key.db_host.value
}
