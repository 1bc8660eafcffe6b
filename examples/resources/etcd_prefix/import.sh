# An etcd_prefix is imported by its prefix, as exclusive, with keys holding
# every key found under it.
terraform import etcd_prefix.features /app/features/
