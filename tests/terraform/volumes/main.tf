# Servers made of volumes, through the opentelekomcloud provider: a Cinder v2
# volume (blockstorage_volume_v2), an EVS v3 volume (evs_volume_v3, created
# through the native cloudvolumes API and its job), a server booted from a
# volume made of the image with a blank data volume beside it
# (compute_instance_v2 with block_device, posted to os-volumes_boot), and
# the EVS volume attached to it (compute_volume_attach_v2). test_volumes.py
# applies it, plans for drift, renames and extends in place, imports,
# destroys and checks through the API that nothing is left.

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

variable "size" {
  type    = number
  default = 10
}

data "opentelekomcloud_images_image_v2" "debian" {
  name        = "Standard_Debian_11_latest"
  most_recent = true
}

resource "opentelekomcloud_vpc_v1" "vpc" {
  name = "tf-vvpc"
  cidr = "192.168.0.0/16"
}

resource "opentelekomcloud_vpc_subnet_v1" "subnet" {
  name       = "tf-vsubnet"
  vpc_id     = opentelekomcloud_vpc_v1.vpc.id
  cidr       = "192.168.30.0/24"
  gateway_ip = "192.168.30.1"
}

resource "opentelekomcloud_blockstorage_volume_v2" "cinder" {
  name              = "tf-bs-${var.suffix}"
  description       = "a Cinder v2 volume"
  availability_zone = "eu-de-01"
  volume_type       = "SAS"
  size              = var.size
  metadata = {
    suite = "terraform"
  }
}

resource "opentelekomcloud_evs_volume_v3" "evs" {
  name              = "tf-evs-${var.suffix}"
  description       = "an EVS volume to attach"
  availability_zone = "eu-de-01"
  volume_type       = "SSD"
  size              = 10
  tags = {
    suite = "terraform"
  }
}

resource "opentelekomcloud_compute_instance_v2" "vm" {
  name              = "tf-bfv-${var.suffix}"
  flavor_id         = "s3.medium.1"
  availability_zone = "eu-de-01"

  network {
    uuid = opentelekomcloud_vpc_subnet_v1.subnet.id
  }

  # The system disk: a volume made of the image, deleted with the server.
  block_device {
    uuid                  = data.opentelekomcloud_images_image_v2.debian.id
    source_type           = "image"
    destination_type      = "volume"
    volume_size           = 12
    volume_type           = "SSD"
    boot_index            = 0
    delete_on_termination = true
  }

  # A blank data volume (boot_index is sent as 0 when unset: 1 says data).
  block_device {
    source_type           = "blank"
    destination_type      = "volume"
    volume_size           = 20
    boot_index            = 1
    delete_on_termination = true
  }
}

resource "opentelekomcloud_compute_volume_attach_v2" "attach" {
  instance_id = opentelekomcloud_compute_instance_v2.vm.id
  volume_id   = opentelekomcloud_evs_volume_v3.evs.id
}

# Every id the test looks up after destroy, by API path.
output "ids" {
  value = {
    vpc    = opentelekomcloud_vpc_v1.vpc.id
    subnet = opentelekomcloud_vpc_subnet_v1.subnet.id
    cinder = opentelekomcloud_blockstorage_volume_v2.cinder.id
    evs    = opentelekomcloud_evs_volume_v3.evs.id
    vm     = opentelekomcloud_compute_instance_v2.vm.id
  }
}

output "attach" {
  value = {
    id     = opentelekomcloud_compute_volume_attach_v2.attach.id
    device = opentelekomcloud_compute_volume_attach_v2.attach.device
  }
}
