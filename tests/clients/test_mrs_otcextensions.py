"""otcextensions' MRS proxy (`conn.mrs`) against the emulator: a cluster
created with run-job-flow (otcextensions has no create call, so through
the proxy's own session), waited for, listed, found, shown, its hosts
(the servers the compute API shows), resized and deleted."""

import time
import uuid

import pytest
from otcextensions import sdk as otc_sdk
from otcextensions.sdk import sdk_resource

from helpers import sdk_connection


@pytest.fixture(scope="module")
def conn(emulator):
    c = sdk_connection(emulator)
    otc_sdk.register_otc_extensions(c)
    yield c
    c.close()


def _name(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


def _wait_running(conn, cluster_id, timeout=30):
    # openstacksdk's wait_for_status needs resource attributes otcextensions'
    # older MRS resources lack (has_body), so poll get_cluster as GTC does.
    deadline = time.monotonic() + timeout
    while True:
        cluster = conn.mrs.get_cluster(cluster_id)
        assert cluster.status != "failed"
        if cluster.status == "running" or time.monotonic() > deadline:
            return cluster
        time.sleep(1)


def _servers_of(conn, cluster_id):
    return {s.id for s in conn.compute.servers() if s.metadata.get("cluster_id") == cluster_id}


@pytest.fixture
def sdk_has_body(monkeypatch):
    # otcextensions' sdk_resource.Resource.get reads `self.has_body`, which
    # the installed openstacksdk's Resource no longer has: conn.mrs.get_cluster
    # raises AttributeError before looking at any answer, against the real
    # cloud too. Restore the attribute for this test only.
    monkeypatch.setattr(sdk_resource.Resource, "has_body", True, raising=False)


def test_cluster_lifecycle(conn, sdk_has_body):
    key = conn.compute.create_keypair(name=_name("mrs-key"))
    vpc = conn.vpc.create_vpc(name=_name("mrs-vpc"), cidr="192.168.0.0/16")
    subnet = conn.vpc.create_subnet(name=_name("mrs-sn"), vpc_id=vpc.id, cidr="192.168.1.0/24", gateway_ip="192.168.1.1")
    name = _name("mrs")
    body = {
        "billing_type": 12, "data_center": "eu-de", "available_zone_id": "eu-de-01", "cluster_name": name,
        "vpc": vpc.name, "vpc_id": vpc.id, "subnet_id": subnet.id, "subnet_name": subnet.name,
        "cluster_version": "MRS 3.2.0-LTS.2", "safe_mode": 0, "cluster_admin_secret": "Mrs@12345",
        "login_mode": 1, "node_public_cert_name": key.name,
        "master_node_num": 1, "master_node_size": "s3.xlarge.4.linux.mrs",
        "core_node_num": 3, "core_node_size": "s3.xlarge.4.linux.mrs",
        "volume_type": "SAS", "volume_size": 100,
        "component_list": [{"component_name": "Hadoop"}, {"component_name": "Hive"}],
        "tags": [{"key": "owner", "value": "sdk"}],
    }
    r = conn.mrs.post("/run-job-flow", json=body)
    assert r.status_code == 200, r.text
    cluster_id = r.json()["cluster_id"]
    try:
        cluster = _wait_running(conn, cluster_id)
        assert cluster.name == name and cluster.status == "running"
        assert cluster.master_num == "1" and cluster.core_num == "3"

        assert cluster_id in {c.id for c in conn.mrs.clusters()}
        assert cluster_id in {c.id for c in conn.mrs.clusters(status="running", tags="owner*sdk")}
        assert cluster_id not in {c.id for c in conn.mrs.clusters(tags="owner*other")}
        assert conn.mrs.find_cluster(name).id == cluster_id

        hosts = list(conn.mrs.hosts(cluster_id=cluster_id))
        assert len(hosts) == 4
        assert {h.id for h in hosts} == _servers_of(conn, cluster_id)
        assert sorted(h.type for h in hosts) == ["Core", "Core", "Core", "Master"]

        # One more core node, through the proxy's update (resize).
        conn.mrs.update_cluster(cluster, parameters={"scale_type": "scale_out", "node_id": "node_orderadd", "instances": 1})
        cluster = _wait_running(conn, cluster_id)
        assert cluster.core_num == "4"
        assert len(_servers_of(conn, cluster_id)) == 5
    finally:
        conn.mrs.delete_cluster(cluster_id, ignore_missing=False)
    assert conn.mrs.get_cluster(cluster_id).status in ("terminating", "terminated")
    assert _servers_of(conn, cluster_id) == set()
    # Nothing of the cluster holds the network any more.
    conn.vpc.delete_subnet(subnet)
    deadline = time.monotonic() + 20
    while conn.vpc.find_subnet(subnet.id, ignore_missing=True) and time.monotonic() < deadline:
        time.sleep(0.5)
    conn.vpc.delete_vpc(vpc)
    conn.compute.delete_keypair(key)
