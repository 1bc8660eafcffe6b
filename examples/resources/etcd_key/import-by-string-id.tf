import {
  to = etcd_key.db_host
  id = "/app/config/db_host"
}
