# A root module calls a child module that manages keys. The root module has
# the terraform and provider blocks of examples/provider/provider.tf; the
# child module declares the provider's source in its own required_providers
# block (modules/app-config/main.tf): without it, Terraform would look for
# hashicorp/etcd.

module "app_config" {
  source = "./modules/app-config"

  prefix = "/app/config/"
  settings = {
    db_host = "10.0.0.5"
    db_port = "5432"
  }
}

output "config_keys" {
  value = module.app_config.keys
}
