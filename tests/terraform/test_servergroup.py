"""The server-group configuration (tests/terraform/servergroup): an
anti-affinity group with a server placed in it by the scheduler hint;
apply, no drift, an in-place rename, import of the group, destroy, and
nothing left."""

from conftest import assert_no_tf_names, assert_not_shown, assert_shown, credentials

SHOW = {
    "group": "/ecs/v2.1/{project_id}/os-server-groups/{id}",
    "vpc": "/vpc/v1/{project_id}/vpcs/{id}",
    "subnet": "/vpc/v1/{project_id}/subnets/{id}",
    "vm": "/ecs/v2.1/{project_id}/servers/{id}",
}

LISTS = {
    "/ecs/v2.1/{project_id}/os-server-groups": "server_groups",
    "/ecs/v2.1/{project_id}/servers": "servers",
    "/vpc/v1/{project_id}/vpcs": "vpcs",
    "/vpc/v1/{project_id}/subnets": "subnets",
}


def test_servergroup_lifecycle(workspace, emulator):
    ws = workspace("servergroup", credentials("password"))
    ws.run("init")
    ws.run("apply", "-auto-approve")
    ws.plan_is_clean()

    out = ws.outputs()
    ids = out["ids"]
    assert out["policies"] == ["anti-affinity"]
    assert_shown(emulator, SHOW, ids)
    group = emulator.get(f"/ecs/v2.1/{{project_id}}/os-server-groups/{ids['group']}").json()["server_group"]
    assert group["members"] == [ids["vm"]], group
    # The group's members, as the provider read them back after the server joined.
    ws.run("apply", "-refresh-only", "-auto-approve")
    assert ws.state_values("opentelekomcloud_compute_servergroup_v2.group")["members"] == [ids["vm"]]

    # The server's name changes in place; it stays in its group.
    update = ("-var", "suffix=two")
    plan = ws.run("plan", *update)
    assert "0 to add" in plan.stdout and "0 to destroy" in plan.stdout, plan.stdout
    ws.run("apply", "-auto-approve", *update)
    ws.plan_is_clean(*update)
    assert ws.outputs()["ids"] == ids, "the update replaced a resource"
    server = emulator.get(f"/ecs/v2.1/{{project_id}}/servers/{ids['vm']}").json()["server"]
    assert server["name"] == "tf-gvm-two"

    # Forget and import the group: the imported state plans clean.
    ws.run("state", "rm", "opentelekomcloud_compute_servergroup_v2.group")
    ws.run("import", *update, "opentelekomcloud_compute_servergroup_v2.group", ids["group"])
    ws.plan_is_clean(*update)

    ws.run("destroy", "-auto-approve", *update)
    assert ws.run("state", "list").stdout.strip() == ""
    assert_not_shown(emulator, SHOW, ids)
    assert_no_tf_names(emulator, LISTS)
