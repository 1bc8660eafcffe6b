import {
  to = etcd_role.app_reader
  id = "app-reader"
}
