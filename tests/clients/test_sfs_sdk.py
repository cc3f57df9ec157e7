"""openstacksdk's shared-file-system proxy (`conn.shared_file_system`)
against the emulator's capacity-oriented SFS (Manila v2).

The connection asks for microversion 2.42, the newest OTC serves, as
openstacksdk's own functional tests ask for theirs
(`shared_file_system_api_version`): without one the proxy sends share
calls with no microversion header, which Manila reads as 2.0, where the
bare `extend`/`shrink` actions `resize_share` sends do not exist (see
test_resize_without_a_microversion)."""

import uuid

import openstack
import openstack.exceptions
import pytest

from conftest import DOMAIN, PASSWORD, USERNAME
from helpers import sdk_connection


def _connect(emulator, **extra):
    return openstack.connect(
        auth_url=emulator.auth_url,
        username=USERNAME,
        password=PASSWORD,
        user_domain_name=DOMAIN,
        project_name="eu-de",
        project_domain_name=DOMAIN,
        region_name="eu-de",
        load_envvars=False,
        load_yaml_config=False,
        **extra,
    )


@pytest.fixture(scope="module")
def conn(emulator):
    c = _connect(emulator, shared_file_system_api_version="2.42")
    yield c
    c.close()


@pytest.fixture(scope="module")
def vpc(conn):
    """A VPC (a router, as Neutron shows it) that access rules name."""
    router = conn.network.create_router(name=f"sfs-sdk-{uuid.uuid4().hex[:6]}")
    yield router.id
    conn.network.delete_router(router)


def _name():
    return f"sdk-share-{uuid.uuid4().hex[:6]}"


def test_share_lifecycle(conn, vpc):
    sfs = conn.shared_file_system
    name = _name()
    share = sfs.create_share(share_proto="NFS", size=1, name=name, description="by the sdk",
                             availability_zone="eu-de-01", metadata={"team": "sdk"})
    assert share.status == "creating" and share.size == 1 and share.share_protocol == "NFS"
    share = sfs.wait_for_status(share, status="available", failures=["error"], interval=1, wait=60)
    got = sfs.get_share(share.id)
    assert (got.name, got.description, got.availability_zone) == (name, "by the sdk", "eu-de-01")
    assert got.metadata == {"team": "sdk", "share_used": "0"}
    assert got.share_type_name == "default" and got.access_rules_status == "active"
    assert got.project_id == conn.current_project_id and got.is_public is False
    assert share.id in [s.id for s in sfs.shares()]
    assert [s.id for s in sfs.shares(name=name)] == [share.id]

    locations = list(sfs.export_locations(share.id))
    short = share.id.replace("-", "")[:8]
    assert [loc.path for loc in locations] == [f"sfs-nas1.eu-de.otc.t-systems.com:/share-{short}"]
    assert locations[0].is_preferred is False

    updated = sfs.update_share(share.id, display_name=name + "-x", display_description="renamed")
    assert (updated.name, updated.description) == (name + "-x", "renamed")
    assert sfs.get_share(share.id).name == name + "-x"

    # Extend, then shrink: each settles back to available with its size.
    sfs.resize_share(share.id, 3)
    got = sfs.wait_for_status(sfs.get_share(share.id), status="available", interval=1, wait=60)
    assert got.size == 3
    sfs.resize_share(share.id, 2)
    got = sfs.wait_for_status(sfs.get_share(share.id), status="available", interval=1, wait=60)
    assert got.size == 2
    sfs.resize_share(share.id, 2)  # the same size: nothing is sent
    # An extend over the gigabytes quota is Manila's 403 (a creation's is 413).
    # Checked by status, not class: once any test has called otcextensions'
    # register_otc_extensions, its raise_from_response replaces openstacksdk's
    # process-wide and raises a plain HttpException for a 403.
    with pytest.raises(openstack.exceptions.HttpException, match="gigabytes quota") as refused:
        sfs.resize_share(share.id, 600000)
    assert refused.value.status_code == 403

    # Access rules by VPC, and by a segment of it.
    rule = sfs.create_access_rule(share.id, access_type="cert", access_to=vpc, access_level="ro")
    assert (rule.access_to, rule.access_level, rule.share_id) == (vpc, "ro", share.id)
    assert rule.state == "queued_to_apply" and rule.access_key is None
    segment = f"{vpc}#192.168.0.0/24#10#no_all_squash,no_root_squash"
    second = sfs.create_access_rule(share.id, access_type="cert", access_to=segment, access_level="rw")
    with pytest.raises(openstack.exceptions.BadRequestException, match="exists"):
        sfs.create_access_rule(share.id, access_type="cert", access_to=vpc, access_level="rw")
    missing = str(uuid.uuid4())
    with pytest.raises(openstack.exceptions.BadRequestException, match=f"VPC {missing} could not be found"):
        sfs.create_access_rule(share.id, access_type="cert", access_to=missing)
    rules = _access_list(sfs, share.id)
    assert [(r["id"], r["state"]) for r in rules] == [(rule.id, "active"), (second.id, "active")]
    # `access_rules()` reads /share-access-rules (2.45 on), which OTC does
    # not have: the emulator answers as for any undocumented path.
    with pytest.raises(openstack.exceptions.NotFoundException):
        list(sfs.access_rules(share.id))

    sfs.delete_access_rule(rule.id, share.id)
    assert [r["id"] for r in _access_list(sfs, share.id)] == [second.id]
    with pytest.raises(openstack.exceptions.NotFoundException):
        sfs.delete_access_rule(rule.id, share.id, ignore_missing=False)
    assert sfs.delete_access_rule(rule.id, share.id) is None

    sfs.delete_share(share.id)
    sfs.wait_for_delete(share, interval=1, wait=60)
    with pytest.raises(openstack.exceptions.NotFoundException):
        sfs.get_share(share.id)
    assert share.id not in [s.id for s in sfs.shares()]


