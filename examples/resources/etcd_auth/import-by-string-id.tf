import {
  to = etcd_auth.this
  id = "auth"
}
