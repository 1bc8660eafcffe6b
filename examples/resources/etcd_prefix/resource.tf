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
