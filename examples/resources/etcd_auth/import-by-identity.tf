import {
  to       = etcd_auth.this
  identity = { id = "auth" }
}
