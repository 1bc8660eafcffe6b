# Clear a NOSPACE alarm once compaction and defragmentation have brought the
# databases below their quota. etcd 3.4 and 3.5 do not report the quota: give
# the members' --quota-backend-bytes.
#   terraform apply -invoke=action.etcd_alarm_disarm.nospace
action "etcd_alarm_disarm" "nospace" {
  config {
    quota_bytes = 8 * 1024 * 1024 * 1024
  }
}
