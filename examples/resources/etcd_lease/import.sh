# An etcd_lease is imported by its ID, in decimal or in hex as
# `etcdctl lease list` prints it (0x prefix optional).
terraform import etcd_lease.registration 0x694d77aa9e38260a
