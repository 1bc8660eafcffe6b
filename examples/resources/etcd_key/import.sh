# An etcd_key is imported by its key.
terraform import etcd_key.db_host /app/config/db_host
