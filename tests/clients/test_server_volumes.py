"""Servers are made of volumes, through real clients: python-openstackclient
(`server add volume` / `remove volume`, `server create --boot-from-volume`),
openstacksdk's compute and block_storage proxies, and the Huawei Cloud
SDKs for ECS and EVS signing with the default admin access key (batch
creation with a data disk, attach, list, detach, delete)."""

import time
import uuid

import openstack.exceptions
import pytest
import requests
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkecs.v2 import (
    AttachServerVolumeOption,
    AttachServerVolumeRequest,
    AttachServerVolumeRequestBody,
    CreatePostPaidServersRequest,
    CreatePostPaidServersRequestBody,
    DeleteServersRequest,
    DeleteServersRequestBody,
    DetachServerVolumeRequest,
    EcsClient,
    ListServerBlockDevicesRequest,
    PostPaidServer,
    PostPaidServerDataVolume,
    PostPaidServerNic,
    PostPaidServerRootVolume,
    ServerId,
    ShowJobRequest,
)
from huaweicloudsdkevs.v2 import DeleteVolumeRequest, EvsClient, ListVolumesRequest

from helpers import issue_token, sdk_connection

IMAGE = "Standard_Debian_11_latest"
# The default admin key the emulator bootstraps (README, "Identity").
AK = "OTCEMULATORADMINKEY1"
SK = "EmulatorSecretKeyOfTheDefaultAdminUser01"


