# An etcd_member is imported by its name (once its daemon has started) or by
# its hex ID, as `etcdctl member list` prints them.
terraform import etcd_member.etcd4 etcd4
terraform import etcd_member.etcd4 8e9e05c52164694d
