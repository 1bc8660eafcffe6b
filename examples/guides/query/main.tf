terraform {
  required_providers {
    etcd = { source = "terraform-etcd/etcd" }
  }
}

# Endpoints and credentials from ETCDCTL_ENDPOINTS, ETCDCTL_USER, ... as
# etcdctl reads them.
provider "etcd" {}
