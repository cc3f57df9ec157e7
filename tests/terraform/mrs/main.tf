# The MRS cluster resource of the opentelekomcloud provider against the
# emulator: a cluster in a VPC the configuration creates, logging in with a
# key pair it creates. tests/terraform/test_mrs.py applies it, plans for
# drift, changes the tags in place (the resource's only updatable part),
# imports the network, destroys and checks through the API that the
# cluster's servers are gone.

terraform {
  required_version = ">= 1.6.0"
  required_providers {
    opentelekomcloud = {
      source = "opentelekomcloud/opentelekomcloud"
    }
  }
}

provider "opentelekomcloud" {}

variable "owner" {
  type    = string
  default = "one"
}

resource "opentelekomcloud_compute_keypair_v2" "key" {
  name = "tf-mrs-key"
}

resource "opentelekomcloud_vpc_v1" "vpc" {
  name = "tf-mrs-vpc"
  cidr = "192.168.0.0/16"
}

resource "opentelekomcloud_vpc_subnet_v1" "subnet" {
  name       = "tf-mrs-subnet"
  cidr       = "192.168.20.0/24"
  gateway_ip = "192.168.20.1"
  vpc_id     = opentelekomcloud_vpc_v1.vpc.id
}

# The provider's 2025 acceptance configuration, on flavors the emulator's
# compute catalogue has.
resource "opentelekomcloud_mrs_cluster_v1" "cluster" {
  cluster_name             = "tf-mrs-cluster"
  billing_type             = 12
  master_node_num          = 2
  core_node_num            = 3
  master_node_size         = "s3.xlarge.4.linux.mrs"
  core_node_size           = "s3.xlarge.4.linux.mrs"
  available_zone_id        = "eu-de-01"
  vpc_id                   = opentelekomcloud_vpc_v1.vpc.id
  subnet_id                = opentelekomcloud_vpc_subnet_v1.subnet.id
  cluster_version          = "MRS 3.1.2-LTS.6"
  volume_type              = "SAS"
  volume_size              = 100
  safe_mode                = 1
  cluster_type             = 0
  node_public_cert_name    = opentelekomcloud_compute_keypair_v2.key.name
  cluster_admin_secret     = "Mrs@12345"
  master_data_volume_type  = "SAS"
  master_data_volume_size  = 100
  master_data_volume_count = 1
  core_data_volume_type    = "SAS"
  core_data_volume_size    = 100
  core_data_volume_count   = 1
  component_list {
    component_name = "Hadoop"
  }
  component_list {
    component_name = "Hive"
  }
  tags = {
    suite = "terraform"
    owner = var.owner
  }
}

output "ids" {
  value = {
    vpc     = opentelekomcloud_vpc_v1.vpc.id
    subnet  = opentelekomcloud_vpc_subnet_v1.subnet.id
    cluster = opentelekomcloud_mrs_cluster_v1.cluster.id
  }
}

output "cluster" {
  value = {
    state   = opentelekomcloud_mrs_cluster_v1.cluster.cluster_state
    zone    = opentelekomcloud_mrs_cluster_v1.cluster.available_zone_id
    masters = opentelekomcloud_mrs_cluster_v1.cluster.master_node_num
    cores   = opentelekomcloud_mrs_cluster_v1.cluster.core_node_num
    ip      = opentelekomcloud_mrs_cluster_v1.cluster.master_node_ip
  }
}
