list "etcd_member" "all" {
  provider         = etcd
  include_resource = true
}
