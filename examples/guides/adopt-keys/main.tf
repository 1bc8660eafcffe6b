# Adopt every key under /legacy/ into one etcd_key resource per key, without
# typing a single ID: the keys are listed by a data source and imported with
# an import block that iterates over them (Terraform 1.7+ / OpenTofu 1.7+).

data "etcd_keys" "legacy" {
  prefix = "/legacy/"
}

locals {
  # key => value for every text key under the prefix. Binary values (value is
  # null) would go in value_base64 instead.
  legacy = { for kv in data.etcd_keys.legacy.kvs : kv.key => kv.value }
}

import {
  for_each = local.legacy
  to       = etcd_key.legacy[each.key]
  id       = each.key
}

resource "etcd_key" "legacy" {
  for_each = local.legacy
  key      = each.key
  value    = each.value
}
