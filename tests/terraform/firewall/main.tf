# FWaaS v2 through the opentelekomcloud provider: two rules, a policy that
# orders them and a firewall group using it (without ports: binding a
# router interface needs add_router_interface by port_id to keep the port,
# which is not done yet). tests/terraform/test_firewall.py applies it,
# updates it in place, imports and destroys.

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

resource "opentelekomcloud_fw_rule_v2" "ssh" {
  name             = "tf-fw-ssh-${var.suffix}"
  description      = var.description
  protocol         = "tcp"
  action           = "allow"
  destination_port = "22"
  source_ip_address = "10.0.0.0/8"
}

resource "opentelekomcloud_fw_rule_v2" "deny" {
  name     = "tf-fw-deny-${var.suffix}"
  protocol = "any"
  action   = "deny"
}

resource "opentelekomcloud_fw_policy_v2" "policy" {
  name        = "tf-fw-policy-${var.suffix}"
  description = var.description
  rules       = [opentelekomcloud_fw_rule_v2.ssh.id, opentelekomcloud_fw_rule_v2.deny.id]
}

resource "opentelekomcloud_fw_firewall_group_v2" "group" {
  name              = "tf-fw-group-${var.suffix}"
  description       = var.description
  ingress_policy_id = opentelekomcloud_fw_policy_v2.policy.id
  egress_policy_id  = opentelekomcloud_fw_policy_v2.policy.id
}

output "ids" {
  value = {
    ssh    = opentelekomcloud_fw_rule_v2.ssh.id
    deny   = opentelekomcloud_fw_rule_v2.deny.id
    policy = opentelekomcloud_fw_policy_v2.policy.id
    group  = opentelekomcloud_fw_firewall_group_v2.group.id
  }
}
