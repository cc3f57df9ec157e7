"""The SFS Turbo configuration (tests/terraform/sfs_turbo) through its whole
life: apply, no drift, an in-place expansion and security group change,
import, destroy, nothing left (and the network it used free again)."""

import pytest

from conftest import assert_no_tf_names, assert_not_shown, assert_shown, credentials

IMPORTED = {
    "opentelekomcloud_sfs_turbo_share_v1.turbo": "turbo",
    "opentelekomcloud_vpc_v1.vpc": "vpc",
    "opentelekomcloud_vpc_subnet_v1.subnet": "subnet",
}

SHOW = {
    "vpc": "/vpc/v1/{project_id}/vpcs/{id}",
    "subnet": "/vpc/v1/{project_id}/subnets/{id}",
    "one": "/vpc/v2.0/security-groups/{id}",
    "two": "/vpc/v2.0/security-groups/{id}",
    "turbo": "/sfs-turbo/v1/{project_id}/sfs-turbo/shares/{id}",
}

LISTS = {
    "/vpc/v1/{project_id}/vpcs": "vpcs",
    "/vpc/v1/{project_id}/subnets": "subnets",
    "/vpc/v2.0/security-groups": "security_groups",
    "/sfs-turbo/v1/{project_id}/sfs-turbo/shares/detail": "shares",
}


@pytest.mark.parametrize("auth", ["password", "aksk"])
def test_sfs_turbo_lifecycle(workspace, emulator, access_key, auth):
    ws = workspace("sfs_turbo", credentials(auth, access_key))
    ws.run("init")

    ws.run("apply", "-auto-approve")
    ws.plan_is_clean()
    out = ws.outputs()
    ids = out["ids"]
    assert_shown(emulator, SHOW, ids)
    share = emulator.get(f"/sfs-turbo/v1/{{project_id}}/sfs-turbo/shares/{ids['turbo']}").json()
    assert (share["status"], share["size"], share["security_group_id"]) == ("200", "500.00", ids["one"]), share
    assert out["turbo"]["size"] == 500 and out["turbo"]["available_capacity"] == "500.00"
    assert out["turbo"]["export_location"] == share["export_location"] and out["turbo"]["version"] == "1.0.0"
    found = ws.state_values("data.opentelekomcloud_sfs_turbo_share_v1.turbo")
    assert (found["id"], found["size"], found["vpc_id"], found["security_group_id"]) == (ids["turbo"], 500, ids["vpc"], ids["one"]), found
    ports = emulator.get(f"/vpc/v2.0/ports?device_id={ids['turbo']}").json()["ports"]
    assert len(ports) == 3 and all(p["security_groups"] == [ids["one"]] for p in ports), ports

    # Expansion and the security group change in place: nothing is replaced.
    update = ("-var", "size=600", "-var", "security_group=two")
    plan = ws.run("plan", *update)
    assert "0 to add" in plan.stdout and "0 to destroy" in plan.stdout, plan.stdout
    ws.run("apply", "-auto-approve", *update)
    ws.plan_is_clean(*update)
    out = ws.outputs()
    assert out["ids"] == ids, "the update replaced a resource"
    assert out["turbo"]["size"] == 600 and out["turbo"]["security_group_id"] == ids["two"]
    share = emulator.get(f"/sfs-turbo/v1/{{project_id}}/sfs-turbo/shares/{ids['turbo']}").json()
    assert (share["size"], share["sub_status"], share["security_group_id"]) == ("600.00", "232", ids["two"]), share
    ports = emulator.get(f"/vpc/v2.0/ports?device_id={ids['turbo']}").json()["ports"]
    assert all(p["security_groups"] == [ids["two"]] for p in ports), ports

    # Forget and import: the imported state plans clean.
    for address, key in IMPORTED.items():
        ws.run("state", "rm", address)
        ws.run("import", *update, address, ids[key])
    ws.plan_is_clean(*update)

    ws.run("destroy", "-auto-approve", *update)
    assert ws.run("state", "list").stdout.strip() == ""
    assert_not_shown(emulator, SHOW, ids)
    assert_no_tf_names(emulator, LISTS)
    assert emulator.get(f"/vpc/v2.0/ports?device_id={ids['turbo']}").json()["ports"] == []
