list "etcd_role" "all" {
  provider         = etcd
  include_resource = true
}
