output "tree" {
  # { app = { db = { host = "/app/db/host", port = "/app/db/port" }, name = "/app/name" } }
  value = provider::etcd::key_tree(["/app/db/host", "/app/db/port", "/app/name"])
}
