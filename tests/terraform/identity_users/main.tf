# IAM users of the opentelekomcloud provider against the emulator: a user
# (OS-USER API) put in the domain's admin group. test_identity_users.py
# applies it, plans for drift, applies an in-place update, imports the
# user, destroys and checks through the API that nothing is left.

terraform {
  required_providers {
    opentelekomcloud = {
      source = "opentelekomcloud/opentelekomcloud"
    }
  }
}

provider "opentelekomcloud" {}

variable "email" {
  type    = string
  default = "tf-user@example.com"
}

variable "description" {
  type    = string
  default = "created by the terraform test"
}

resource "opentelekomcloud_identity_user_v3" "user" {
  name         = "tf-user"
  password     = "Terraform123"
  description  = var.description
  email        = var.email
  phone        = "1701234567"
  country_code = "0049"
  pwd_reset    = false
  access_type  = "default"
}

# Every domain has its admin group; its members administer the domain.
data "opentelekomcloud_identity_group_v3" "admin" {
  name = "admin"
}

resource "opentelekomcloud_identity_group_membership_v3" "admins" {
  group = data.opentelekomcloud_identity_group_v3.admin.id
  users = [opentelekomcloud_identity_user_v3.user.id]
}

output "user" {
  value = {
    id          = opentelekomcloud_identity_user_v3.user.id
    domain_id   = opentelekomcloud_identity_user_v3.user.domain_id
    email       = opentelekomcloud_identity_user_v3.user.email
    enabled     = opentelekomcloud_identity_user_v3.user.enabled
    create_time = opentelekomcloud_identity_user_v3.user.create_time
  }
}

output "group" {
  value = data.opentelekomcloud_identity_group_v3.admin.id
}
