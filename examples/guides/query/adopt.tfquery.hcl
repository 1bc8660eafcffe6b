# terraform query                                      lists what exists
# terraform query -generate-config-out=generated.tf    writes resource and import blocks

# One etcd_prefix per application: /apps/shop/, /apps/billing/, ...
list "etcd_prefix" "apps" {
  provider         = etcd
  include_resource = true

  config {
    prefix = "/apps/"
  }
}

# Each key under /config/ on its own.
list "etcd_key" "config" {
  provider         = etcd
  include_resource = true
  limit            = 1000 # Terraform lists 100 results unless told otherwise

  config {
    prefix = "/config/"
  }
}

list "etcd_role" "all" {
  provider         = etcd
  include_resource = true
}

list "etcd_role_permission" "all" {
  provider         = etcd
  include_resource = true
}

list "etcd_user" "all" {
  provider         = etcd
  include_resource = true
}
