# The network resources and data sources of the opentelekomcloud provider
# against the emulator. tests/terraform/run applies it, plans for drift,
# applies again with `suffix` and `description` changed (in-place updates),
# imports, destroys and checks through the API that nothing is left.

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

variable "suffix" {
  type    = string
  default = "one"
}

variable "description" {
  type    = string
  default = "created by the terraform test"
}

# VPC v1 (a router with a CIDR) and its v1 subnet (a network and subnet).
resource "opentelekomcloud_vpc_v1" "vpc" {
  name        = "tf-vpc-${var.suffix}"
  cidr        = "192.168.0.0/16"
  description = var.description
  tags = {
    suite = "terraform"
    kind  = "vpc"
  }
}

resource "opentelekomcloud_vpc_subnet_v1" "subnet" {
  name        = "tf-subnet-${var.suffix}"
  description = var.description
  vpc_id      = opentelekomcloud_vpc_v1.vpc.id
  cidr        = "192.168.10.0/24"
  gateway_ip  = "192.168.10.1"
  dns_list    = ["100.125.4.25", "100.125.129.199"]
  tags = {
    suite = "terraform"
  }
}

# Neutron: network, subnet, router and its interface, security group with a
# rule, a port with a fixed address in the subnet.
resource "opentelekomcloud_networking_network_v2" "net" {
  name           = "tf-net-${var.suffix}"
  admin_state_up = "true"
}

resource "opentelekomcloud_networking_subnet_v2" "sub" {
  name            = "tf-sub-${var.suffix}"
  network_id      = opentelekomcloud_networking_network_v2.net.id
  cidr            = "10.20.0.0/24"
  ip_version      = 4
  dns_nameservers = ["100.125.4.25"]
}

resource "opentelekomcloud_networking_router_v2" "router" {
  name           = "tf-router-${var.suffix}"
  admin_state_up = true
}

resource "opentelekomcloud_networking_router_interface_v2" "ri" {
  router_id = opentelekomcloud_networking_router_v2.router.id
  subnet_id = opentelekomcloud_networking_subnet_v2.sub.id
}

resource "opentelekomcloud_networking_secgroup_v2" "sg" {
  name        = "tf-sg-${var.suffix}"
  description = var.description
}

resource "opentelekomcloud_networking_secgroup_rule_v2" "ssh" {
  security_group_id = opentelekomcloud_networking_secgroup_v2.sg.id
  direction         = "ingress"
  ethertype         = "IPv4"
  protocol          = "tcp"
  port_range_min    = 22
  port_range_max    = 22
  remote_ip_prefix  = "0.0.0.0/0"
  description       = "ssh"
}

resource "opentelekomcloud_networking_port_v2" "port" {
  name               = "tf-port-${var.suffix}"
  network_id         = opentelekomcloud_networking_network_v2.net.id
  admin_state_up     = true
  security_group_ids = [opentelekomcloud_networking_secgroup_v2.sg.id]
  fixed_ip {
    subnet_id  = opentelekomcloud_networking_subnet_v2.sub.id
    ip_address = "10.20.0.10"
  }
}

# A shared bandwidth, and an EIP with a dedicated one.
resource "opentelekomcloud_vpc_bandwidth_v2" "shared" {
  name = "tf-bw-${var.suffix}"
  size = 10
}

resource "opentelekomcloud_vpc_eip_v1" "eip" {
  publicip {
    type = "5_bgp"
    name = "tf-eip"
  }
  # The publicip and bandwidth blocks force a new EIP; the tags change in place.
  bandwidth {
    name        = "tf-eip-bw"
    size        = 5
    share_type  = "PER"
    charge_mode = "traffic"
  }
  tags = {
    suite = "terraform"
    stage = var.suffix
  }
}

data "opentelekomcloud_vpc_v1" "vpc" {
  id = opentelekomcloud_vpc_v1.vpc.id
}

data "opentelekomcloud_vpc_subnet_v1" "subnet" {
  id = opentelekomcloud_vpc_subnet_v1.subnet.id
}

data "opentelekomcloud_networking_network_v2" "net" {
  network_id = opentelekomcloud_networking_network_v2.net.id
}

# Read back through the data sources; the runner compares them.
output "vpc" {
  value = {
    id   = opentelekomcloud_vpc_v1.vpc.id
    name = data.opentelekomcloud_vpc_v1.vpc.name
    cidr = data.opentelekomcloud_vpc_v1.vpc.cidr
  }
}

output "subnet" {
  value = {
    id         = opentelekomcloud_vpc_subnet_v1.subnet.id
    name       = data.opentelekomcloud_vpc_subnet_v1.subnet.name
    cidr       = data.opentelekomcloud_vpc_subnet_v1.subnet.cidr
    gateway_ip = data.opentelekomcloud_vpc_subnet_v1.subnet.gateway_ip
    vpc_id     = data.opentelekomcloud_vpc_subnet_v1.subnet.vpc_id
  }
}

output "network" {
  value = {
    id   = opentelekomcloud_networking_network_v2.net.id
    name = data.opentelekomcloud_networking_network_v2.net.name
  }
}

# Every id the runner looks up after destroy, by API path.
output "ids" {
  value = {
    vpc      = opentelekomcloud_vpc_v1.vpc.id
    subnet   = opentelekomcloud_vpc_subnet_v1.subnet.id
    network  = opentelekomcloud_networking_network_v2.net.id
    sub      = opentelekomcloud_networking_subnet_v2.sub.id
    router   = opentelekomcloud_networking_router_v2.router.id
    sg       = opentelekomcloud_networking_secgroup_v2.sg.id
    rule     = opentelekomcloud_networking_secgroup_rule_v2.ssh.id
    port     = opentelekomcloud_networking_port_v2.port.id
    eip      = opentelekomcloud_vpc_eip_v1.eip.id
    shared   = opentelekomcloud_vpc_bandwidth_v2.shared.id
  }
}
