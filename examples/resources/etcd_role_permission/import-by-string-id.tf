# jsonencode writes the ID correctly for keys with any character.
import {
  to = etcd_role_permission.app_read
  id = jsonencode({ role = "app", key = "/app/", range_end = "/app0" })
}
