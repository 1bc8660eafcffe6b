list "etcd_lease" "all" {
  provider         = etcd
  include_resource = true
}