def _access_list(sfs, share_id):
    """The rules through the documented action (what the SDK's proxy has
    no call for on a Manila without /share-access-rules)."""
    r = sfs.post(f"/shares/{share_id}/action", json={"access_list": None}, microversion="2.42")
    assert r.status_code == 200, r.text
    return r.json()["access_list"]


def test_refusals(conn):
    sfs = conn.shared_file_system
    with pytest.raises(openstack.exceptions.BadRequestException, match="Invalid share protocol provided: CIFS"):
        sfs.create_share(share_proto="CIFS", size=1)
    with pytest.raises(openstack.exceptions.NotFoundException, match="Availability zone eu-nl-01 could not be found"):
        sfs.create_share(share_proto="NFS", size=1, availability_zone="eu-nl-01")
    with pytest.raises(openstack.exceptions.NotFoundException, match="could not be found"):
        sfs.get_share(str(uuid.uuid4()))
    share = sfs.create_share(share_proto="NFS", size=2, name=_name())
    sfs.wait_for_status(share, status="available", interval=1, wait=60)
    with pytest.raises(openstack.exceptions.BadRequestException, match="post-deduction capacity must be larger than 0 and smaller than the current"):
        sfs.get_share(share.id).shrink_share(sfs, 2)
    sfs.delete_share(share.id)
    sfs.wait_for_delete(share, interval=1, wait=60)


def test_resize_without_a_microversion(emulator):
    """With no microversion the proxy's bare `extend` is a 2.7 action that
    2.0 does not have: Manila's bare 404, and the share is unchanged."""
    c = sdk_connection(emulator)
    try:
        sfs = c.shared_file_system
        share = sfs.create_share(share_proto="NFS", size=1, name=_name())
        sfs.wait_for_status(share, status="available", interval=1, wait=60)
        with pytest.raises(openstack.exceptions.NotFoundException):
            sfs.resize_share(share.id, 2)
        assert sfs.get_share(share.id).size == 1
        sfs.delete_share(share.id)
        sfs.wait_for_delete(share, interval=1, wait=60)
    finally:
        c.close()


def test_zones_and_limits_are_not_served(conn):
    """Neither is in OTC's reference: both answer 404 APIGW.0101 as any
    undocumented path does."""
    with pytest.raises(openstack.exceptions.NotFoundException):
        list(conn.shared_file_system.availability_zones())
    with pytest.raises(openstack.exceptions.NotFoundException):
        list(conn.shared_file_system.limits())


def test_quota_set(conn):
    q = conn.shared_file_system.get_quota_set(conn.current_project_id)
    assert (q.shares, q.gigabytes) == (10, 512000)
