# A fourth member joins as a learner: apply this, then start the daemon on
# 10.0.0.14 with --name etcd4 --initial-cluster-state existing, then set
# learner = false and apply again to promote it once it has caught up.
resource "etcd_member" "etcd4" {
  name      = "etcd4"
  peer_urls = ["https://10.0.0.14:2380"]
  learner   = true
}
