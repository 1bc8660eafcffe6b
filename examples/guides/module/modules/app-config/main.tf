# Every module that uses etcd_* resources names the provider's source; it
# inherits the provider configuration (endpoints, credentials) from the
# root module, so it has no provider "etcd" block of its own.
terraform {
  required_providers {
    etcd = {
      source = "terraform-etcd/etcd"
    }
  }
}

variable "prefix" {
  type = string
}

variable "settings" {
  type = map(string)
}

resource "etcd_prefix" "this" {
  prefix = var.prefix
  keys   = var.settings
}

output "keys" {
  value = sort([for k in keys(etcd_prefix.this.keys) : "${var.prefix}${k}"])
}
