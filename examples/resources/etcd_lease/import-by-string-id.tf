import {
  to = etcd_lease.registration
  id = "7587852521871779338"
}
