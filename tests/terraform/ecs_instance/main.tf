# opentelekomcloud_ecs_instance_v1 (ECS v1 batch creation as a job) against
# the emulator: a server on a VPC subnet of its own with a security group and
# tags. test_ecs_instance.py applies it, plans for drift, applies again with
# `flavor`, `suffix` and `second_group` changed (the provider renames through
# ECS v1, resizes with Nova's resize + confirmResize and adds the second
# group with addSecurityGroup), plans again, destroys and checks through the
# API that nothing is left.

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

variable "flavor" {
  type    = string
  default = "s3.medium.1"
}

variable "second_group" {
  type    = bool
  default = false
}

data "opentelekomcloud_images_image_v2" "debian" {
  name        = "Standard_Debian_11_latest"
  most_recent = true
}

resource "opentelekomcloud_vpc_v1" "vpc" {
  name = "tf-evpc"
  cidr = "192.168.0.0/16"
}

resource "opentelekomcloud_vpc_subnet_v1" "subnet" {
  name       = "tf-esubnet"
  vpc_id     = opentelekomcloud_vpc_v1.vpc.id
  cidr       = "192.168.30.0/24"
  gateway_ip = "192.168.30.1"
}

resource "opentelekomcloud_networking_secgroup_v2" "one" {
  name = "tf-esg-one"
}

resource "opentelekomcloud_networking_secgroup_v2" "two" {
  name = "tf-esg-two"
}

resource "opentelekomcloud_ecs_instance_v1" "vm" {
  name              = "tf-ecs-${var.suffix}"
  image_id          = data.opentelekomcloud_images_image_v2.debian.id
  flavor            = var.flavor
  vpc_id            = opentelekomcloud_vpc_v1.vpc.id
  availability_zone = "eu-de-01"
  password          = "Emulator-Pass-1"

  nics {
    network_id = opentelekomcloud_vpc_subnet_v1.subnet.id
  }

  system_disk_type = "SSD"
  system_disk_size = 10

  security_groups = var.second_group ? [
    opentelekomcloud_networking_secgroup_v2.one.id,
    opentelekomcloud_networking_secgroup_v2.two.id,
  ] : [opentelekomcloud_networking_secgroup_v2.one.id]

  delete_disks_on_termination = true

  tags = {
    suite = "terraform"
  }
}

output "ids" {
  value = {
    vpc    = opentelekomcloud_vpc_v1.vpc.id
    subnet = opentelekomcloud_vpc_subnet_v1.subnet.id
    one    = opentelekomcloud_networking_secgroup_v2.one.id
    two    = opentelekomcloud_networking_secgroup_v2.two.id
    vm     = opentelekomcloud_ecs_instance_v1.vm.id
  }
}

output "vm" {
  value = {
    name   = opentelekomcloud_ecs_instance_v1.vm.name
    flavor = opentelekomcloud_ecs_instance_v1.vm.flavor
    ip     = opentelekomcloud_ecs_instance_v1.vm.nics[0].ip_address
  }
}
