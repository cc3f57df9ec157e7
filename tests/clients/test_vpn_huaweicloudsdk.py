"""Enterprise VPN (v5) through the Huawei Cloud SDK (huaweicloudsdkvpn),
signing with the default admin access key: a VPC, subnet and EIPs made
through the VPC APIs, a gateway that binds them, customer gateways,
connections in each routing mode, a monitor, updates, refusals, deletion
in order, and isolation from another project."""

import time

import pytest
import requests
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkvpn.v5 import (
    BatchCreateResourceTagsRequest,
    CreateCgwRequest,
    CreateCgwRequestBody,
    CreateCgwRequestBodyContent,
    CreateConnectionMonitorRequest,
    CreateConnectionMonitorRequestBody,
    CreateConnectionMonitorRequestBodyContent,
    CreateRequestEip,
    CreateResourcesTagsRequestBody,
    CreateVgwRequest,
    CreateVgwRequestBody,
    CreateVgwRequestBodyContent,
    CreateVpnConnectionRequest,
    CreateVpnConnectionRequestBody,
    CreateVpnConnectionRequestBodyContent,
    DeleteCgwRequest,
    DeleteConnectionMonitorRequest,
    DeleteVgwRequest,
    DeleteVpnConnectionRequest,
    Dpd,
    IkePolicy,
    IpsecPolicy,
    ListAvailabilityZonesRequest,
    ListCgwsRequest,
    ListConnectionMonitorsRequest,
    ListVgwsRequest,
    ListVpnConnectionsRequest,
    PolicyRule,
    ResourceTag,
    ShowConnectionMonitorRequest,
    ShowQuotasInfoRequest,
    ShowResourceTagsRequest,
    ShowVgwRequest,
    ShowVpnConnectionRequest,
    UpdateIkePolicy,
    UpdateVgwRequest,
    UpdateVgwRequestBody,
    UpdateVgwRequestBodyContent,
    UpdateVpnConnectionRequest,
    UpdateVpnConnectionRequestBody,
    UpdateVpnConnectionRequestBodyContent,
    VpnClient,
    VpnResourceTag,
)

from helpers import issue_token

# The default admin key the emulator bootstraps (README, "Identity").
AK = "OTCEMULATORADMINKEY1"
SK = "EmulatorSecretKeyOfTheDefaultAdminUser01"


@pytest.fixture(scope="module")
def project(emulator):
    token, r = issue_token(emulator.auth_url)
    return {"token": token, "id": r.json()["token"]["project"]["id"]}


def client(emulator, project_id):
    return VpnClient.new_builder().with_credentials(BasicCredentials(AK, SK, project_id)).with_endpoints([emulator.base_url]).build()


def vpc_api(emulator, project, method, path, body=None):
    r = requests.request(
        method, emulator.base_url + path.replace("{pid}", project["id"]), headers={"X-Auth-Token": project["token"]}, json=body, timeout=10
    )
    assert r.status_code < 300, r.text
    return r.json() if r.text else None


def wait(show, wanted):
    deadline = time.time() + 30
    while True:
        obj = show()
        if obj.status in wanted:
            return obj
        assert time.time() < deadline, f"stuck in {obj.status}"
        time.sleep(0.2)


@pytest.fixture(scope="module")
def network(emulator, project):
    vpc = vpc_api(emulator, project, "POST", "/v1/{pid}/vpcs", {"vpc": {"name": "vpn-sdk-vpc", "cidr": "192.168.0.0/16"}})["vpc"]
    subnet = vpc_api(
        emulator,
        project,
        "POST",
        "/v1/{pid}/subnets",
        {"subnet": {"name": "vpn-sdk-subnet", "cidr": "192.168.1.0/24", "gateway_ip": "192.168.1.1", "vpc_id": vpc["id"]}},
    )["subnet"]
    eips = [
        vpc_api(
            emulator,
            project,
            "POST",
            "/v1/{pid}/publicips",
            {"publicip": {"type": "5_bgp"}, "bandwidth": {"name": f"vpn-bw-{i}", "size": 10, "share_type": "PER"}},
        )["publicip"]
        for i in range(2)
    ]
    return {"vpc": vpc["id"], "subnet": subnet["id"], "eips": [e["id"] for e in eips], "addresses": [e["public_ip_address"] for e in eips]}


