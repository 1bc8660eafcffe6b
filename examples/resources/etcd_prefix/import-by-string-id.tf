import {
  to = etcd_prefix.features
  id = "/app/features/"
}
