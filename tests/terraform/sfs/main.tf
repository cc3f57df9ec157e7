# The capacity-oriented SFS resources (Manila v2) of the opentelekomcloud
# provider against the emulator: a file system in a VPC the configuration
# creates, and access rules that let that VPC (and one of its segments)
# mount it. tests/terraform/test_sfs.py applies it, plans for drift, applies
# again with size, name, description, tags and access level changed (in
# place), imports, destroys and checks through the API that nothing is left.

terraform {
  required_version = ">= 1.6.0"
  required_providers {
    opentelekomcloud = {
      source = "opentelekomcloud/opentelekomcloud"
    }
  }
}

provider "opentelekomcloud" {}

variable "suffix" {
  type    = string
  default = "one"
}

variable "description" {
  type    = string
  default = "created by the terraform test"
}

variable "size" {
  type    = number
  default = 1
}

variable "access_level" {
  type    = string
  default = "rw"
}

resource "opentelekomcloud_vpc_v1" "vpc" {
  name = "tf-sfs-vpc"
  cidr = "192.168.0.0/16"
}

resource "opentelekomcloud_sfs_file_system_v2" "share" {
  name              = "tf-sfs-${var.suffix}"
  description       = var.description
  size              = var.size
  share_proto       = "NFS"
  availability_zone = "eu-de-01"
  metadata = {
    team = "terraform"
  }
  tags = {
    suite = var.suffix
  }
}

# The VPC as a whole, and one segment of it by the IP-rule form
# (VPC_ID#IP#PRIORITY#USER_PERMISSION).
resource "opentelekomcloud_sfs_share_access_rules_v2" "rules" {
  share_id = opentelekomcloud_sfs_file_system_v2.share.id

  access_rule {
    access_to    = opentelekomcloud_vpc_v1.vpc.id
    access_level = var.access_level
    access_type  = "cert"
  }

  access_rule {
    access_to    = "${opentelekomcloud_vpc_v1.vpc.id}#192.168.10.0/24#100#all_squash,root_squash"
    access_level = "ro"
    access_type  = "cert"
  }
}

# Found again by name, once its rules exist: the data source reads the
# detailed list, the export locations (2.9) and the access list, and takes
# the first of each.
data "opentelekomcloud_sfs_file_system_v2" "share" {
  name       = opentelekomcloud_sfs_file_system_v2.share.name
  depends_on = [opentelekomcloud_sfs_share_access_rules_v2.rules]
}

output "ids" {
  value = {
    vpc   = opentelekomcloud_vpc_v1.vpc.id
    share = opentelekomcloud_sfs_file_system_v2.share.id
  }
}

output "share" {
  value = {
    name            = opentelekomcloud_sfs_file_system_v2.share.name
    size            = opentelekomcloud_sfs_file_system_v2.share.size
    status          = opentelekomcloud_sfs_file_system_v2.share.status
    export_location = opentelekomcloud_sfs_file_system_v2.share.export_location
    share_type      = opentelekomcloud_sfs_file_system_v2.share.share_type
  }
}

output "rules" {
  value = [for r in opentelekomcloud_sfs_share_access_rules_v2.rules.access_rule : {
    access_to    = r.access_to
    access_level = r.access_level
    id           = r.share_access_id
  }]
}
