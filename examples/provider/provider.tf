terraform {
  required_providers {
    etcd = {
      source = "terraform-etcd/etcd"
    }
  }
}

# Every setting falls back to the ETCDCTL_* variable etcdctl reads, so with
# ETCDCTL_ENDPOINTS (and ETCDCTL_USER, ETCDCTL_CACERT, ...) set, an empty
# provider block is enough.
provider "etcd" {
  endpoints       = ["https://etcd-1.example.com:2379", "https://etcd-2.example.com:2379"]
  username        = "terraform"
  password        = var.etcd_password
  ca_cert_file    = "/etc/etcd/ca.pem"
  request_timeout = "10s"
}

variable "etcd_password" {
  type      = string
  sensitive = true
}
