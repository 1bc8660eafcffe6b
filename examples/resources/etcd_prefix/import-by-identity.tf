import {
  to       = etcd_prefix.features
  identity = { prefix = "/app/features/" }
}
