# Read every secret under a prefix without storing them, and feed one of
# them to a write-only argument.
ephemeral "etcd_keys" "secrets" {
  prefix = "/app/secrets/"
}

resource "etcd_key" "api_token_copy" {
  key              = "/backup/secrets/api_token"
  value_wo         = ephemeral.etcd_keys.secrets.values["/app/secrets/api_token"]
  value_wo_version = 1
}
