"""python-openstackclient's everyday project commands against the compute
model: zones (compute and volume), quotas and limits (the real figures,
usage included), and server groups whose anti-affinity policy places
servers on distinct hosts of a zone (five per zone in the default
configuration) and refuses the one it cannot place."""

import uuid


def _name(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


def test_zones_quotas_and_limits(openstack):
    zones = openstack("availability", "zone", "list", "-f", "json").data
    assert {"eu-de-01", "eu-de-02", "eu-de-03"} <= {z["Zone Name"] for z in zones}
    quotas = {q["Resource"]: q["Limit"] for q in openstack("quota", "show", "-f", "json").data}
    # Compute (Nova quota set), volume (EVS) and network (Neutron) lines.
    assert quotas["instances"] == 100 and quotas["cores"] == 200 and quotas["ram"] == 512 * 1024
    assert quotas["server-groups"] == 10 and quotas["server-group-members"] == 10 and quotas["properties"] == 128
    assert quotas["volumes"] > 0 and quotas["routers"] == 150 and quotas["subnets"] == 400

    before = openstack("limits", "show", "--absolute", "-f", "json").data
    used = {l["Name"]: l["Value"] for l in before}
    group = _name("grp")
    openstack("server", "group", "create", "--policy", "anti-affinity", group)
    after = {l["Name"]: l["Value"] for l in openstack("limits", "show", "--absolute", "-f", "json").data}
    # openstacksdk's names for Nova's maxServerGroups, maxServerMeta, totalServerGroupsUsed.
    assert after["server_groups"] == 10 and after["server_meta"] == 128 and after["instances"] == 100
    assert after["server_groups_used"] == used["server_groups_used"] + 1
    openstack("server", "group", "delete", group)


def test_anti_affinity_group_places_and_refuses(openstack):
    net, sub, group = _name("net"), _name("sub"), _name("grp")
    openstack("network", "create", net)
    openstack("subnet", "create", sub, "--network", net, "--subnet-range", "10.78.0.0/24")
    created = openstack("server", "group", "create", "--policy", "anti-affinity", group, "-f", "json").data
    assert created["policies"] == ["anti-affinity"] and created["members"] == []
    gid = created["id"]
    assert group in {g["Name"] for g in openstack("server", "group", "list", "-f", "json").data}
    assert openstack("server", "group", "create", "--policy", "affinity", _name("aff"), check=False).returncode != 0

    common = ["--flavor", "s3.medium.1", "--image", "Standard_Debian_11_latest", "--network", net, "--hint", f"group={gid}"]
    # Five hosts in eu-de-01: five members fit, a sixth there does not.
    openstack("server", "create", *common, "--availability-zone", "eu-de-01", "--min", "5", "--max", "5", "--wait", _name("vm"))
    refused = openstack("server", "create", *common, "--availability-zone", "eu-de-01", _name("vm"), check=False)
    assert refused.returncode != 0 and "No valid host was found" in refused.output
    elsewhere = openstack("server", "create", *common, "--availability-zone", "eu-de-02", "--wait", _name("vm"), "-f", "json").data
    members = openstack("server", "group", "show", gid, "-f", "json").data["members"]
    assert len(members) == 6 and elsewhere["id"] in members

    # A deleted server leaves its group.
    openstack("server", "delete", "--wait", elsewhere["id"])
    assert elsewhere["id"] not in openstack("server", "group", "show", gid, "-f", "json").data["members"]
    openstack("server", "delete", "--wait", *[m for m in members if m != elsewhere["id"]])
    assert openstack("server", "group", "show", gid, "-f", "json").data["members"] == []
    openstack("server", "group", "delete", group)
    assert openstack("server", "group", "show", gid, check=False).returncode != 0
    openstack("subnet", "delete", sub)
    openstack("network", "delete", net)
