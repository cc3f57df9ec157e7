"""opentelekomcloud_ecs_instance_v1 through its whole life: apply, no drift,
an update in place (name, flavor by resize, a second security group), no
drift, destroy, nothing left. The provider reads every `volumes_attached`
id back at the EVS v3 API, so this also proves servers are made of EVS
volumes."""

from conftest import assert_no_tf_names, assert_not_shown, assert_shown, credentials

SHOW = {
    "vpc": "/vpc/v1/{project_id}/vpcs/{id}",
    "subnet": "/vpc/v1/{project_id}/subnets/{id}",
    "one": "/vpc/v2.0/security-groups/{id}",
    "two": "/vpc/v2.0/security-groups/{id}",
    "vm": "/ecs/v1/{project_id}/cloudservers/{id}",
}

LISTS = {
    "/vpc/v1/{project_id}/vpcs": "vpcs",
    "/vpc/v1/{project_id}/subnets": "subnets",
    "/vpc/v2.0/security-groups": "security_groups",
    "/ecs/v2.1/{project_id}/servers": "servers",
}


def test_ecs_instance_lifecycle(workspace, emulator):
    ws = workspace("ecs_instance", credentials("password"))
    ws.run("init")
    ws.run("apply", "-auto-approve")
    ws.plan_is_clean()

    out = ws.outputs()
    ids = out["ids"]
    assert out["vm"]["name"] == "tf-ecs-one" and out["vm"]["flavor"] == "s3.medium.1", out["vm"]
    assert out["vm"]["ip"].startswith("192.168.30."), out["vm"]
    assert_shown(emulator, SHOW, ids)
    server = emulator.get(f"/ecs/v1/{{project_id}}/cloudservers/{ids['vm']}").json()["server"]
    assert [g["id"] for g in server["security_groups"]] == [ids["one"]]

    update = ("-var", "suffix=two", "-var", "flavor=s3.large.2", "-var", "second_group=true")
    plan = ws.run("plan", *update)
    assert "0 to add" in plan.stdout and "0 to destroy" in plan.stdout, plan.stdout
    ws.run("apply", "-auto-approve", *update)
    ws.plan_is_clean(*update)
    assert ws.outputs()["ids"] == ids, "the update replaced a resource"
    server = emulator.get(f"/ecs/v1/{{project_id}}/cloudservers/{ids['vm']}").json()["server"]
    assert server["name"] == "tf-ecs-two" and server["flavor"]["id"] == "s3.large.2", server
    assert server["status"] == "ACTIVE"
    assert sorted(g["id"] for g in server["security_groups"]) == sorted([ids["one"], ids["two"]])
    # The groups are on the server's port, where the network model keeps them.
    ports = emulator.get(f"/vpc/v2.0/ports?device_id={ids['vm']}").json()["ports"]
    assert sorted(ports[0]["security_groups"]) == sorted([ids["one"], ids["two"]])

    ws.run("destroy", "-auto-approve", *update)
    assert ws.run("state", "list").stdout.strip() == ""
    assert_not_shown(emulator, SHOW, ids)
    assert_no_tf_names(emulator, LISTS)
