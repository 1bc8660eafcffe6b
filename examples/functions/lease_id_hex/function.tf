output "lease_hex" {
  value = provider::etcd::lease_id_hex(7587852521871779338) # "694d77aa9e38260a"
}
