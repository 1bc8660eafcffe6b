# The application's configuration is an exclusive prefix; its database
# password lives under the same prefix, written by an etcd_key with
# value_wo. exclude leaves the password to that etcd_key: the prefix never
# reads, shows, writes nor deletes it, so the two do not fight and the
# password never reaches the state or a plan.
variable "db_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "etcd_prefix" "shop" {
  prefix = "/apps/shop/"
  keys = {
    "db/host"      = "db.internal"
    "feature/cart" = "on"
  }
  exclude = ["db/password"]
}

resource "etcd_key" "db_password" {
  key              = "${etcd_prefix.shop.prefix}db/password"
  value_wo         = var.db_password
  value_wo_version = 1
}
