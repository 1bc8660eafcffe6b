# A snapshot before every change of the application's keys.
action "etcd_snapshot" "before_change" {
  config {
    path = "${path.root}/backups/etcd-before-change.db"
  }
}

resource "etcd_prefix" "app" {
  prefix = "/app/config/"
  keys = {
    "log_level"    = "info"
    "max_sessions" = "500"
  }

  lifecycle {
    action_trigger {
      events  = [before_update]
      actions = [action.etcd_snapshot.before_change]
    }
  }
}
