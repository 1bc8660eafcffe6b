# A service registration that lives as long as Terraform runs at least once
# an hour: every refresh renews the lease.
resource "etcd_lease" "registration" {
  ttl               = 3600
  refresh_keepalive = true
}

resource "etcd_key" "instance" {
  key      = "/services/api/instance-1"
  value    = "10.0.0.7:8080"
  lease_id = etcd_lease.registration.lease_id
}

# Destroy leaves this lease (and the keys attached to it) alive in etcd
# until it expires; Terraform only forgets it.
resource "etcd_lease" "handover" {
  ttl               = 600
  delete_on_destroy = false
}
