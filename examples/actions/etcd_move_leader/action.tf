# Move the leadership off etcd-1 before its machine is rebooted: to the
# healthiest follower, or to a named member.
#   terraform apply -invoke=action.etcd_move_leader.off_etcd_1
action "etcd_move_leader" "off_etcd_1" {
  config {}
}

action "etcd_move_leader" "to_etcd_2" {
  config {
    member = "etcd-2"
  }
}