def test_enterprise_vpn_end_to_end(emulator, project, network):
    vpn = client(emulator, project["id"])
    quotas = {q.type: q for q in vpn.show_quotas_info(ShowQuotasInfoRequest()).quotas.resources}
    assert quotas["vpn_gateway"].quota == 50 and quotas["vpn_gateway"].used == 0
    assert vpn.list_availability_zones(ListAvailabilityZonesRequest()).availability_zones.professional1.vpc == ["eu-de-01", "eu-de-02"]

    e1, e2 = network["eips"]
    created = vpn.create_vgw(
        CreateVgwRequest(
            body=CreateVgwRequestBody(
                vpn_gateway=CreateVgwRequestBodyContent(
                    name="vgw-sdk",
                    attachment_type="vpc",
                    vpc_id=network["vpc"],
                    local_subnets=["192.168.1.0/24"],
                    connect_subnet=network["subnet"],
                    eip1=CreateRequestEip(id=e1),
                    eip2=CreateRequestEip(id=e2),
                    availability_zone_ids=["eu-de-01", "eu-de-02"],
                    ha_mode="active-active",
                    tags=[VpnResourceTag(key="env", value="test")],
                )
            )
        )
    ).vpn_gateway
    gw = wait(lambda: vpn.show_vgw(ShowVgwRequest(vgw_id=created.id)).vpn_gateway, ("ACTIVE",))
    assert (gw.eip1.id, gw.eip1.ip_address) == (e1, network["addresses"][0])
    assert gw.eip2.ip_address == network["addresses"][1]
    # The VPC API sees the EIPs bound to the gateway.
    eip = vpc_api(emulator, project, "GET", f"/v1/{{pid}}/publicips/{e1}")["publicip"]
    assert eip["status"] == "ACTIVE" and eip["port_id"]

    def cgw(name, address, asn):
        body = CreateCgwRequestBody(customer_gateway=CreateCgwRequestBodyContent(name=name, id_type="ip", id_value=address, bgp_asn=asn))
        return vpn.create_cgw(CreateCgwRequest(body=body)).customer_gateway

    cgw1, cgw2 = cgw("cgw-sdk-1", "203.0.113.10", 65000), cgw("cgw-sdk-2", "203.0.113.11", 65001)
    assert {c.id for c in vpn.list_cgws(ListCgwsRequest(limit=10)).customer_gateways} >= {cgw1.id, cgw2.id}

    def connection(**kw):
        body = CreateVpnConnectionRequestBodyContent(vgw_id=gw.id, psk="Abcd1234!", **kw)
        return vpn.create_vpn_connection(CreateVpnConnectionRequest(body=CreateVpnConnectionRequestBody(vpn_connection=body))).vpn_connection

    static = connection(
        name="conn-static",
        style="static",
        vgw_ip=e1,
        cgw_id=cgw1.id,
        peer_subnets=["10.10.0.0/16"],
        enable_nqa=True,
        ikepolicy=IkePolicy(ike_version="v2", dh_group="group15", lifetime_seconds=86400, dpd=Dpd(interval=30, timeout=15, msg="seq-hash-notify")),
        ipsecpolicy=IpsecPolicy(pfs="group15", lifetime_seconds=3600),
    )
    bgp = connection(
        name="conn-bgp",
        style="bgp",
        vgw_ip=e2,
        cgw_id=cgw1.id,
        peer_subnets=["10.20.0.0/16"],
        tunnel_local_address="169.254.56.225/30",
        tunnel_peer_address="169.254.56.226/30",
    )
    policy = connection(
        name="conn-policy",
        style="policy",
        vgw_ip=e1,
        cgw_id=cgw2.id,
        peer_subnets=["10.30.0.0/16"],
        policy_rules=[PolicyRule(source="192.168.1.0/24", destination=["10.30.0.0/16"])],
    )
    for c, style in ((static, "STATIC"), (bgp, "BGP"), (policy, "POLICY")):
        shown = wait(lambda: vpn.show_vpn_connection(ShowVpnConnectionRequest(vpn_connection_id=c.id)).vpn_connection, ("ACTIVE", "DOWN"))
        assert shown.style == style and shown.vgw_id == gw.id
    assert vpn.show_vgw(ShowVgwRequest(vgw_id=gw.id)).vpn_gateway.used_connection_number == 3
    listed = vpn.list_vpn_connections(ListVpnConnectionsRequest(vgw_id=gw.id)).vpn_connections
    assert {c.id for c in listed} == {static.id, bgp.id, policy.id}

    # Peer subnets inside the gateway's local subnets are refused.
    with pytest.raises(ClientRequestException) as e:
        connection(name="overlap", style="static", vgw_ip=e2, cgw_id=cgw2.id, peer_subnets=["192.168.1.0/25"])
    assert (e.value.status_code, e.value.error_code) == (400, "VPN.0001")

    monitor = vpn.create_connection_monitor(
        CreateConnectionMonitorRequest(
            body=CreateConnectionMonitorRequestBody(connection_monitor=CreateConnectionMonitorRequestBodyContent(vpn_connection_id=static.id))
        )
    ).connection_monitor
    shown = wait(lambda: vpn.show_connection_monitor(ShowConnectionMonitorRequest(connection_monitor_id=monitor.id)).connection_monitor, ("ACTIVE",))
    assert (shown.source_ip, shown.destination_ip) == (network["addresses"][0], "203.0.113.10")
    assert [m.id for m in vpn.list_connection_monitors(ListConnectionMonitorsRequest(vpn_connection_id=static.id)).connection_monitors] == [monitor.id]
    with pytest.raises(ClientRequestException) as e:
        vpn.create_connection_monitor(
            CreateConnectionMonitorRequest(
                body=CreateConnectionMonitorRequestBody(connection_monitor=CreateConnectionMonitorRequestBodyContent(vpn_connection_id=static.id))
            )
        )
    assert e.value.error_code == "VPN.0381"

    updated = vpn.update_vpn_connection(
        UpdateVpnConnectionRequest(
            vpn_connection_id=static.id,
            body=UpdateVpnConnectionRequestBody(
                vpn_connection=UpdateVpnConnectionRequestBodyContent(
                    name="conn-static-renamed", peer_subnets=["10.10.0.0/16", "10.11.0.0/16"], ikepolicy=UpdateIkePolicy(lifetime_seconds=3600)
                )
            ),
        )
    ).vpn_connection
    assert updated.name == "conn-static-renamed" and updated.ikepolicy.lifetime_seconds == 3600
    vpn.update_vgw(UpdateVgwRequest(vgw_id=gw.id, body=UpdateVgwRequestBody(vpn_gateway=UpdateVgwRequestBodyContent(name="vgw-sdk-renamed"))))
    assert vpn.show_vgw(ShowVgwRequest(vgw_id=gw.id)).vpn_gateway.name == "vgw-sdk-renamed"

    vpn.batch_create_resource_tags(
        BatchCreateResourceTagsRequest(
            resource_type="vpn-connection", resource_id=static.id, body=CreateResourcesTagsRequestBody(tags=[ResourceTag(key="owner", value="sdk")])
        )
    )
    tags = vpn.show_resource_tags(ShowResourceTagsRequest(resource_type="vpn-connection", resource_id=static.id)).tags
    assert [(t.key, t.value) for t in tags] == [("owner", "sdk")]

    # Refusals while things are in use.
    for call, code in (
        (lambda: vpn.delete_cgw(DeleteCgwRequest(customer_gateway_id=cgw1.id)), "VPN.0001"),
        (lambda: vpn.delete_vgw(DeleteVgwRequest(vgw_id=gw.id)), "VPN.0001"),
    ):
        with pytest.raises(ClientRequestException) as e:
            call()
        assert (e.value.status_code, e.value.error_code) == (400, code)
        assert e.value.request_id

    # Another project sees none of it.
    other_id = requests.get(
        emulator.base_url + "/v3/auth/projects", headers={"X-Auth-Token": project["token"]}, timeout=10
    ).json()["projects"]
    other_id = next(p["id"] for p in other_id if p["name"] == "eu-nl")
    other = client(emulator, other_id)
    with pytest.raises(ClientRequestException) as e:
        other.show_vgw(ShowVgwRequest(vgw_id=gw.id))
    assert e.value.status_code == 404
    assert other.list_vgws(ListVgwsRequest()).vpn_gateways == []

    # Deletion in order: monitor, connections, customer gateways, gateway.
    vpn.delete_connection_monitor(DeleteConnectionMonitorRequest(connection_monitor_id=monitor.id))
    for c in (static, bgp, policy):
        vpn.delete_vpn_connection(DeleteVpnConnectionRequest(vpn_connection_id=c.id))
    for c in (cgw1, cgw2):
        vpn.delete_cgw(DeleteCgwRequest(customer_gateway_id=c.id))
    vpn.delete_vgw(DeleteVgwRequest(vgw_id=gw.id))
    deadline = time.time() + 30
    while True:
        try:
            vpn.show_vgw(ShowVgwRequest(vgw_id=gw.id))
        except ClientRequestException as e:
            assert (e.status_code, e.error_code) == (404, "VPN.0509")
            break
        assert time.time() < deadline
        time.sleep(0.2)
    # The EIPs are free again and can be released through the VPC API.
    for e in network["eips"]:
        assert vpc_api(emulator, project, "GET", f"/v1/{{pid}}/publicips/{e}")["publicip"]["status"] == "DOWN"
        vpc_api(emulator, project, "DELETE", f"/v1/{{pid}}/publicips/{e}")
