import {
  to       = etcd_member.etcd4
  identity = { id = "8e9e05c52164694d" }
}
