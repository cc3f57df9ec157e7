"""python-openstackclient's network commands against the emulator's VPC
service, and the same resources seen through VPC v1 and v3 over HTTP."""

import uuid

import pytest
import requests

from helpers import issue_token


def _name(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


@pytest.fixture(scope="module")
def http(emulator):
    """(token, project id) for plain-HTTP checks through VPC v1 and v3."""
    token, r = issue_token(emulator.auth_url)
    return token, r.json()["token"]["project"]["id"]


def _get(emulator, http, path):
    token, pid = http
    r = requests.get(emulator.base_url + path.replace("{pid}", pid), headers={"X-Auth-Token": token}, timeout=10)
    return r


def test_network_subnet_router_port_lifecycle(openstack, emulator, http):
    net, sub, router, port = _name("net"), _name("sub"), _name("router"), _name("port")
    created = openstack("network", "create", net, "-f", "json").data
    assert created["name"] == net and created["status"] == "ACTIVE"
    assert net in {n["Name"] for n in openstack("network", "list", "-f", "json").data}
    listed = openstack("network", "list", "--name", net, "-f", "json").data
    assert [n["ID"] for n in listed] == [created["id"]]

    s = openstack(
        "subnet", "create", sub, "--network", net, "--subnet-range", "10.42.0.0/24",
        "--gateway", "10.42.0.1", "--dns-nameserver", "100.125.4.25", "-f", "json",
    ).data
    assert s["cidr"] == "10.42.0.0/24" and s["gateway_ip"] == "10.42.0.1"
    # Table output iterates the list fields; it must not crash.
    openstack("subnet", "show", sub)
    assert openstack("subnet", "list", "--network", net, "-f", "json").data[0]["Name"] == sub

    r = openstack("router", "create", router, "-f", "json").data
    openstack("router", "add", "subnet", router, sub)
    shown = openstack("router", "show", router, "-f", "json").data
    assert shown["id"] == r["id"]
    ports = openstack("port", "list", "--router", router, "-f", "json").data
    assert len(ports) == 1 and "10.42.0.1" in str(ports[0]["Fixed IP Addresses"])

    p = openstack("port", "create", port, "--network", net, "--fixed-ip", f"subnet={sub},ip-address=10.42.0.50", "-f", "json").data
    assert "10.42.0.50" in str(p["fixed_ips"])
    assert port in {x["Name"] for x in openstack("port", "list", "--network", net, "-f", "json").data}
    openstack("port", "set", port, "--name", port + "-x")
    assert openstack("port", "show", port + "-x", "-f", "json").data["id"] == p["id"]

    # The same resources through VPC v1 and v3: the router is a VPC, the
    # network (attached to it) a v1 subnet.
    vpc = _get(emulator, http, f"/v1/{{pid}}/vpcs/{r['id']}")
    assert vpc.status_code == 200 and vpc.json()["vpc"]["name"] == router
    v3 = _get(emulator, http, f"/v3/{{pid}}/vpc/vpcs/{r['id']}")
    assert v3.status_code == 200 and v3.json()["vpc"]["id"] == r["id"]
    v1sub = _get(emulator, http, f"/v1/{{pid}}/subnets/{created['id']}").json()["subnet"]
    assert v1sub["vpc_id"] == r["id"] and v1sub["neutron_subnet_id"] == s["id"]
    privateips = _get(emulator, http, f"/v1/{{pid}}/subnets/{created['id']}/privateips").json()["privateips"]
    assert "10.42.0.50" in {ip["ip_address"] for ip in privateips}

    # Refusals: the address is taken, the router still has an interface,
    # the network still has ports.
    dup = openstack("port", "create", _name("dup"), "--network", net, "--fixed-ip", "ip-address=10.42.0.50", check=False)
    assert dup.returncode != 0 and "in use" in dup.output
    busy = openstack("router", "delete", router, check=False)
    assert busy.returncode != 0
    assert openstack("network", "delete", net, check=False).returncode != 0

    openstack("port", "delete", port + "-x")
    openstack("router", "remove", "subnet", router, sub)
    openstack("router", "delete", router)
    openstack("subnet", "delete", sub)
    openstack("network", "set", net, "--name", net + "-renamed")
    openstack("network", "delete", net + "-renamed")
    gone = openstack("network", "show", net + "-renamed", check=False)
    assert gone.returncode != 0 and "No Network found" in gone.output


def test_subnet_refusals(openstack):
    net = _name("net")
    openstack("network", "create", net)
    try:
        bad = openstack("subnet", "create", _name("s"), "--network", net, "--subnet-range", "10.0.0.0/33", check=False)
        assert bad.returncode != 0
        outside = openstack("subnet", "create", _name("s"), "--network", net, "--subnet-range", "10.1.0.0/24",
                            "--gateway", "10.2.0.1", check=False)
        assert outside.returncode != 0
    finally:
        openstack("network", "delete", net)


def test_security_groups_and_rules(openstack, emulator, http):
    sg = _name("sg")
    g = openstack("security", "group", "create", sg, "-f", "json").data
    assert g["name"] == sg
    assert "default" in {x["Name"] for x in openstack("security", "group", "list", "-f", "json").data}
    rule = openstack("security", "group", "rule", "create", sg, "--protocol", "tcp", "--dst-port", "22", "-f", "json").data
    assert rule["port_range_min"] == 22 and rule["port_range_max"] == 22
    dup = openstack("security", "group", "rule", "create", sg, "--protocol", "tcp", "--dst-port", "22", check=False)
    assert dup.returncode != 0 and "already exists" in dup.output
    rules = openstack("security", "group", "rule", "list", sg, "-f", "json").data
    assert rule["id"] in {r["ID"] for r in rules}
    openstack("security", "group", "set", sg, "--description", "ssh only")
    assert openstack("security", "group", "show", sg, "-f", "json").data["description"] == "ssh only"
    # Through VPC v1 and v3.
    v1 = _get(emulator, http, f"/v1/{{pid}}/security-groups/{g['id']}").json()["security_group"]
    assert rule["id"] in {r["id"] for r in v1["security_group_rules"]}
    assert _get(emulator, http, f"/v3/{{pid}}/vpc/security-groups/{g['id']}").status_code == 200
    default_delete = openstack("security", "group", "delete", "default", check=False)
    assert default_delete.returncode != 0
    openstack("security", "group", "rule", "delete", rule["id"])
    openstack("security", "group", "delete", sg)
    assert openstack("security", "group", "show", sg, check=False).returncode != 0


def test_floating_ip_on_admin_external_net(openstack, emulator, http):
    fip = openstack("floating", "ip", "create", "admin_external_net", "-f", "json").data
    assert fip["floating_ip_address"] and fip["status"] == "DOWN"
    listed = openstack("floating", "ip", "list", "-f", "json").data
    assert fip["id"] in {x["ID"] for x in listed}
    # The floating IP is an EIP of VPC v1 and v3.
    eip = _get(emulator, http, f"/v1/{{pid}}/publicips/{fip['id']}").json()["publicip"]
    assert eip["public_ip_address"] == fip["floating_ip_address"]
    assert _get(emulator, http, f"/v3/{{pid}}/eip/publicips/{fip['id']}").status_code == 200

    net, sub = _name("net"), _name("sub")
    openstack("network", "create", net)
    openstack("subnet", "create", sub, "--network", net, "--subnet-range", "192.168.77.0/24")
    port = openstack("port", "create", _name("p"), "--network", net, "-f", "json").data
    openstack("floating", "ip", "set", fip["id"], "--port", port["id"])
    bound = openstack("floating", "ip", "show", fip["id"], "-f", "json").data
    assert bound["port_id"] == port["id"] and bound["status"] == "ACTIVE"
    assert openstack("floating", "ip", "list", "--port", port["id"], "-f", "json").data[0]["ID"] == fip["id"]
    openstack("floating", "ip", "unset", "--port", fip["id"])
    assert openstack("floating", "ip", "show", fip["id"], "-f", "json").data["port_id"] is None
    openstack("floating", "ip", "delete", fip["id"])
    assert _get(emulator, http, f"/v1/{{pid}}/publicips/{fip['id']}").status_code == 404
    openstack("port", "delete", port["id"])
    openstack("subnet", "delete", sub)
    openstack("network", "delete", net)
