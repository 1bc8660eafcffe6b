# Owns everything under /app/features/: keys added by hand show as drift and
# are removed on apply.
resource "etcd_prefix" "features" {
  prefix = "/app/features/"
  keys = {
    "dark_mode"  = "on"
    "beta/api"   = "off"
    "rollout/eu" = "25"
  }
}

# Large generated configuration: one JSON string is much faster than a map
# of tens of thousands of elements. Compared by content, not by text.
resource "etcd_prefix" "routes" {
  prefix    = "/app/routes/"
  exclusive = false
  keys_json = jsonencode({ "api" = "10.0.0.7:8080", "web" = "10.0.0.8:8080" })
}

# Binary values (serialized protobufs, DER certificates, compressed blobs) go
# in keys_base64; import picks it when any value under the prefix is binary.
resource "etcd_prefix" "certs" {
  prefix = "/app/certs/"
  keys_base64 = {
    "ca.der" = base64encode("not really DER")
  }
  # Destroy leaves these keys in etcd; Terraform only forgets them.
  delete_on_destroy = false
}

# Secrets: keys_wo is written to etcd but never stored in the state or a
# plan (Terraform 1.11+ / OpenTofu 1.11+); only the key names and a salted
# argon2id fingerprint are kept. Increment keys_wo_version to write new
# values; a key changed, added or deleted by hand shows on the next plan,
# by name, and apply writes the map back.
variable "service_credentials" {
  type      = map(string)
  sensitive = true
  ephemeral = true
  default = {
    "billing/api_token" = "example-only-token"
    "mail/password"     = "example-only-password"
  }
}

resource "etcd_prefix" "credentials" {
  prefix          = "/app/credentials/"
  keys_wo         = var.service_credentials
  keys_wo_version = 1
}
