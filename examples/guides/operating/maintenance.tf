# The maintenance run, invoked one action at a time:
#   terraform apply -invoke=action.etcd_snapshot.maintenance
#   terraform apply -invoke=action.etcd_compact.maintenance
#   terraform apply -invoke=action.etcd_defrag.maintenance
#   terraform apply -invoke=action.etcd_alarm_disarm.maintenance
action "etcd_snapshot" "maintenance" {
  config {
    path = "${path.root}/backups/etcd-maintenance.db"
  }
}

action "etcd_compact" "maintenance" {
  config {
    keep_revisions = 10000
    physical       = true
  }
}

action "etcd_defrag" "maintenance" {
  config {}
}

action "etcd_alarm_disarm" "maintenance" {
  config {
    quota_bytes = 2147483648 # the members' --quota-backend-bytes (etcd 3.4 and 3.5)
  }
}
