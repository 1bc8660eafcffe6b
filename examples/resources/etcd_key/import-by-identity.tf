import {
  to       = etcd_key.db_host
  identity = { key = "/app/config/db_host" }
}
