# Defragment the followers, then the leader, skipping members with less
# than 64 MiB to give back.
#   terraform apply -invoke=action.etcd_defrag.members
action "etcd_defrag" "members" {
  config {
    min_reclaim_bytes = 64 * 1024 * 1024
  }
}
