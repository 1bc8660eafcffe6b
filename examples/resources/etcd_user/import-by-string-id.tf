import {
  to = etcd_user.app
  id = "app"
}
