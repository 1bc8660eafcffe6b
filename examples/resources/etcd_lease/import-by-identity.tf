import {
  to       = etcd_lease.registration
  identity = { id = "7587852521871779338" }
}
