resource "etcd_key" "db_host" {
  key   = "/app/config/db_host"
  value = "10.0.0.5"
}

# Binary data goes in value_base64.
resource "etcd_key" "tls_ticket_key" {
  key          = "/app/secrets/ticket.key"
  value_base64 = base64encode("not really binary")
}
