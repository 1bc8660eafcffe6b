# The identity names the permission by its parts: no JSON to write.
import {
  to       = etcd_role_permission.app_read
  identity = { role = "app", key = "/app/", range_end = "/app0" }
}
