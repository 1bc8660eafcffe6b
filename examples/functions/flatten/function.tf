locals {
  # Usually yamldecode(file("config.yaml")) or jsondecode(...).
  shop = yamldecode(<<-YAML
    db:
      host: 10.0.0.1
      port: 5432
    features: [search, checkout]
    YAML
  )
}

resource "etcd_prefix" "shop" {
  prefix = "/apps/shop/"
  # { "db/host" = "10.0.0.1", "db/port" = "5432", "features/0" = "search", "features/1" = "checkout" }
  keys = provider::etcd::flatten(local.shop, "/", { lists = "index" })
}
