# Save a snapshot before every change of the application's configuration.
action "etcd_snapshot" "before_change" {
  config {
    path = "${path.root}/backups/etcd-before-change.db"
  }
}

resource "etcd_prefix" "app" {
  prefix = "/app/config/"
  keys = {
    "log_level" = "info"
  }

  lifecycle {
    action_trigger {
      events  = [before_update]
      actions = [action.etcd_snapshot.before_change]
    }
  }
}

# Or take one on demand:
#   terraform apply -invoke=action.etcd_snapshot.before_change
