import {
  to = etcd_member.etcd4
  id = "etcd4"
}
