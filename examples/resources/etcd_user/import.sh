# An etcd_user is imported by its name. etcd cannot report passwords: the
# first apply after the import sets the password from the configuration.
terraform import etcd_user.app app
