"""SFS capacity-oriented file systems (Manila v2) through
python-manilaclient's `openstack share ...` commands: the client finds
`shared-file-system` in the catalog, discovers the versions at `/sfs/`,
settles on the emulator's newest microversion (2.42) and speaks it."""

import uuid

import pytest


def _name(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


@pytest.fixture(scope="module")
def vpc(openstack):
    """A VPC (a router, as the network CLI sees it) that access rules name."""
    return openstack("router", "create", _name("sfs-vpc"), "-f", "json").data["id"]


def test_share_lifecycle_with_access_rules(openstack, vpc):
    name = _name("share")
    created = openstack(
        "share", "create", "NFS", "1", "--name", name, "--description", "docs", "--property", "team=a", "--wait",
        "-f", "json",
    ).data
    assert created["name"] == name and created["size"] == 1 and created["share_proto"] == "NFS"
    assert created["share_type_name"] == "default" and created["availability_zone"] == "eu-de-01"
    share_id = created["id"]

    listed = openstack("share", "list", "-f", "json").data
    mine = [s for s in listed if s["ID"] == share_id]
    assert len(mine) == 1 and mine[0]["Status"] == "available" and mine[0]["Name"] == name

    shown = openstack("share", "show", name, "-f", "json").data
    assert shown["status"] == "available" and shown["access_rules_status"] == "active"
    assert f"sfs-nas1.eu-de.otc.t-systems.com:/share-{share_id.replace('-', '')[:8]}" in shown["export_locations"]
    assert shown["properties"] == {"team": "a", "share_used": "0"}

    # `share set` also resets the task state (null: nothing to change).
    openstack("share", "set", name, "--name", name + "-x", "--description", "renamed")
    shown = openstack("share", "show", name + "-x", "-f", "json").data
    assert shown["description"] == "renamed" and shown["id"] == share_id
    name += "-x"

    # Access by VPC: applied at once (no settle time by default).
    rule = openstack("share", "access", "create", name, "cert", vpc, "--access-level", "ro", "-f", "json").data
    assert rule["access_to"] == vpc and rule["access_level"] == "ro" and rule["state"] == "queued_to_apply"
    rules = openstack("share", "access", "list", name, "-f", "json").data
    assert [(r["ID"], r["State"], r["Access Level"]) for r in rules] == [(rule["id"], "active", "ro")]
    refused = openstack("share", "access", "create", name, "cert", vpc, check=False)
    assert refused.returncode != 0 and "exists" in refused.output
    missing = str(uuid.uuid4())
    refused = openstack("share", "access", "create", name, "cert", missing, check=False)
    assert refused.returncode != 0 and f"VPC {missing} could not be found" in refused.output
    refused = openstack("share", "access", "create", name, "ip", "10.0.0.0/24", check=False)
    assert refused.returncode != 0 and "access types are supported" in refused.output

    # Extend and shrink; a shrink to zero is the reference's 400.
    openstack("share", "resize", name, "3")
    assert openstack("share", "show", name, "-f", "json").data["size"] == 3
    openstack("share", "resize", name, "2")
    shown = openstack("share", "show", name, "-f", "json").data
    assert shown["size"] == 2 and shown["status"] == "available"

    openstack("share", "access", "delete", name, rule["id"])
    assert openstack("share", "access", "list", name, "-f", "json").data == []

    openstack("share", "delete", name, "--wait")
    assert share_id not in [s["ID"] for s in openstack("share", "list", "-f", "json").data]
    gone = openstack("share", "show", share_id, check=False)
    assert gone.returncode != 0


def test_refusals_in_manilas_words(openstack):
    refused = openstack("share", "create", "CIFS", "1", check=False)
    assert refused.returncode != 0 and "Invalid share protocol provided: CIFS" in refused.output
    refused = openstack("share", "create", "NFS", "1", "--availability-zone", "eu-nl-01", check=False)
    assert refused.returncode != 0 and "Availability zone eu-nl-01 could not be found" in refused.output
    name = _name("share")
    openstack("share", "create", "NFS", "2", "--name", name, "--wait")
    refused = openstack("share", "resize", name, "700000", check=False)
    assert refused.returncode != 0 and "gigabytes quota" in refused.output
    openstack("share", "delete", name, "--wait")


def test_quota_and_share_type(openstack):
    project = openstack("project", "show", "eu-de", "-f", "json").data["id"]
    quota = openstack("share", "quota", "show", project, "-f", "json").data
    assert quota["shares"] == 10 and quota["gigabytes"] == 512000 and quota["id"] == project
    types = openstack("share", "type", "list", "-f", "json").data
    assert [t["Name"] for t in types] == ["default"]
