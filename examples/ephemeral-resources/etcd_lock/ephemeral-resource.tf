# Serialise every pipeline that applies this configuration, and fence the
# writes: if the lock is lost mid-apply (its lease expired, someone deleted
# it), the writes fail instead of racing the next pipeline.

# The unfenced provider: it only takes the lock.
provider "etcd" {}

ephemeral "etcd_lock" "deploy" {
  name    = "/locks/app-config"
  ttl     = 60
  timeout = "10m"
}

# The fenced provider: every put, delete and transaction it makes checks, in
# the same etcd transaction, that the lock is still held.
provider "etcd" {
  alias = "locked"
  lock = {
    key      = ephemeral.etcd_lock.deploy.key
    revision = ephemeral.etcd_lock.deploy.revision
  }
}

resource "etcd_prefix" "app" {
  provider = etcd.locked
  prefix   = "/app/config/"
  keys = {
    "db_host" = "10.0.0.5"
    "db_port" = "5432"
  }
}
