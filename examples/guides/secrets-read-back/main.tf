# A password set from an ephemeral variable (TF_VAR_db_password), written to
# etcd with a write-only argument, read back ephemerally and copied to
# another key, all in one apply. Neither the state nor a plan file holds it.
variable "db_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "etcd_key" "db_password" {
  key              = "/app/secrets/db_password"
  value_wo         = var.db_password
  value_wo_version = 1
}

# Keyed on the resource's id, not on its key: the id is unknown until the
# key is written, so the read waits for the apply. Terraform opens an
# ephemeral resource whose arguments are known while it plans, before the
# key exists.
ephemeral "etcd_key" "db_password" {
  key = etcd_key.db_password.id
}

resource "etcd_key" "billing_db_password" {
  key              = "/services/billing/db_password"
  value_wo         = ephemeral.etcd_key.db_password.value
  value_wo_version = 1
}
