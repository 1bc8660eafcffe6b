import {
  to       = etcd_user.app
  identity = { name = "app" }
}
