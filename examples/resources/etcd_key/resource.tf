resource "etcd_key" "db_host" {
  key   = "/app/config/db_host"
  value = "10.0.0.5"
}

# Binary data goes in value_base64.
resource "etcd_key" "tls_ticket_key" {
  key          = "/app/secrets/ticket.key"
  value_base64 = base64encode("not really binary")
}

# A secret: value_wo is written to etcd but never stored in the state or a
# plan (Terraform 1.11+ / OpenTofu 1.11+). Increment value_wo_version to
# write a new value; a value changed in etcd by hand is written back.
variable "db_password" {
  type      = string
  sensitive = true
  ephemeral = true
  default   = "example-only-password"
}

resource "etcd_key" "db_password" {
  key              = "/app/secrets/db_password"
  value_wo         = var.db_password
  value_wo_version = 1
}

# Handed over to Terraform for a while: destroy leaves the key in etcd.
resource "etcd_key" "legacy_flag" {
  key               = "/app/config/legacy_flag"
  value             = "on"
  delete_on_destroy = false
}
