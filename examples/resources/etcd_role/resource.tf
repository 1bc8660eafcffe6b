resource "etcd_role" "app_reader" {
  name = "app-reader"
}

resource "etcd_role_permission" "app_reader_config" {
  role       = etcd_role.app_reader.name
  key        = "/app/"
  prefix     = true
  permission = "READ"
}
