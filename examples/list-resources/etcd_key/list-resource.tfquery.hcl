# terraform query -generate-config-out=generated.tf
list "etcd_key" "config" {
  provider         = etcd
  include_resource = true
  limit            = 10000 # Terraform lists 100 results unless told otherwise

  config {
    prefix = "/app/config/"
  }
}

# The keys of a range, with their values in the display names.
list "etcd_key" "flags" {
  provider = etcd

  config {
    key            = "/flags/a"
    range_end      = "/flags/n"
    include_values = true
  }
}
