# Auto Scaling of the opentelekomcloud provider against the emulator: a
# configuration, a group that reaches its desired instance, v1 and v2
# policies and a lifecycle hook, on a VPC, subnet, security group and key
# pair of their own. test_autoscaling.py applies it, plans for drift, applies
# again with `suffix` changed (in-place updates), imports, destroys and
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

locals {
  updated = var.suffix != "one"
}

resource "opentelekomcloud_vpc_v1" "vpc" {
  name = "tf-as-vpc-${var.suffix}"
  cidr = "192.168.0.0/16"
}

resource "opentelekomcloud_vpc_subnet_v1" "subnet" {
  name       = "tf-as-subnet-${var.suffix}"
  vpc_id     = opentelekomcloud_vpc_v1.vpc.id
  cidr       = "192.168.1.0/24"
  gateway_ip = "192.168.1.1"
}

resource "opentelekomcloud_networking_secgroup_v2" "sg" {
  name = "tf-as-sg-${var.suffix}"
}

# The emulator generates the key when none is given, as Nova does.
resource "opentelekomcloud_compute_keypair_v2" "kp" {
  name = "tf-as-kp"
}

data "opentelekomcloud_images_image_v2" "debian" {
  name        = "Standard_Debian_11_latest"
  most_recent = true
}

resource "opentelekomcloud_as_configuration_v1" "config" {
  scaling_configuration_name = "tf-as-config"
  instance_config {
    flavor   = "s3.medium.1"
    image    = data.opentelekomcloud_images_image_v2.debian.id
    key_name = opentelekomcloud_compute_keypair_v2.kp.name
    disk {
      size        = 40
      volume_type = "SATA"
      disk_type   = "SYS"
    }
    metadata = {
      generator = "terraform"
    }
  }
}

resource "opentelekomcloud_as_group_v1" "group" {
  scaling_group_name       = "tf-as-group-${var.suffix}"
  scaling_configuration_id = opentelekomcloud_as_configuration_v1.config.id
  desire_instance_number   = 1
  min_instance_number      = 0
  max_instance_number      = local.updated ? 4 : 3
  cool_down_time           = local.updated ? 600 : 900
  vpc_id                   = opentelekomcloud_vpc_v1.vpc.id
  delete_publicip          = true
  delete_instances         = "yes"

  networks {
    id = opentelekomcloud_vpc_subnet_v1.subnet.id
  }
  security_groups {
    id = opentelekomcloud_networking_secgroup_v2.sg.id
  }

  tags = {
    suite = "terraform"
    stage = var.suffix
  }
}

resource "opentelekomcloud_as_policy_v1" "scheduled" {
  scaling_policy_name = "tf-as-policy-v1-${var.suffix}"
  scaling_group_id    = opentelekomcloud_as_group_v1.group.id
  scaling_policy_type = "SCHEDULED"
  scaling_policy_action {
    operation       = "ADD"
    instance_number = local.updated ? 2 : 1
  }
  scheduled_policy {
    launch_time = "2040-12-22T12:00Z"
  }
}

resource "opentelekomcloud_as_policy_v2" "recurrence" {
  scaling_policy_name   = "tf-as-policy-v2-${var.suffix}"
  scaling_policy_type   = "RECURRENCE"
  scaling_resource_id   = opentelekomcloud_as_group_v1.group.id
  scaling_resource_type = "SCALING_GROUP"

  scaling_policy_action {
    operation  = "ADD"
    percentage = local.updated ? 20 : 15
  }
  scheduled_policy {
    launch_time      = "10:30"
    recurrence_type  = "Weekly"
    recurrence_value = local.updated ? "2,4" : "1,3,5"
    end_time         = "2040-12-31T10:30Z"
  }
}

# No SMN in the emulator: the hook keeps the topic's URN, as AS does.
resource "opentelekomcloud_as_lifecycle_hook_v1" "hook" {
  scaling_lifecycle_hook_name = "tf-as-hook"
  scaling_group_id            = opentelekomcloud_as_group_v1.group.id
  scaling_lifecycle_hook_type = "INSTANCE_TERMINATING"
  default_result              = local.updated ? "CONTINUE" : "ABANDON"
  default_timeout             = local.updated ? 600 : 3600
  notification_topic_urn      = "urn:smn:eu-de:0123456789abcdef0123456789abcdef:tf-as-topic"
  notification_metadata       = "created by the terraform test, ${var.suffix}"
}

# Every id the test looks up after destroy, by API path.
output "ids" {
  value = {
    vpc        = opentelekomcloud_vpc_v1.vpc.id
    subnet     = opentelekomcloud_vpc_subnet_v1.subnet.id
    sg         = opentelekomcloud_networking_secgroup_v2.sg.id
    config     = opentelekomcloud_as_configuration_v1.config.id
    group      = opentelekomcloud_as_group_v1.group.id
    scheduled  = opentelekomcloud_as_policy_v1.scheduled.id
    recurrence = opentelekomcloud_as_policy_v2.recurrence.id
    hook       = opentelekomcloud_as_lifecycle_hook_v1.hook.id
  }
}

output "instances" {
  value = opentelekomcloud_as_group_v1.group.instances
}