def _name(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


def _wait(read, wanted, what):
    deadline = time.time() + 30
    while True:
        got = read()
        if got in wanted:
            return got
        assert time.time() < deadline, f"{what} stuck in {got}"
        time.sleep(0.2)


@pytest.fixture(scope="module")
def network(openstack):
    net, sub = _name("net"), _name("sub")
    openstack("network", "create", net)
    openstack("subnet", "create", sub, "--network", net, "--subnet-range", "10.78.0.0/24")
    yield net
    openstack("subnet", "delete", sub)
    openstack("network", "delete", net)


def _volume_status(openstack, name):
    return openstack("volume", "show", name, "-f", "json").data["status"]


def test_server_add_and_remove_volume(openstack, network):
    vm, vol = _name("vm"), _name("vol")
    server = openstack(
        "server", "create", "--flavor", "s3.medium.1", "--image", IMAGE, "--network", network, "--wait", vm, "-f", "json",
    ).data
    zone = server["OS-EXT-AZ:availability_zone"]
    # The system disk is a real volume, in use by the server.
    system = [v for v in openstack("volume", "list", "--long", "-f", "json").data if server["id"] in str(v["Attached to"])]
    assert len(system) == 1 and system[0]["Bootable"] in ("true", True) and system[0]["Status"] == "in-use"

    openstack("volume", "create", "--size", "10", "--availability-zone", zone, vol)
    _wait(lambda: _volume_status(openstack, vol), {"available"}, vol)
    openstack("server", "add", "volume", vm, vol)
    _wait(lambda: _volume_status(openstack, vol), {"in-use"}, vol)
    shown = openstack("volume", "show", vol, "-f", "json").data
    assert shown["attachments"][0]["server_id"] == server["id"] and shown["attachments"][0]["device"] == "/dev/vdb"
    attached = openstack("server", "show", vm, "-f", "json").data["volumes_attached"]
    assert shown["id"] in str(attached)
    # In use: Cinder refuses to delete it, Nova to attach it twice.
    busy = openstack("volume", "delete", vol, check=False)
    assert busy.returncode != 0
    assert openstack("server", "add", "volume", vm, vol, check=False).returncode != 0

    openstack("server", "remove", "volume", vm, vol)
    _wait(lambda: _volume_status(openstack, vol), {"available"}, vol)
    assert shown["id"] not in str(openstack("server", "show", vm, "-f", "json").data["volumes_attached"])
    openstack("server", "delete", "--wait", vm)
    # The system disk went with the server; the data volume stays.
    assert not [v for v in openstack("volume", "list", "--long", "-f", "json").data if server["id"] in str(v["Attached to"])]
    openstack("volume", "delete", vol)


def test_server_create_boot_from_volume(openstack, network):
    vm = _name("bfv")
    server = openstack(
        "server", "create", "--flavor", "s3.medium.1", "--image", IMAGE, "--boot-from-volume", "12",
        "--network", network, "--wait", vm, "-f", "json",
    ).data
    assert server["status"] == "ACTIVE"
    volumes = [v for v in openstack("volume", "list", "--long", "-f", "json").data if server["id"] in str(v["Attached to"])]
    assert len(volumes) == 1 and volumes[0]["Size"] == 12 and volumes[0]["Bootable"] in ("true", True)
    root = volumes[0]["ID"]
    openstack("server", "delete", "--wait", vm)
    # delete_on_termination is false unless asked for: the volume stays.
    assert _volume_status(openstack, root) == "available"
    openstack("volume", "delete", root)


@pytest.fixture(scope="module")
def conn(emulator):
    c = sdk_connection(emulator)
    yield c
    c.close()


def test_sdk_volume_attachments(conn, network):
    net = conn.network.find_network(network)
    server = conn.compute.create_server(
        name=_name("sdk"), flavor_id="s3.medium.1", image_id=conn.compute.find_image(IMAGE).id, networks=[{"uuid": net.id}],
    )
    server = conn.compute.wait_for_server(server, wait=20, interval=0.2)
    vol = conn.block_storage.create_volume(size=10, availability_zone=server.availability_zone)
    vol = conn.block_storage.wait_for_status(vol, "available", wait=10, interval=0.2)
    att = conn.compute.create_volume_attachment(server, volume_id=vol.id)
    assert att.volume_id == vol.id and att.device == "/dev/vdb"
    vol = conn.block_storage.wait_for_status(vol, "in-use", wait=10, interval=0.2)
    assert vol.attachments[0]["server_id"] == server.id
    assert {a.volume_id for a in conn.compute.volume_attachments(server)} >= {vol.id}
    with pytest.raises(openstack.exceptions.BadRequestException):
        conn.block_storage.delete_volume(vol)
    conn.compute.delete_volume_attachment(server, vol.id)
    conn.block_storage.wait_for_status(vol, "available", wait=10, interval=0.2)
    conn.compute.delete_server(server)
    conn.compute.wait_for_delete(server, wait=20, interval=0.2)
    conn.block_storage.delete_volume(vol)
    conn.block_storage.wait_for_delete(vol, wait=10, interval=0.2)


@pytest.fixture(scope="module")
def project(emulator):
    token, r = issue_token(emulator.auth_url)
    return {"token": token, "id": r.json()["token"]["project"]["id"]}


def _rest(emulator, project, method, path, body=None):
    r = requests.request(
        method, emulator.base_url + path.replace("{pid}", project["id"]), headers={"X-Auth-Token": project["token"]}, json=body, timeout=10
    )
    assert r.status_code < 300, r.text
    return r.json() if r.text else None


def test_huaweicloud_sdks_batch_create_attach_list_delete(emulator, project):
    creds = BasicCredentials(AK, SK, project["id"])
    ecs = EcsClient.new_builder().with_credentials(creds).with_endpoints([emulator.base_url]).build()
    evs = EvsClient.new_builder().with_credentials(creds).with_endpoints([emulator.base_url]).build()
    vpc = _rest(emulator, project, "POST", "/v1/{pid}/vpcs", {"vpc": {"name": "hw-vol-vpc", "cidr": "192.168.0.0/16"}})["vpc"]
    subnet = _rest(
        emulator, project, "POST", "/v1/{pid}/subnets",
        {"subnet": {"name": "hw-vol-subnet", "cidr": "192.168.9.0/24", "gateway_ip": "192.168.9.1", "vpc_id": vpc["id"]}},
    )["subnet"]

    def volume(vid):
        # The SDK's show_volume reads GET /v2/{pid}/cloudvolumes/{id}, which
        # OTC does not document (only its list, update and delete are); the
        # documented detail list carries the same volumes.
        return next(v for v in evs.list_volumes(ListVolumesRequest()).volumes if v.id == vid)

    def job_done(job_id):
        _wait(lambda: ecs.show_job(ShowJobRequest(job_id=job_id)).status, {"SUCCESS"}, job_id)

    created = ecs.create_post_paid_servers(
        CreatePostPaidServersRequest(
            body=CreatePostPaidServersRequestBody(
                server=PostPaidServer(
                    name="hw-vm", image_ref=conn_image_id(), flavor_ref="s3.medium.1", vpcid=vpc["id"], count=2,
                    availability_zone="eu-de-01", nics=[PostPaidServerNic(subnet_id=subnet["id"])],
                    root_volume=PostPaidServerRootVolume(volumetype="SSD", size=20),
                    data_volumes=[PostPaidServerDataVolume(volumetype="SAS", size=50)],
                )
            )
        )
    )
    job_done(created.job_id)
    assert len(created.server_ids) == 2
    first = created.server_ids[0]
    devices = ecs.list_server_block_devices(ListServerBlockDevicesRequest(server_id=first)).volume_attachments
    assert [(d.device, d.size) for d in devices] == [("/dev/vda", 20), ("/dev/vdb", 50)]
    data_disk = volume(devices[1].volume_id)
    assert data_disk.status == "in-use" and data_disk.attachments[0].server_id == first and data_disk.volume_type == "SAS"

    # A volume made through Cinder, attached through ECS.
    extra = _rest(emulator, project, "POST", "/v2/{pid}/volumes", {"volume": {"size": 10, "availability_zone": "eu-de-01", "name": "hw-extra"}})
    extra_id = extra["volume"]["id"]
    _wait(lambda: volume(extra_id).status, {"available"}, extra_id)
    attach = ecs.attach_server_volume(
        AttachServerVolumeRequest(server_id=first, body=AttachServerVolumeRequestBody(volume_attachment=AttachServerVolumeOption(volume_id=extra_id)))
    )
    job_done(attach.job_id)
    assert volume(extra_id).status == "in-use"
    listed = {v.id: v for v in evs.list_volumes(ListVolumesRequest()).volumes}
    assert extra_id in listed and devices[0].volume_id in listed
    with pytest.raises(ClientRequestException) as refused:
        ecs.attach_server_volume(
            AttachServerVolumeRequest(server_id=first, body=AttachServerVolumeRequestBody(volume_attachment=AttachServerVolumeOption(volume_id=extra_id)))
        )
    assert refused.value.error_code == "Ecs.0057"
    with pytest.raises(ClientRequestException):
        evs.delete_volume(DeleteVolumeRequest(volume_id=extra_id))

    job_done(ecs.detach_server_volume(DetachServerVolumeRequest(server_id=first, volume_id=extra_id)).job_id)
    assert volume(extra_id).status == "available"
    deleted = ecs.delete_servers(
        DeleteServersRequest(body=DeleteServersRequestBody(servers=[ServerId(id=s) for s in created.server_ids], delete_volume=True))
    )
    job_done(deleted.job_id)
    left = {v.id for v in evs.list_volumes(ListVolumesRequest()).volumes}
    assert not {d.volume_id for d in devices} & left, "system and data disks deleted with delete_volume"
    evs.delete_volume(DeleteVolumeRequest(volume_id=extra_id))
    _wait(lambda: extra_id in {v.id for v in evs.list_volumes(ListVolumesRequest()).volumes}, {False}, extra_id)


def conn_image_id():
    # Public image ids are stable v5 uuids of their names (the compute
    # catalogue); the ECS SDK wants the id.
    return str(uuid.uuid5(uuid.NAMESPACE_OID, f"otc-emulator/image/{IMAGE}"))
