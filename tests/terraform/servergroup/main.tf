# A server group of the opentelekomcloud provider against the emulator: an
# anti-affinity group with a server placed in it through the scheduler
# hint. test_servergroup.py applies it, plans for drift, renames the server
# in place, imports the group, destroys and checks through the API that
# nothing is left.

terraform {
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

data "opentelekomcloud_images_image_v2" "debian" {
  name        = "Standard_Debian_11_latest"
  most_recent = true
}

resource "opentelekomcloud_compute_servergroup_v2" "group" {
  name     = "tf-sgroup"
  policies = ["anti-affinity"]
}

resource "opentelekomcloud_vpc_v1" "vpc" {
  name = "tf-gvpc"
  cidr = "192.168.0.0/16"
}

resource "opentelekomcloud_vpc_subnet_v1" "subnet" {
  name       = "tf-gsubnet"
  vpc_id     = opentelekomcloud_vpc_v1.vpc.id
  cidr       = "192.168.30.0/24"
  gateway_ip = "192.168.30.1"
}

resource "opentelekomcloud_compute_instance_v2" "vm" {
  name              = "tf-gvm-${var.suffix}"
  image_id          = data.opentelekomcloud_images_image_v2.debian.id
  flavor_id         = "s3.medium.1"
  availability_zone = "eu-de-01"

  network {
    uuid = opentelekomcloud_vpc_subnet_v1.subnet.id
  }

  scheduler_hints {
    group = opentelekomcloud_compute_servergroup_v2.group.id
  }
}

output "ids" {
  value = {
    group  = opentelekomcloud_compute_servergroup_v2.group.id
    vpc    = opentelekomcloud_vpc_v1.vpc.id
    subnet = opentelekomcloud_vpc_subnet_v1.subnet.id
    vm     = opentelekomcloud_compute_instance_v2.vm.id
  }
}

output "policies" {
  value = opentelekomcloud_compute_servergroup_v2.group.policies
}
