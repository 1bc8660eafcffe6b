# Every permission of every role.
list "etcd_role_permission" "all" {
  provider         = etcd
  include_resource = true
}

# The permissions of one role.
list "etcd_role_permission" "app" {
  provider = etcd

  config {
    role = "app"
  }
}
