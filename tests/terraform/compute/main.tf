# The compute resources and data sources of the opentelekomcloud provider
# against the emulator: a key pair and a server on a network of its own with
# a security group, user data and an EIP bound to it. test_compute.py
# applies it, plans for drift, applies again with `suffix` and `stage`
# changed (server name, metadata and tags change in place), imports,
# destroys and checks through the API that nothing is left.

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

variable "suffix" {
  type    = string
  default = "one"
}

variable "stage" {
  type    = string
  default = "created"
}

data "opentelekomcloud_images_image_v2" "debian" {
  name        = "Standard_Debian_11_latest"
  most_recent = true
}

data "opentelekomcloud_compute_flavor_v2" "small" {
  name = "s3.medium.1"
}

resource "opentelekomcloud_vpc_v1" "vpc" {
  name = "tf-cvpc"
  cidr = "192.168.0.0/16"
}

resource "opentelekomcloud_vpc_subnet_v1" "subnet" {
  name       = "tf-csubnet"
  vpc_id     = opentelekomcloud_vpc_v1.vpc.id
  cidr       = "192.168.20.0/24"
  gateway_ip = "192.168.20.1"
}

resource "opentelekomcloud_networking_secgroup_v2" "sg" {
  name        = "tf-csg"
  description = "ssh to the terraform test server"
}

resource "opentelekomcloud_networking_secgroup_rule_v2" "ssh" {
  security_group_id = opentelekomcloud_networking_secgroup_v2.sg.id
  direction         = "ingress"
  ethertype         = "IPv4"
  protocol          = "tcp"
  port_range_min    = 22
  port_range_max    = 22
  remote_ip_prefix  = "0.0.0.0/0"
}

resource "opentelekomcloud_compute_keypair_v2" "key" {
  name       = "tf-key"
  public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJtjlAgBZx9whNgl2Yc2XRw0oLlMDbVuLKj2JM94rDzS tf-test"
}

resource "opentelekomcloud_compute_instance_v2" "vm" {
  name            = "tf-vm-${var.suffix}"
  image_id        = data.opentelekomcloud_images_image_v2.debian.id
  flavor_id       = data.opentelekomcloud_compute_flavor_v2.small.id
  key_pair        = opentelekomcloud_compute_keypair_v2.key.name
  security_groups = [opentelekomcloud_networking_secgroup_v2.sg.name]
  user_data       = "#cloud-config\nhostname: tf-vm\n"

  # A vpc_subnet_v1's id is the id of its Neutron network.
  network {
    uuid = opentelekomcloud_vpc_subnet_v1.subnet.id
  }

  metadata = {
    stage = var.stage
  }

  tags = {
    suite = "terraform"
    stage = var.stage
  }
}

resource "opentelekomcloud_vpc_eip_v1" "eip" {
  publicip {
    type = "5_bgp"
  }
  bandwidth {
    name        = "tf-cbw"
    size        = 5
    share_type  = "PER"
    charge_mode = "traffic"
  }
}

resource "opentelekomcloud_compute_floatingip_associate_v2" "fip" {
  floating_ip = opentelekomcloud_vpc_eip_v1.eip.publicip[0].ip_address
  instance_id = opentelekomcloud_compute_instance_v2.vm.id
}

output "vm" {
  value = {
    id           = opentelekomcloud_compute_instance_v2.vm.id
    name         = opentelekomcloud_compute_instance_v2.vm.name
    image_id     = opentelekomcloud_compute_instance_v2.vm.image_id
    flavor_name  = opentelekomcloud_compute_instance_v2.vm.flavor_name
    key_pair     = opentelekomcloud_compute_instance_v2.vm.key_pair
    fixed_ip     = opentelekomcloud_compute_instance_v2.vm.network[0].fixed_ip_v4
    access_ip_v4 = opentelekomcloud_compute_instance_v2.vm.access_ip_v4
  }
}

output "image" {
  value = {
    id   = data.opentelekomcloud_images_image_v2.debian.id
    name = data.opentelekomcloud_images_image_v2.debian.name
  }
}

output "flavor" {
  value = {
    id    = data.opentelekomcloud_compute_flavor_v2.small.id
    vcpus = data.opentelekomcloud_compute_flavor_v2.small.vcpus
    ram   = data.opentelekomcloud_compute_flavor_v2.small.ram
  }
}

# Every id the test looks up after destroy, by API path.
output "ids" {
  value = {
    vpc    = opentelekomcloud_vpc_v1.vpc.id
    subnet = opentelekomcloud_vpc_subnet_v1.subnet.id
    sg     = opentelekomcloud_networking_secgroup_v2.sg.id
    key    = opentelekomcloud_compute_keypair_v2.key.id
    vm     = opentelekomcloud_compute_instance_v2.vm.id
    eip    = opentelekomcloud_vpc_eip_v1.eip.id
    fip    = opentelekomcloud_compute_floatingip_associate_v2.fip.id
  }
}

output "eip_address" {
  value = opentelekomcloud_vpc_eip_v1.eip.publicip[0].ip_address
}
