data "etcd_keys" "shop" {
  prefix = "/apps/shop/"
}

output "shop_config" {
  # { db = { host = "10.0.0.1", port = "5432" }, features = ["search", "checkout"] }
  value = provider::etcd::unflatten(
    { for kv in data.etcd_keys.shop.kvs : trimprefix(kv.key, "/apps/shop/") => kv.value },
    "/",
    { lists = "index" },
  )
}
