"""otcextensions' VPC proxy (`conn.vpc`) and openstacksdk's network proxy
against the emulator: VPCs and subnets created, found, listed, updated,
waited for and deleted."""

import uuid

import openstack
import openstack.exceptions
import openstack.resource
import pytest
from otcextensions import sdk as otc_sdk

from helpers import sdk_connection


@pytest.fixture(scope="module")
def conn(emulator):
    c = sdk_connection(emulator)
    otc_sdk.register_otc_extensions(c)
    yield c
    c.close()


def _name(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


def test_vpc_crud(conn):
    name = _name("vpc")
    vpc = conn.vpc.create_vpc(name=name, cidr="192.168.0.0/16", description="made by otcextensions")
    try:
        assert vpc.id and vpc.name == name and vpc.cidr == "192.168.0.0/16"
        assert vpc.status in ("CREATING", "OK")
        assert conn.vpc.get_vpc(vpc.id).status == "OK"
        found = conn.vpc.find_vpc(name)
        assert found.id == vpc.id
        assert vpc.id in {v.id for v in conn.vpc.vpcs()}
        updated = conn.vpc.update_vpc(vpc, name=name + "-x", description="changed")
        assert updated.name == name + "-x"
        assert conn.vpc.get_vpc(vpc.id).description == "changed"
        # The VPC is a Neutron router.
        assert conn.network.get_router(vpc.id).name == name + "-x"
    finally:
        conn.vpc.delete_vpc(vpc, ignore_missing=False)
    with pytest.raises(openstack.exceptions.NotFoundException):
        conn.vpc.get_vpc(vpc.id)
    assert conn.vpc.find_vpc(name + "-x", ignore_missing=True) is None


def test_subnet_lifecycle_and_wait(conn):
    vpc = conn.vpc.create_vpc(name=_name("vpc"), cidr="10.0.0.0/8")
    try:
        name = _name("subnet")
        subnet = conn.vpc.create_subnet(
            name=name, vpc_id=vpc.id, cidr="10.10.0.0/24", gateway_ip="10.10.0.1",
            dns_list=["100.125.4.25", "100.125.129.199"],
        )
        assert subnet.status and subnet.neutron_subnet_id and subnet.neutron_network_id
        subnet = openstack.resource.wait_for_status(conn.vpc, subnet, "ACTIVE", None, 1, 20)
        assert subnet.status == "ACTIVE"
        assert conn.vpc.find_subnet(name).id == subnet.id
        assert subnet.id in {s.id for s in conn.vpc.subnets(vpc_id=vpc.id)}
        assert subnet.dns_list == ["100.125.4.25", "100.125.129.199"]

        conn.vpc.update_subnet(subnet, name=name + "-x", dns_list=["100.125.4.25"])
        fetched = conn.vpc.get_subnet(subnet.id)
        assert fetched.name == name + "-x" and fetched.primary_dns == "100.125.4.25"

        # The v1 subnet is a Neutron network with a subnet.
        net = conn.network.get_network(subnet.id)
        assert net.subnet_ids == [subnet.neutron_subnet_id]
        assert conn.network.get_subnet(subnet.neutron_subnet_id).cidr == "10.10.0.0/24"

        # Refusals: a subnet outside the VPC, and a VPC still holding a subnet.
        with pytest.raises(openstack.exceptions.BadRequestException):
            conn.vpc.create_subnet(name=_name("s"), vpc_id=vpc.id, cidr="172.16.0.0/24", gateway_ip="172.16.0.1")
        with pytest.raises(openstack.exceptions.ConflictException):
            conn.vpc.delete_vpc(vpc)

        conn.vpc.delete_subnet(fetched)
        openstack.resource.wait_for_delete(conn.vpc, fetched, 1, 20)
        with pytest.raises(openstack.exceptions.NotFoundException):
            conn.vpc.get_subnet(subnet.id)
    finally:
        conn.vpc.delete_vpc(vpc, ignore_missing=True)


def test_network_proxy_after_registration(conn):
    """conn.network still drives Neutron once otcextensions is loaded."""
    net = conn.network.create_network(name=_name("net"))
    try:
        sub = conn.network.create_subnet(network_id=net.id, cidr="192.168.9.0/24", ip_version=4, name=_name("sub"))
        assert sub.gateway_ip == "192.168.9.1"
        port = conn.network.create_port(network_id=net.id)
        assert port.fixed_ips[0]["ip_address"] == "192.168.9.2"
        assert conn.network.find_network(net.name).id == net.id
        conn.network.delete_port(port)
        conn.network.delete_subnet(sub)
    finally:
        conn.network.delete_network(net)
