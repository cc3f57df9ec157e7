"""The Huawei Cloud SDKs (huaweicloudsdkvpc v2 and v3) signing with AK/SK
against the emulator: a permanent key made through the IAM API, a
temporary key with its security token, and each rejection."""

import pytest
import requests
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkvpc.v2 import (
    CreateSubnetOption,
    CreateSubnetRequest,
    CreateSubnetRequestBody,
    CreateVpcOption,
    CreateVpcRequest,
    CreateVpcRequestBody,
    DeleteSubnetRequest,
    DeleteVpcRequest,
    ListSubnetsRequest,
    ListVpcsRequest,
    VpcClient,
)
from huaweicloudsdkvpc.v3 import ListVpcsRequest as ListVpcsV3Request
from huaweicloudsdkvpc.v3 import VpcClient as VpcV3Client

from helpers import issue_token


@pytest.fixture(scope="module")
def account(emulator):
    token, r = issue_token(emulator.auth_url)
    t = r.json()["token"]
    return {"token": token, "user_id": t["user"]["id"], "project_id": t["project"]["id"]}


@pytest.fixture(scope="module")
def key(emulator, account):
    r = requests.post(
        emulator.base_url + "/v3.0/OS-CREDENTIAL/credentials",
        headers={"X-Auth-Token": account["token"]},
        json={"credential": {"user_id": account["user_id"], "description": "huaweicloudsdk"}},
        timeout=10,
    )
    assert r.status_code == 201, r.text
    c = r.json()["credential"]
    yield c["access"], c["secret"]
    requests.delete(emulator.base_url + f"/v3.0/OS-CREDENTIAL/credentials/{c['access']}", headers={"X-Auth-Token": account["token"]}, timeout=10)


def _v2(emulator, ak, sk, project_id, security_token=None):
    creds = BasicCredentials(ak, sk, project_id)
    if security_token:
        creds = creds.with_security_token(security_token)
    return VpcClient.new_builder().with_credentials(creds).with_endpoints([emulator.base_url]).build()


def _v3(emulator, ak, sk, project_id):
    return VpcV3Client.new_builder().with_credentials(BasicCredentials(ak, sk, project_id)).with_endpoints([emulator.base_url]).build()


def test_vpcs_and_subnets_with_a_permanent_key(emulator, account, key):
    ak, sk = key
    v2 = _v2(emulator, ak, sk, account["project_id"])
    vpc = v2.create_vpc(CreateVpcRequest(CreateVpcRequestBody(vpc=CreateVpcOption(name="hw-sdk-vpc", cidr="192.168.0.0/16")))).vpc
    assert vpc.id and vpc.cidr == "192.168.0.0/16"
    subnet = v2.create_subnet(
        CreateSubnetRequest(
            CreateSubnetRequestBody(
                subnet=CreateSubnetOption(name="hw-sdk-subnet", cidr="192.168.1.0/24", gateway_ip="192.168.1.1", vpc_id=vpc.id)
            )
        )
    ).subnet
    assert subnet.vpc_id == vpc.id and subnet.neutron_subnet_id
    assert vpc.id in {v.id for v in v2.list_vpcs(ListVpcsRequest()).vpcs}
    assert subnet.id in {s.id for s in v2.list_subnets(ListSubnetsRequest(vpc_id=vpc.id)).subnets}
    v3 = _v3(emulator, ak, sk, account["project_id"])
    listed = {v.id: v for v in v3.list_vpcs(ListVpcsV3Request()).vpcs}
    assert listed[vpc.id].name == "hw-sdk-vpc"
    v2.delete_subnet(DeleteSubnetRequest(vpc_id=vpc.id, subnet_id=subnet.id))
    v2.delete_vpc(DeleteVpcRequest(vpc_id=vpc.id))
    assert vpc.id not in {v.id for v in v2.list_vpcs(ListVpcsRequest()).vpcs}


def test_a_temporary_key_with_its_security_token(emulator, account):
    r = requests.post(
        emulator.base_url + "/v3.0/OS-CREDENTIAL/securitytokens",
        headers={"X-Auth-Token": account["token"]},
        json={"auth": {"identity": {"methods": ["token"], "token": {"duration_seconds": 900}}}},
        timeout=10,
    )
    assert r.status_code == 201, r.text
    c = r.json()["credential"]
    v2 = _v2(emulator, c["access"], c["secret"], account["project_id"], security_token=c["securitytoken"])
    vpc = v2.create_vpc(CreateVpcRequest(CreateVpcRequestBody(vpc=CreateVpcOption(name="hw-temp-vpc", cidr="10.0.0.0/8")))).vpc
    assert vpc.id in {v.id for v in v2.list_vpcs(ListVpcsRequest()).vpcs}
    v2.delete_vpc(DeleteVpcRequest(vpc_id=vpc.id))
    without = _v2(emulator, c["access"], c["secret"], account["project_id"])
    with pytest.raises(ClientRequestException) as e:
        without.list_vpcs(ListVpcsRequest())
    assert e.value.status_code == 401


def test_rejections(emulator, account, key):
    ak, sk = key
    cases = [
        ("verify aksk signature fail", _v2(emulator, ak, "x" * 40, account["project_id"])),
        ("ak not exist", _v2(emulator, "NOSUCHACCESSKEY00000", sk, account["project_id"])),
    ]
    for expected, client in cases:
        with pytest.raises(ClientRequestException) as e:
            client.list_vpcs(ListVpcsRequest())
        assert e.value.status_code == 401
        assert e.value.error_code == "APIGW.0301"
        assert expected in e.value.error_msg
    # A disabled key stops working at once, and works again when enabled.
    url = emulator.base_url + f"/v3.0/OS-CREDENTIAL/credentials/{ak}"
    headers = {"X-Auth-Token": account["token"]}
    requests.put(url, headers=headers, json={"credential": {"status": "inactive"}}, timeout=10).raise_for_status()
    with pytest.raises(ClientRequestException) as e:
        _v2(emulator, ak, sk, account["project_id"]).list_vpcs(ListVpcsRequest())
    assert e.value.status_code == 401 and "inactive" in e.value.error_msg
    requests.put(url, headers=headers, json={"credential": {"status": "active"}}, timeout=10).raise_for_status()
    _v2(emulator, ak, sk, account["project_id"]).list_vpcs(ListVpcsRequest())
