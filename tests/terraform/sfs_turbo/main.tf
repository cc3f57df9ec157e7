# An SFS Turbo file system of the opentelekomcloud provider against the
# emulator, in a VPC, subnet and security group of its own. The test
# applies it, plans for drift, expands it and moves it to the second
# security group in place (`size`, `security_group`), imports it, destroys
# it and checks through the API that nothing is left.

terraform {
  # A development build of OpenTofu (1.12.6-dev) satisfies no such constraint;
  # scripts/tofu builds it as the release is built.
  required_version = ">= 1.6.0"
  required_providers {
    opentelekomcloud = {
      source = "opentelekomcloud/opentelekomcloud"
    }
  }
}

# Everything (auth URL, domain, user, project) comes from the OS_* variables
# scripts/tofu sets.
provider "opentelekomcloud" {}

variable "size" {
  type    = number
  default = 500
}

# Which of the two groups the file system is in: "one" or "two".
variable "security_group" {
  type    = string
  default = "one"
}

resource "opentelekomcloud_vpc_v1" "vpc" {
  name = "tf-turbo-vpc"
  cidr = "192.168.0.0/16"
}

resource "opentelekomcloud_vpc_subnet_v1" "subnet" {
  name       = "tf-turbo-subnet"
  vpc_id     = opentelekomcloud_vpc_v1.vpc.id
  cidr       = "192.168.20.0/24"
  gateway_ip = "192.168.20.1"
}

resource "opentelekomcloud_networking_secgroup_v2" "one" {
  name = "tf-turbo-sg-one"
}

resource "opentelekomcloud_networking_secgroup_v2" "two" {
  name = "tf-turbo-sg-two"
}

resource "opentelekomcloud_sfs_turbo_share_v1" "turbo" {
  name              = "tf-turbo-share"
  size              = var.size
  share_proto       = "NFS"
  share_type        = "STANDARD"
  availability_zone = "eu-de-01"
  # As the provider's acceptance test does: the VPC API's subnet id is
  # its network id.
  vpc_id            = opentelekomcloud_vpc_v1.vpc.id
  subnet_id         = opentelekomcloud_vpc_subnet_v1.subnet.network_id
  security_group_id = var.security_group == "one" ? opentelekomcloud_networking_secgroup_v2.one.id : opentelekomcloud_networking_secgroup_v2.two.id
}

# The data source lists the file systems and picks one by name.
data "opentelekomcloud_sfs_turbo_share_v1" "turbo" {
  name = opentelekomcloud_sfs_turbo_share_v1.turbo.name
}

output "ids" {
  value = {
    vpc    = opentelekomcloud_vpc_v1.vpc.id
    subnet = opentelekomcloud_vpc_subnet_v1.subnet.id
    one    = opentelekomcloud_networking_secgroup_v2.one.id
    two    = opentelekomcloud_networking_secgroup_v2.two.id
    turbo  = opentelekomcloud_sfs_turbo_share_v1.turbo.id
  }
}

output "turbo" {
  value = {
    size               = opentelekomcloud_sfs_turbo_share_v1.turbo.size
    available_capacity = opentelekomcloud_sfs_turbo_share_v1.turbo.available_capacity
    export_location    = opentelekomcloud_sfs_turbo_share_v1.turbo.export_location
    security_group_id  = opentelekomcloud_sfs_turbo_share_v1.turbo.security_group_id
    version            = opentelekomcloud_sfs_turbo_share_v1.turbo.version
  }
}
