# Enterprise VPN v5 of the opentelekomcloud provider against the emulator:
# two gateways (one on existing EIPs, one creating its own), a customer
# gateway, a connection with IKE/IPsec policies and its monitor, on a VPC of
# their own. test_vpn.py applies it, plans for drift, applies again with
# `suffix` and `lifetime` changed (in-place updates), imports, destroys and
# checks through the API that nothing is left.

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

# The connection's IKE SA lifetime, changed in place by the update.
variable "lifetime" {
  type    = number
  default = 86400
}

resource "opentelekomcloud_vpc_v1" "vpc" {
  name = "tf-vpn-vpc-${var.suffix}"
  cidr = "192.168.0.0/16"
}

resource "opentelekomcloud_vpc_subnet_v1" "subnet" {
  name       = "tf-vpn-subnet-${var.suffix}"
  vpc_id     = opentelekomcloud_vpc_v1.vpc.id
  cidr       = "192.168.0.0/24"
  gateway_ip = "192.168.0.1"
}

resource "opentelekomcloud_vpc_eip_v1" "eip_1" {
  publicip {
    type = "5_bgp"
  }
  bandwidth {
    name        = "tf-vpn-bw-1"
    size        = 8
    share_type  = "PER"
    charge_mode = "traffic"
  }
}

resource "opentelekomcloud_vpc_eip_v1" "eip_2" {
  publicip {
    type = "5_bgp"
  }
  bandwidth {
    name        = "tf-vpn-bw-2"
    size        = 9
    share_type  = "PER"
    charge_mode = "traffic"
  }
}

# Active-active on the two EIPs above, which stay when it goes.
resource "opentelekomcloud_enterprise_vpn_gateway_v5" "gw" {
  name           = "tf-vpn-gw-${var.suffix}"
  vpc_id         = opentelekomcloud_vpc_v1.vpc.id
  local_subnets  = var.suffix == "one" ? [opentelekomcloud_vpc_subnet_v1.subnet.cidr] : [opentelekomcloud_vpc_subnet_v1.subnet.cidr, "192.168.2.0/24"]
  connect_subnet = opentelekomcloud_vpc_subnet_v1.subnet.id

  availability_zones = ["eu-de-01", "eu-de-02"]

  eip1 {
    id = opentelekomcloud_vpc_eip_v1.eip_1.id
  }
  eip2 {
    id = opentelekomcloud_vpc_eip_v1.eip_2.id
  }

  tags = {
    suite = "terraform"
    stage = var.suffix
  }
}

# Active-standby with EIPs it creates (and releases) itself.
resource "opentelekomcloud_enterprise_vpn_gateway_v5" "gw_new" {
  name           = "tf-vpn-gw-new-${var.suffix}"
  ha_mode        = "active-standby"
  vpc_id         = opentelekomcloud_vpc_v1.vpc.id
  local_subnets  = [opentelekomcloud_vpc_subnet_v1.subnet.cidr]
  connect_subnet = opentelekomcloud_vpc_subnet_v1.subnet.id

  availability_zones = ["eu-de-01", "eu-de-02"]

  eip1 {
    bandwidth_name = "tf-vpn-gw-bw-1"
    type           = "5_bgp"
    bandwidth_size = 5
    charge_mode    = "traffic"
  }
  eip2 {
    bandwidth_name = "tf-vpn-gw-bw-2"
    type           = "5_bgp"
    bandwidth_size = 5
    charge_mode    = "traffic"
  }
}

resource "opentelekomcloud_enterprise_vpn_customer_gateway_v5" "cgw" {
  name     = "tf-vpn-cgw-${var.suffix}"
  id_value = "172.16.1.2"

  tags = {
    suite = "terraform"
    stage = var.suffix
  }
}

resource "opentelekomcloud_enterprise_vpn_connection_v5" "conn" {
  name                = "tf-vpn-conn-${var.suffix}"
  gateway_id          = opentelekomcloud_enterprise_vpn_gateway_v5.gw.id
  gateway_ip          = opentelekomcloud_vpc_eip_v1.eip_1.id
  customer_gateway_id = opentelekomcloud_enterprise_vpn_customer_gateway_v5.cgw.id
  peer_subnets        = ["192.168.55.0/24"]
  vpn_type            = "static"
  psk                 = "Test@123"
  enable_nqa          = true

  ikepolicy {
    authentication_algorithm = "sha2-512"
    encryption_algorithm     = "aes-256"
    lifetime_seconds         = var.lifetime
    dpd {
      timeout  = 15
      interval = 30
      msg      = "seq-hash-notify"
    }
  }

  ipsecpolicy {
    authentication_algorithm = "sha2-512"
    encryption_algorithm     = "aes-256"
    lifetime_seconds         = 7200
  }

  tags = {
    suite = "terraform"
    stage = var.suffix
  }
}

resource "opentelekomcloud_enterprise_vpn_connection_monitor_v5" "cm" {
  connection_id = opentelekomcloud_enterprise_vpn_connection_v5.conn.id
}

# Every id the test looks up after destroy, by API path.
output "ids" {
  value = {
    vpc     = opentelekomcloud_vpc_v1.vpc.id
    subnet  = opentelekomcloud_vpc_subnet_v1.subnet.id
    eip_1   = opentelekomcloud_vpc_eip_v1.eip_1.id
    eip_2   = opentelekomcloud_vpc_eip_v1.eip_2.id
    gw      = opentelekomcloud_enterprise_vpn_gateway_v5.gw.id
    gw_new  = opentelekomcloud_enterprise_vpn_gateway_v5.gw_new.id
    new_eip = opentelekomcloud_enterprise_vpn_gateway_v5.gw_new.eip1[0].id
    cgw     = opentelekomcloud_enterprise_vpn_customer_gateway_v5.cgw.id
    conn    = opentelekomcloud_enterprise_vpn_connection_v5.conn.id
    cm      = opentelekomcloud_enterprise_vpn_connection_monitor_v5.cm.id
  }
}
