"""Classic VPN (Neutron VPNaaS on the VPC endpoint) through
python-openstackclient's `openstack vpn ...` commands, and openstacksdk's
network proxy where the CLI cannot express something (fields, filters)."""

import uuid

import pytest
from openstack.exceptions import BadRequestException, NotFoundException

from helpers import sdk_connection


def _name(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


@pytest.fixture(scope="module")
def conn(emulator):
    c = sdk_connection(emulator)
    yield c
    c.close()


def _router_with_subnet(openstack, octet):
    """A router with one attached subnet; returns (router name, subnet name)."""
    router, net, sub = _name("router"), _name("net"), _name("sub")
    openstack("router", "create", router)
    openstack("network", "create", net)
    openstack(
        "subnet", "create", sub, "--network", net, "--subnet-range", f"10.{octet}.1.0/24",
        "--gateway", f"10.{octet}.1.1",
    )
    openstack("router", "add", "subnet", router, sub)
    return router, sub


def test_classic_vpn_flow_with_endpoint_groups(openstack, conn):
    router, sub = _router_with_subnet(openstack, 61)
    ike, ipsec, svc, local, peer, name = (
        _name("ike"), _name("ipsec"), _name("svc"), _name("local"), _name("peer"), _name("conn"),
    )

    # Policies: OSC's choices that OTC's enums share work; the others are
    # the documented 400. (OSC 10.5.0's `--lifetime` and `--dpd` fail in
    # the client itself — a list where it wants a dict — so lifetimes and
    # DPD settings are driven through openstacksdk below.)
    p = openstack(
        "vpn", "ike", "policy", "create", ike, "--auth-algorithm", "sha1", "--encryption-algorithm", "aes-256",
        "--pfs", "group14", "--ike-version", "v2", "-f", "json",
    ).data
    assert p["Name"] == ike and p["Encryption Algorithm"] == "aes-256" and p["IKE Version"] == "v2"
    assert "3600" in str(p["Lifetime"])
    refused = openstack("vpn", "ike", "policy", "create", _name("bad"), "--auth-algorithm", "sha256", check=False)
    assert refused.returncode != 0 and "sha256 is not in" in refused.output
    q = openstack(
        "vpn", "ipsec", "policy", "create", ipsec, "--transform-protocol", "ah-esp", "--encapsulation-mode", "tunnel",
        "--pfs", "group5", "-f", "json",
    ).data
    assert q["Transform Protocol"] == "ah-esp" and q["Authentication Algorithm"] == "sha1"

    # The service takes the router (found by name) and gets a public address.
    s = openstack("vpn", "service", "create", svc, "--router", router, "-f", "json").data
    assert s["Status"] == "PENDING_CREATE" and s["Router"]
    shown = openstack("vpn", "service", "show", svc, "-f", "json").data
    assert shown["Status"] == "ACTIVE" and shown["Ext v4 IP"].startswith("80.158.")
    refused = openstack("vpn", "service", "set", svc, "--subnet", sub, check=False)
    assert refused.returncode != 0 and "read-only" in refused.output
    refused = openstack("vpn", "service", "create", _name("svc2"), "--router", router, check=False)
    assert refused.returncode != 0 and "already exists" in refused.output

    # Endpoint groups: the local subnet (resolved by name) and peer CIDRs.
    lg = openstack("vpn", "endpoint", "group", "create", local, "--type", "subnet", "--value", sub, "-f", "json").data
    assert lg["Type"] == "subnet" and len(lg["Endpoints"]) == 1
    pg = openstack(
        "vpn", "endpoint", "group", "create", peer, "--type", "cidr", "--value", "172.16.0.0/24",
        "--value", "172.16.1.0/24", "-f", "json",
    ).data
    assert sorted(pg["Endpoints"]) == ["172.16.0.0/24", "172.16.1.0/24"]

    # The connection (OSC sends mtu as a string).
    c = openstack(
        "vpn", "ipsec", "site", "connection", "create", name, "--vpnservice", svc, "--ikepolicy", ike,
        "--ipsecpolicy", ipsec, "--local-endpoint-group", local, "--peer-endpoint-group", peer,
        "--peer-address", "172.24.4.233", "--peer-id", "172.24.4.233", "--psk", "secret123", "--mtu", "1500",
        "-f", "json",
    ).data
    assert c["Name"] == name and c["Status"] == "PENDING_CREATE" and c["MTU"] == 1500
    listed = openstack("vpn", "ipsec", "site", "connection", "list", "--long", "-f", "json").data
    mine = [x for x in listed if x["Name"] == name]
    assert len(mine) == 1 and mine[0]["Status"] == "DOWN" and mine[0]["Peer Address"] == "172.24.4.233"
    refused = openstack(
        "vpn", "ipsec", "site", "connection", "create", _name("conn"), "--vpnservice", svc, "--ikepolicy", ike,
        "--ipsecpolicy", ipsec, "--local-endpoint-group", local, "--peer-endpoint-group", peer,
        "--peer-address", "172.24.4.240", "--peer-id", "x", "--psk", "bad&psk", check=False,
    )
    assert refused.returncode != 0 and "psk" in refused.output
    openstack("vpn", "ipsec", "site", "connection", "set", name, "--description", "to the lab", "--peer-id", "lab-gw")
    shown = openstack("vpn", "ipsec", "site", "connection", "show", name, "-f", "json").data
    assert shown["Description"] == "to the lab" and shown["Peer ID"] == "lab-gw" and shown["Status"] == "DOWN"

    # What a connection uses stays; policies remain updatable.
    for args in (
        ("vpn", "ike", "policy", "delete", ike),
        ("vpn", "ipsec", "policy", "delete", ipsec),
        ("vpn", "service", "delete", svc),
        ("vpn", "endpoint", "group", "delete", local),
        ("router", "delete", router),
    ):
        assert openstack(*args, check=False).returncode != 0, args
    openstack("vpn", "ike", "policy", "set", ike, "--encryption-algorithm", "aes-128", "--name", ike + "-x")
    assert openstack("vpn", "ike", "policy", "show", ike + "-x", "-f", "json").data["Encryption Algorithm"] == "aes-128"
    openstack("vpn", "endpoint", "group", "set", peer, "--description", "customer")
    assert openstack("vpn", "endpoint", "group", "show", peer, "-f", "json").data["Description"] == "customer"

    # Tear down in dependency order; then the router and subnet can go.
    openstack("vpn", "ipsec", "site", "connection", "delete", name)
    openstack("vpn", "endpoint", "group", "delete", local, peer)
    openstack("vpn", "service", "delete", svc)
    openstack("vpn", "ike", "policy", "delete", ike + "-x")
    openstack("vpn", "ipsec", "policy", "delete", ipsec)
    assert not [x for x in openstack("vpn", "service", "list", "-f", "json").data if x["Name"] == svc]
    openstack("router", "remove", "subnet", router, sub)
    openstack("router", "delete", router)


def test_legacy_service_with_subnet_and_peer_cidr(openstack):
    router, sub = _router_with_subnet(openstack, 62)
    svc, ike, ipsec, name = _name("svc"), _name("ike"), _name("ipsec"), _name("conn")
    s = openstack("vpn", "service", "create", svc, "--router", router, "--subnet", sub, "-f", "json").data
    assert s["Subnet"]
    openstack("vpn", "ike", "policy", "create", ike)
    openstack("vpn", "ipsec", "policy", "create", ipsec)
    c = openstack(
        "vpn", "ipsec", "site", "connection", "create", name, "--vpnservice", svc, "--ikepolicy", ike,
        "--ipsecpolicy", ipsec, "--peer-cidr", "192.168.50.0/24", "--peer-address", "172.24.4.9",
        "--peer-id", "172.24.4.9", "--psk", "secret123", "-f", "json",
    ).data
    assert c["Peer CIDRs"] == ["192.168.50.0/24"] or "192.168.50.0/24" in str(c["Peer CIDRs"])
    # The subnet of a service cannot be deleted.
    assert openstack("subnet", "delete", sub, check=False).returncode != 0
    openstack("vpn", "ipsec", "site", "connection", "delete", name)
    openstack("vpn", "service", "delete", svc)
    openstack("router", "remove", "subnet", router, sub)
    openstack("subnet", "delete", sub)


def test_sdk_find_get_fields_filters_update(conn, openstack):
    router, sub = _router_with_subnet(openstack, 63)
    r = conn.network.find_router(router)
    assert conn.network.find_vpn_service("nope") is None
    ike = conn.network.create_vpn_ike_policy(name=_name("ike"), pfs="group2", lifetime={"units": "seconds", "value": 600})
    assert ike.lifetime == {"units": "seconds", "value": 600} and ike.auth_algorithm == "sha1"
    assert conn.network.find_vpn_ike_policy(ike.name).id == ike.id
    partial = conn.network.get_vpn_ike_policy(ike.id, fields=["id", "pfs"])
    assert partial.pfs == "group2" and partial.name is None
    assert [p.id for p in conn.network.vpn_ike_policies(pfs="group2", name=ike.name)] == [ike.id]
    ike = conn.network.update_vpn_ike_policy(ike, pfs="group5")
    assert ike.pfs == "group5"
    with pytest.raises(BadRequestException):
        conn.network.create_vpn_ike_policy(name=_name("bad"), lifetime={"units": "kilobytes", "value": 600})

    svc = conn.network.create_vpn_service(name=_name("svc"), router_id=r.id)
    assert conn.network.find_vpn_service(svc.name).router_id == r.id
    assert [s.id for s in conn.network.vpn_services(router_id=r.id)] == [svc.id]
    group = conn.network.create_vpn_endpoint_group(name=_name("peer"), type="cidr", endpoints=["10.99.0.0/24"])
    assert [g.id for g in conn.network.vpn_endpoint_groups(endpoint_type="cidr")] == [group.id]

    conn.network.delete_vpn_endpoint_group(group)
    conn.network.delete_vpn_service(svc)
    conn.network.delete_vpn_ike_policy(ike)
    assert conn.network.find_vpn_ike_policy(ike.name) is None
    with pytest.raises(NotFoundException):
        conn.network.get_vpn_service(svc.id)
