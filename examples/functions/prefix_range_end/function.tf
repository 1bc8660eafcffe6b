# Read permission on every key under /app/, as `etcdctl role grant-permission --prefix` grants it.
output "app_range_end" {
  value = provider::etcd::prefix_range_end("/app/") # "/app0"
}
