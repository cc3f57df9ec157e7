# The classic VPNaaS of the opentelekomcloud provider against the emulator:
# IKE and IPsec policies, a VPN service on a VPC's router, two endpoint
# groups and an IPsec site connection joining them. test_vpnaas.py applies
# it, plans for drift, applies again with `suffix` changed (in-place
# updates), imports, destroys and checks through the API that nothing is
# left.

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

locals {
  updated = var.suffix != "one"
}

resource "opentelekomcloud_vpc_v1" "vpc" {
  name = "tf-vpnaas-vpc-${var.suffix}"
  cidr = "192.168.0.0/16"
}

resource "opentelekomcloud_vpc_subnet_v1" "subnet" {
  name       = "tf-vpnaas-subnet-${var.suffix}"
  vpc_id     = opentelekomcloud_vpc_v1.vpc.id
  cidr       = "192.168.20.0/24"
  gateway_ip = "192.168.20.1"
}

resource "opentelekomcloud_vpnaas_ike_policy_v2" "ike" {
  name                 = "tf-vpnaas-ike-${var.suffix}"
  auth_algorithm       = "sha2-256"
  encryption_algorithm = "aes-256"
  pfs                  = "group14"
  lifetime {
    units = "seconds"
    value = local.updated ? 7200 : 3600
  }
}

resource "opentelekomcloud_vpnaas_ipsec_policy_v2" "ipsec" {
  name                 = "tf-vpnaas-ipsec-${var.suffix}"
  auth_algorithm       = "sha2-256"
  encryption_algorithm = "aes-256"
  pfs                  = "group14"
  lifetime {
    units = "seconds"
    value = local.updated ? 7200 : 3600
  }
}

resource "opentelekomcloud_vpnaas_service_v2" "service" {
  name           = "tf-vpnaas-service-${var.suffix}"
  router_id      = opentelekomcloud_vpc_v1.vpc.id
  admin_state_up = true
  # The router has the subnet attached: vpc_subnet_v1 is a network and
  # subnet on the VPC's router.
  depends_on = [opentelekomcloud_vpc_subnet_v1.subnet]
}

resource "opentelekomcloud_vpnaas_endpoint_group_v2" "peer" {
  name      = "tf-vpnaas-peer-${var.suffix}"
  type      = "cidr"
  endpoints = ["10.2.0.0/24", "10.3.0.0/24"]
}

resource "opentelekomcloud_vpnaas_endpoint_group_v2" "local" {
  name      = "tf-vpnaas-local-${var.suffix}"
  type      = "subnet"
  endpoints = [opentelekomcloud_vpc_subnet_v1.subnet.subnet_id]
}

resource "opentelekomcloud_vpnaas_site_connection_v2" "conn" {
  name              = "tf-vpnaas-conn-${var.suffix}"
  description       = local.updated ? "updated by the terraform test" : "created by the terraform test"
  ikepolicy_id      = opentelekomcloud_vpnaas_ike_policy_v2.ike.id
  ipsecpolicy_id    = opentelekomcloud_vpnaas_ipsec_policy_v2.ipsec.id
  vpnservice_id     = opentelekomcloud_vpnaas_service_v2.service.id
  psk               = "secret./"
  peer_address      = "192.168.10.1"
  peer_id           = "192.168.10.1"
  local_ep_group_id = opentelekomcloud_vpnaas_endpoint_group_v2.local.id
  peer_ep_group_id  = opentelekomcloud_vpnaas_endpoint_group_v2.peer.id

  tags = {
    suite = "terraform"
    stage = var.suffix
  }
}

output "ids" {
  value = {
    vpc     = opentelekomcloud_vpc_v1.vpc.id
    subnet  = opentelekomcloud_vpc_subnet_v1.subnet.id
    ike     = opentelekomcloud_vpnaas_ike_policy_v2.ike.id
    ipsec   = opentelekomcloud_vpnaas_ipsec_policy_v2.ipsec.id
    service = opentelekomcloud_vpnaas_service_v2.service.id
    peer    = opentelekomcloud_vpnaas_endpoint_group_v2.peer.id
    local   = opentelekomcloud_vpnaas_endpoint_group_v2.local.id
    conn    = opentelekomcloud_vpnaas_site_connection_v2.conn.id
  }
}
