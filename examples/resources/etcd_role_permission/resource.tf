resource "etcd_role" "app" {
  name = "app"
}

# Read every key under /app/ (range_end is computed as "/app0").
resource "etcd_role_permission" "app_read" {
  role       = etcd_role.app.name
  key        = "/app/"
  prefix     = true
  permission = "READ"
}

# Read and write one key.
resource "etcd_role_permission" "app_leader" {
  role       = etcd_role.app.name
  key        = "/election/app/leader"
  permission = "READWRITE"
}

# Write the keys in the range [/queue/a, /queue/m).
resource "etcd_role_permission" "app_queue" {
  role       = etcd_role.app.name
  key        = "/queue/a"
  range_end  = "/queue/m"
  permission = "WRITE"
}
