# Keep the last 10,000 revisions of history and wait until the members have
# removed the rest from their databases.
#   terraform apply -invoke=action.etcd_compact.history
action "etcd_compact" "history" {
  config {
    keep_revisions = 10000
    physical       = true
  }
}
