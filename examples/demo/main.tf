# The configuration `make demo` applies to a throwaway embedded etcd:
# single keys, a whole prefix, a lease with a key attached to it, and the
# two data sources as outputs.

terraform {
  required_providers {
    etcd = {
      source = "terraform-etcd/etcd"
    }
  }
}

variable "endpoint" {
  type        = string
  description = "etcd client URL, such as http://127.0.0.1:2379."
}

provider "etcd" {
  endpoints = [var.endpoint]
}

# One key per resource: drift made with etcdctl shows on plan.
resource "etcd_key" "db_host" {
  key   = "/demo/config/db_host"
  value = "10.0.0.5"
}

resource "etcd_key" "logo" {
  key          = "/demo/assets/logo.bin"
  value_base64 = "iVBORw0KGgo="
}

# A whole prefix owned by one resource: keys added by hand are removed.
resource "etcd_prefix" "features" {
  prefix = "/demo/features/"
  keys = {
    "dark_mode" = "on"
    "beta/api"  = "off"
    "rollout"   = "25%"
  }
}

# A registration that disappears unless Terraform runs at least once a day.
resource "etcd_lease" "registration" {
  ttl               = 86400
  refresh_keepalive = true
}

resource "etcd_key" "instance" {
  key      = "/demo/services/api/instance-1"
  value    = jsonencode({ addr = "10.0.0.7:8080", zone = "a" })
  lease_id = etcd_lease.registration.lease_id
}

data "etcd_keys" "demo" {
  prefix     = "/demo/"
  depends_on = [etcd_key.db_host, etcd_key.logo, etcd_prefix.features, etcd_key.instance]
}

data "etcd_cluster_status" "this" {}

output "keys" {
  description = "Every key under /demo/ with its value."
  value       = { for kv in data.etcd_keys.demo.kvs : kv.key => coalesce(kv.value, "(binary)") }
}

output "cluster" {
  description = "The cluster as the provider sees it."
  value = {
    healthy = data.etcd_cluster_status.this.healthy
    leader  = data.etcd_cluster_status.this.leader_id
    members = [for m in data.etcd_cluster_status.this.members : "${m.name} ${m.version} healthy=${m.healthy}"]
  }
}

output "lease" {
  value = "lease ${etcd_lease.registration.lease_id_hex} (${etcd_lease.registration.granted_ttl}s)"
}
