import {
  to = etcd_lease.registration
  id = "7587862346937114122"
}
