"""A server's NICs and flavor through the Huawei Cloud SDK (huaweicloudsdkecs,
AK/SK signed): NICs added in a batch as a job and seen as Neutron ports,
listed, deleted in a batch, and a stopped server resized as a job."""

import time

import pytest
import requests
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkecs.v2 import (
    BatchAddServerNicOption,
    BatchAddServerNicsRequest,
    BatchAddServerNicsRequestBody,
    BatchDeleteServerNicOption,
    BatchDeleteServerNicsRequest,
    BatchDeleteServerNicsRequestBody,
    EcsClient,
    ListServerInterfacesRequest,
    ResizePostPaidServerOption,
    ResizePostPaidServerRequest,
    ResizePostPaidServerRequestBody,
    ServerNicSecurityGroup,
    ShowJobRequest,
)

from helpers import issue_token

# The default admin key the emulator bootstraps (README, "Identity").
AK = "OTCEMULATORADMINKEY1"
SK = "EmulatorSecretKeyOfTheDefaultAdminUser01"


@pytest.fixture(scope="module")
def project(emulator):
    token, r = issue_token(emulator.auth_url)
    return {"token": token, "id": r.json()["token"]["project"]["id"]}


def api(emulator, project, method, path, body=None):
    r = requests.request(
        method, emulator.base_url + path.replace("{pid}", project["id"]), headers={"X-Auth-Token": project["token"]}, json=body, timeout=10
    )
    assert r.status_code < 300, r.text
    return r.json() if r.text else None


def wait_job(ecs, job_id):
    deadline = time.time() + 30
    while True:
        job = ecs.show_job(ShowJobRequest(job_id=job_id))
        if job.status in ("SUCCESS", "FAIL"):
            return job
        assert time.time() < deadline, f"job {job_id} stuck in {job.status}"
        time.sleep(0.2)


def wait_status(emulator, project, server_id, wanted):
    deadline = time.time() + 30
    while True:
        status = api(emulator, project, "GET", f"/v2.1/{{pid}}/servers/{server_id}")["server"]["status"]
        if status == wanted:
            return
        assert time.time() < deadline, f"server stuck in {status}"
        time.sleep(0.2)


def test_nics_and_resize(emulator, project):
    vpc = api(emulator, project, "POST", "/v1/{pid}/vpcs", {"vpc": {"name": "ecs-sdk-vpc", "cidr": "192.168.0.0/16"}})["vpc"]["id"]

    def subnet(name, third):
        body = {"subnet": {"name": name, "cidr": f"192.168.{third}.0/24", "gateway_ip": f"192.168.{third}.1", "vpc_id": vpc}}
        return api(emulator, project, "POST", "/v1/{pid}/subnets", body)["subnet"]["id"]

    first, second = subnet("ecs-sdk-a", 41), subnet("ecs-sdk-b", 42)
    group = api(emulator, project, "POST", "/v1/{pid}/security-groups", {"security_group": {"name": "ecs-sdk-sg"}})["security_group"]["id"]
    image = api(emulator, project, "GET", "/v2.1/{pid}/images?name=Standard_Debian_11_latest")["images"][0]["id"]
    server = api(emulator, project, "POST", "/v2.1/{pid}/servers",
                 {"server": {"name": "ecs-sdk-vm", "flavorRef": "s3.medium.1", "imageRef": image, "networks": [{"uuid": first}]}})["server"]["id"]
    wait_status(emulator, project, server, "ACTIVE")

    ecs = EcsClient.new_builder().with_credentials(BasicCredentials(AK, SK, project["id"])).with_endpoints([emulator.base_url]).build()
    added = ecs.batch_add_server_nics(BatchAddServerNicsRequest(server_id=server, body=BatchAddServerNicsRequestBody(nics=[
        BatchAddServerNicOption(subnet_id=second, security_groups=[ServerNicSecurityGroup(id=group)], ip_address="192.168.42.9"),
    ])))
    assert wait_job(ecs, added.job_id).status == "SUCCESS"
    nics = ecs.list_server_interfaces(ListServerInterfacesRequest(server_id=server))
    assert len(nics.interface_attachments) == 2 and nics.attachable_quantity.free_nic == 10
    new = next(n for n in nics.interface_attachments if n.net_id == second)
    assert new.fixed_ips[0].ip_address == "192.168.42.9"
    port = api(emulator, project, "GET", f"/v2.0/ports/{new.port_id}")["port"]
    assert port["device_id"] == server and port["security_groups"] == [group]

    with pytest.raises(ClientRequestException) as refused:
        ecs.batch_add_server_nics(BatchAddServerNicsRequest(server_id=server, body=BatchAddServerNicsRequestBody(nics=[
            BatchAddServerNicOption(subnet_id="00000000-0000-0000-0000-000000000000")])))
    assert refused.value.status_code == 400 and refused.value.error_code == "Ecs.0038"

    deleted = ecs.batch_delete_server_nics(BatchDeleteServerNicsRequest(
        server_id=server, body=BatchDeleteServerNicsRequestBody(nics=[BatchDeleteServerNicOption(id=new.port_id)])))
    assert wait_job(ecs, deleted.job_id).status == "SUCCESS"
    assert len(ecs.list_server_interfaces(ListServerInterfacesRequest(server_id=server)).interface_attachments) == 1

    resize = ResizePostPaidServerRequest(server_id=server, body=ResizePostPaidServerRequestBody(
        resize=ResizePostPaidServerOption(flavor_ref="s3.large.2")))
    with pytest.raises(ClientRequestException) as running:
        ecs.resize_post_paid_server(resize)
    assert running.value.error_code == "Ecs.0100", "only a stopped server is resized"
    api(emulator, project, "POST", f"/v2.1/{{pid}}/servers/{server}/action", {"os-stop": {}})
    wait_status(emulator, project, server, "SHUTOFF")
    job = ecs.resize_post_paid_server(resize)
    assert wait_job(ecs, job.job_id).status == "SUCCESS"
    shown = api(emulator, project, "GET", f"/v1/{{pid}}/cloudservers/{server}")["server"]
    assert shown["flavor"]["id"] == "s3.large.2" and shown["status"] == "SHUTOFF"
    api(emulator, project, "DELETE", f"/v2.1/{{pid}}/servers/{server}")
