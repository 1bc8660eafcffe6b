list "etcd_user" "all" {
  provider         = etcd
  include_resource = true
}
