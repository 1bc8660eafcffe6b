# Every key under a prefix, in key order.
data "etcd_keys" "config" {
  prefix = "/app/config/"
}

# A key range, names only.
data "etcd_keys" "a_to_m" {
  key       = "/app/config/a"
  range_end = "/app/config/n"
  keys_only = true
}

output "config" {
  value = { for kv in data.etcd_keys.config.kvs : trimprefix(kv.key, "/app/config/") => kv.value }
}
