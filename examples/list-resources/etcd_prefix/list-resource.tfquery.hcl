# One etcd_prefix per application: /apps/shop/, /apps/billing/, ...
list "etcd_prefix" "apps" {
  provider         = etcd
  include_resource = true

  config {
    prefix = "/apps/"
    depth  = 1
  }
}
