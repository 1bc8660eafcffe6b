# An etcd_role_permission is imported by a JSON object naming the role, the
# key and the range end ("" or left out for a single key). Quote it for the
# shell.
terraform import etcd_role_permission.app_read '{"key":"/app/","range_end":"/app0","role":"app"}'
terraform import etcd_role_permission.app_leader '{"key":"/election/app/leader","role":"app"}'
