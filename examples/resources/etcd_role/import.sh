# An etcd_role is imported by its name.
terraform import etcd_role.app_reader app-reader
