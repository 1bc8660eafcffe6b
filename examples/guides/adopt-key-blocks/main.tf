# Adopt a few keys under /legacy/ as one etcd_key each: one import block per
# key, and no resource blocks. Run
#   tofu plan -generate-config-out=generated.tf
# (or terraform plan -generate-config-out=generated.tf) once: it writes an
# etcd_key block per key, with its value, to generated.tf. Review it, keep
# it, and apply.

import {
  to = etcd_key.db_host
  id = "/legacy/db/host"
}

import {
  to = etcd_key.db_port
  id = "/legacy/db/port"
}

import {
  to = etcd_key.feature
  id = "/legacy/feature"
}
