data "etcd_cluster_status" "this" {}

output "etcd" {
  value = {
    healthy = data.etcd_cluster_status.this.healthy
    leader  = data.etcd_cluster_status.this.leader_id
    members = { for m in data.etcd_cluster_status.this.members : m.name => m.healthy }
  }
}
