"""python-openstackclient's compute commands against the emulator: flavors,
images, key pairs and servers whose NICs are ports of the network model."""

import uuid

import pytest


def _name(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


def test_flavors_and_images(openstack):
    flavors = {f["Name"]: f for f in openstack("flavor", "list", "-f", "json").data}
    assert flavors["s3.medium.1"]["VCPUs"] == 1 and flavors["s3.medium.1"]["RAM"] == 1024
    assert "m3.large.8" in flavors
    shown = openstack("flavor", "show", "s3.large.2", "-f", "json").data
    assert shown["vcpus"] == 2 and shown["ram"] == 4096
    assert "ecs:performancetype" in str(shown["properties"])
    missing = openstack("flavor", "show", "no.such.flavor", check=False)
    assert missing.returncode != 0
    images = {i["Name"] for i in openstack("image", "list", "-f", "json").data}
    assert {"Standard_Debian_11_latest", "Standard_Ubuntu_22.04_latest", "Standard_Windows_2022_DC_latest"} <= images
    img = openstack("image", "show", "Standard_Debian_11_latest", "-f", "json").data
    assert img["status"] == "active" and img["min_disk"] == 4
    zones = openstack("availability", "zone", "list", "--compute", "-f", "json").data
    assert "eu-de-01" in {z["Zone Name"] for z in zones}


def test_keypairs(openstack, emulator):
    name = _name("kp")
    created = openstack("keypair", "create", name)
    assert "PRIVATE KEY" in created.stdout
    listed = {k["Name"]: k for k in openstack("keypair", "list", "-f", "json").data}
    assert name in listed and len(listed[name]["Fingerprint"]) == 47
    dup = openstack("keypair", "create", name, check=False)
    assert dup.returncode != 0 and "already exists" in dup.output
    pub = emulator.home / "imported.pub"
    pub.write_text("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl user@host\n")
    imported = openstack("keypair", "create", "--public-key", str(pub), name + "-imp", "-f", "json").data
    assert imported["name"] == name + "-imp"
    bad = emulator.home / "bad.pub"
    bad.write_text("not a key\n")
    assert openstack("keypair", "create", "--public-key", str(bad), name + "-bad", check=False).returncode != 0
    openstack("keypair", "delete", name, name + "-imp")
    assert name not in {k["Name"] for k in openstack("keypair", "list", "-f", "json").data}


def test_server_lifecycle_with_ports(openstack):
    net, sub, kp, sg = _name("net"), _name("sub"), _name("kp"), _name("sg")
    openstack("network", "create", net)
    openstack("subnet", "create", sub, "--network", net, "--subnet-range", "10.77.0.0/24")
    openstack("keypair", "create", kp)
    openstack("security", "group", "create", sg)
    name = _name("vm")
    server = openstack(
        "server", "create", "--flavor", "s3.medium.1", "--image", "Standard_Debian_11_latest",
        "--network", net, "--key-name", kp, "--security-group", sg, "--wait", name, "-f", "json",
    ).data
    assert server["status"] == "ACTIVE"
    assert "10.77.0." in str(server["addresses"])
    ports = openstack("port", "list", "--server", server["id"], "-f", "json").data
    assert len(ports) == 1
    port = openstack("port", "show", ports[0]["ID"], "-f", "json").data
    assert port["device_owner"].startswith("compute:") and port["device_id"] == server["id"]
    listed = openstack("server", "list", "-f", "json").data
    assert name in {s["Name"] for s in listed}
    shown = openstack("server", "show", name, "-f", "json").data
    assert shown["key_name"] == kp and shown["flavor"]

    openstack("server", "stop", name)
    assert openstack("server", "show", name, "-f", "json").data["status"] == "SHUTOFF"
    again = openstack("server", "stop", name, check=False)
    assert again.returncode != 0
    openstack("server", "start", name)
    assert openstack("server", "show", name, "-f", "json").data["status"] == "ACTIVE"
    openstack("server", "reboot", "--wait", name)
    openstack("server", "set", "--name", name + "-x", name)

    # Refusals.
    for args in (
        ["--flavor", "no.such", "--image", "Standard_Debian_11_latest", "--network", net],
        ["--flavor", "s3.medium.1", "--image", "no-such-image", "--network", net],
        ["--flavor", "s3.medium.1", "--image", "Standard_Debian_11_latest", "--network", net, "--key-name", "missing"],
        ["--flavor", "s3.medium.1", "--image", "Standard_Debian_11_latest", "--network", "no-such-net"],
    ):
        r = openstack("server", "create", *args, _name("bad"), check=False)
        assert r.returncode != 0, args

    openstack("server", "delete", "--wait", name + "-x")
    assert openstack("port", "list", "--network", net, "--device-owner", "compute:eu-de-01", "-f", "json").data == []
    assert openstack("server", "show", name + "-x", check=False).returncode != 0
    openstack("security", "group", "delete", sg)
    openstack("subnet", "delete", sub)
    openstack("network", "delete", net)
    openstack("keypair", "delete", kp)
