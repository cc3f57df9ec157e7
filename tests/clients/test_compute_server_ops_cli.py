"""python-openstackclient changing a running server: security groups added
and removed (Nova actions acting on the server's ports), a Neutron port
added and removed as a NIC, and a resize confirmed."""

import uuid


def _name(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


def _server(openstack, net):
    name = _name("vm")
    openstack(
        "server", "create", "--flavor", "s3.medium.1", "--image", "Standard_Debian_11_latest",
        "--network", net, "--wait", name, "-f", "json",
    )
    return name


def _network(openstack, cidr):
    net, sub = _name("net"), _name("sub")
    openstack("network", "create", net)
    openstack("subnet", "create", sub, "--network", net, "--subnet-range", cidr)
    return net


def test_server_security_groups(openstack):
    net = _network(openstack, "10.81.0.0/24")
    name = _server(openstack, net)
    sg = _name("sg")
    openstack("security", "group", "create", sg)
    openstack("server", "add", "security", "group", name, sg)
    shown = openstack("server", "show", name, "-f", "json").data
    assert sg in str(shown["security_groups"])
    server_id = shown["id"]
    port = openstack("port", "list", "--server", server_id, "-f", "json").data[0]
    groups = openstack("port", "show", port["ID"], "-f", "json").data["security_group_ids"]
    sg_id = openstack("security", "group", "show", sg, "-f", "json").data["id"]
    assert sg_id in groups
    # In use by the port: Neutron refuses to delete it.
    assert openstack("security", "group", "delete", sg, check=False).returncode != 0
    again = openstack("server", "add", "security", "group", name, sg, check=False)
    assert again.returncode != 0
    openstack("server", "remove", "security", "group", name, sg)
    groups = openstack("port", "show", port["ID"], "-f", "json").data["security_group_ids"]
    assert sg_id not in groups
    assert sg not in str(openstack("server", "show", name, "-f", "json").data["security_groups"])
    missing = openstack("server", "remove", "security", "group", name, sg, check=False)
    assert missing.returncode != 0
    openstack("security", "group", "delete", sg)
    openstack("server", "delete", "--wait", name)


def test_server_add_and_remove_port(openstack):
    net = _network(openstack, "10.82.0.0/24")
    name = _server(openstack, net)
    port = _name("port")
    created = openstack("port", "create", "--network", net, port, "-f", "json").data
    openstack("server", "add", "port", name, port)
    shown = openstack("port", "show", port, "-f", "json").data
    server_id = openstack("server", "show", name, "-f", "json").data["id"]
    assert shown["device_id"] == server_id and shown["device_owner"].startswith("compute:")
    assert len(openstack("port", "list", "--server", server_id, "-f", "json").data) == 2
    assert created["fixed_ips"][0]["ip_address"] in str(openstack("server", "show", name, "-f", "json").data["addresses"])
    # In use: a second server cannot take it.
    other = _server(openstack, net)
    assert openstack("server", "add", "port", other, port, check=False).returncode != 0
    openstack("server", "remove", "port", name, port)
    shown = openstack("port", "show", port, "-f", "json").data
    assert shown["device_id"] == "" and shown["device_owner"] == ""
    # The primary NIC stays.
    primary = openstack("port", "list", "--server", server_id, "-f", "json").data[0]["ID"]
    assert openstack("server", "remove", "port", name, primary, check=False).returncode != 0
    openstack("server", "delete", "--wait", name, other)
    openstack("port", "delete", port)


def test_server_resize_and_confirm(openstack):
    net = _network(openstack, "10.83.0.0/24")
    name = _server(openstack, net)
    openstack("server", "resize", "--flavor", "s3.large.2", "--wait", name)
    shown = openstack("server", "show", name, "-f", "json").data
    assert shown["status"] == "VERIFY_RESIZE"
    assert "s3.large.2" in str(shown["flavor"])
    openstack("server", "resize", "confirm", name)
    shown = openstack("server", "show", name, "-f", "json").data
    assert shown["status"] == "ACTIVE" and "s3.large.2" in str(shown["flavor"])
    same = openstack("server", "resize", "--flavor", "s3.large.2", name, check=False)
    assert same.returncode != 0
    openstack("server", "delete", "--wait", name)
