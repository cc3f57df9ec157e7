# The identity resources of the opentelekomcloud provider against the
# emulator: a sub-project and an access key of the user the provider signs
# in as. test_identity.py applies it, plans for drift, applies again with
# `description` changed (in place), imports, destroys and checks through the
# API that nothing is left.

terraform {
  required_providers {
    opentelekomcloud = {
      source = "opentelekomcloud/opentelekomcloud"
    }
  }
}

# Everything (auth URL, domain, user, project) comes from the OS_* variables
# scripts/tofu sets.
provider "opentelekomcloud" {}

variable "description" {
  type    = string
  default = "created by the terraform test"
}

# A sub-project: named <region>_<suffix>, it hangs below the region's project.
resource "opentelekomcloud_identity_project_v3" "project" {
  name        = "eu-de_tf1"
  description = var.description
}

# An access key of the signed-in user (no user_id: the provider takes the
# token's user, which needs password, not AK/SK, authentication).
resource "opentelekomcloud_identity_credential_v3" "key" {
  description = var.description
}

output "project" {
  value = {
    id        = opentelekomcloud_identity_project_v3.project.id
    name      = opentelekomcloud_identity_project_v3.project.name
    parent_id = opentelekomcloud_identity_project_v3.project.parent_id
    domain_id = opentelekomcloud_identity_project_v3.project.domain_id
    enabled   = opentelekomcloud_identity_project_v3.project.enabled
  }
}

output "key" {
  value = {
    id      = opentelekomcloud_identity_credential_v3.key.id
    user_id = opentelekomcloud_identity_credential_v3.key.user_id
    status  = opentelekomcloud_identity_credential_v3.key.status
  }
}
