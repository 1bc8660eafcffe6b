# __generated__ by Terraform
# Please review these resources and move them into your main configuration files.

# __generated__ by Terraform
resource "etcd_key" "config_0" {
  provider     = etcd
  key          = "/config/maintenance"
  lease_id     = null
  value        = "off"
  value_base64 = null
}

import {
  to       = etcd_key.config_0
  provider = etcd
  identity = {
    key = "/config/maintenance"
  }
}

resource "etcd_key" "config_1" {
  provider     = etcd
  key          = "/config/motd"
  lease_id     = null
  value        = "Welcome"
  value_base64 = null
}

import {
  to       = etcd_key.config_1
  provider = etcd
  identity = {
    key = "/config/motd"
  }
}



# __generated__ by Terraform
resource "etcd_role" "all_0" {
  provider = etcd
  name     = "billing"
}

import {
  to       = etcd_role.all_0
  provider = etcd
  identity = {
    name = "billing"
  }
}

resource "etcd_role" "all_1" {
  provider = etcd
  name     = "shop"
}

import {
  to       = etcd_role.all_1
  provider = etcd
  identity = {
    name = "shop"
  }
}



# __generated__ by Terraform
resource "etcd_prefix" "apps_0" {
  provider  = etcd
  exclusive = true
  keys = {
    currency  = "EUR"
    "db/host" = "10.0.0.2"
  }
  keys_json = null
  prefix    = "/apps/billing/"
}

import {
  to       = etcd_prefix.apps_0
  provider = etcd
  identity = {
    prefix = "/apps/billing/"
  }
}

resource "etcd_prefix" "apps_1" {
  provider  = etcd
  exclusive = true
  keys = {
    "db/host"           = "10.0.0.1"
    "db/port"           = "5432"
    "features/checkout" = "on"
  }
  keys_json = null
  prefix    = "/apps/shop/"
}

import {
  to       = etcd_prefix.apps_1
  provider = etcd
  identity = {
    prefix = "/apps/shop/"
  }
}



# __generated__ by Terraform
resource "etcd_user" "all_0" {
  provider            = etcd
  name                = "billing"
  no_password         = false
  password            = null # sensitive
  password_wo         = null # sensitive
  password_wo_version = null
  roles               = ["billing"]
}

import {
  to       = etcd_user.all_0
  provider = etcd
  identity = {
    name = "billing"
  }
}

resource "etcd_user" "all_1" {
  provider            = etcd
  name                = "shop"
  no_password         = false
  password            = null # sensitive
  password_wo         = null # sensitive
  password_wo_version = null
  roles               = ["shop"]
}

import {
  to       = etcd_user.all_1
  provider = etcd
  identity = {
    name = "shop"
  }
}



# __generated__ by Terraform
resource "etcd_role_permission" "all_0" {
  provider   = etcd
  key        = "/apps/billing/"
  permission = "READWRITE"
  prefix     = true
  range_end  = "/apps/billing0"
  role       = "billing"
}

import {
  to       = etcd_role_permission.all_0
  provider = etcd
  identity = {
    key       = "/apps/billing/"
    range_end = "/apps/billing0"
    role      = "billing"
  }
}

resource "etcd_role_permission" "all_1" {
  provider   = etcd
  key        = "/config/"
  permission = "READ"
  prefix     = true
  range_end  = "/config0"
  role       = "billing"
}

import {
  to       = etcd_role_permission.all_1
  provider = etcd
  identity = {
    key       = "/config/"
    range_end = "/config0"
    role      = "billing"
  }
}

resource "etcd_role_permission" "all_2" {
  provider   = etcd
  key        = "/apps/shop/"
  permission = "READWRITE"
  prefix     = true
  range_end  = "/apps/shop0"
  role       = "shop"
}

import {
  to       = etcd_role_permission.all_2
  provider = etcd
  identity = {
    key       = "/apps/shop/"
    range_end = "/apps/shop0"
    role      = "shop"
  }
}

resource "etcd_role_permission" "all_3" {
  provider   = etcd
  key        = "/config/maintenance"
  permission = "READ"
  prefix     = null
  role       = "shop"
}

import {
  to       = etcd_role_permission.all_3
  provider = etcd
  identity = {
    key       = "/config/maintenance"
    range_end = ""
    role      = "shop"
  }
}


