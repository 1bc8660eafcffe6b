import {
  to       = etcd_role.app_reader
  identity = { name = "app-reader" }
}
