# etcd_auth is imported with any ID: the current setting is read from etcd.
terraform import etcd_auth.this auth
