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
