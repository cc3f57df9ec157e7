"""The volumes configuration (tests/terraform/volumes) through its whole
life: apply, no drift, an in-place update (renames, an extend), import,
destroy, nothing left. The server is booted from a volume made of the
image and has a blank data volume; an EVS volume is attached to it."""

import pytest

from conftest import assert_no_tf_names, assert_not_shown, assert_shown, credentials

# The resource the test imports again after `state rm`. Not the server: the
# provider never reads block_device back for a server whose configuration
# has one. Not the attachment: `force_detach` (ForceNew, default false) is
# never read back, so an imported attachment plans a replacement. Not the
# EVS v3 volume: its `cascade` is never read back either. All of these
# plan the same against the real cloud.
IMPORTED = "opentelekomcloud_blockstorage_volume_v2.cinder"

SHOW = {
    "vpc": "/vpc/v1/{project_id}/vpcs/{id}",
    "subnet": "/vpc/v1/{project_id}/subnets/{id}",
    "cinder": "/evs/v2/{project_id}/volumes/{id}",
    "evs": "/evs/v3/{project_id}/volumes/{id}",
    "vm": "/ecs/v2.1/{project_id}/servers/{id}",
}

LISTS = {
    "/vpc/v1/{project_id}/vpcs": "vpcs",
    "/vpc/v1/{project_id}/subnets": "subnets",
    "/ecs/v2.1/{project_id}/servers": "servers",
    "/evs/v2/{project_id}/volumes": "volumes",
}


def volume(emulator, vid):
    r = emulator.get(f"/evs/v3/{{project_id}}/volumes/{vid}")
    assert r.status_code == 200, r.text
    return r.json()["volume"]


@pytest.mark.parametrize("auth", ["password", "aksk"])
def test_volumes_lifecycle(workspace, emulator, access_key, auth):
    ws = workspace("volumes", credentials(auth, access_key))
    ws.run("init")

    ws.run("apply", "-auto-approve")
    ws.plan_is_clean()

    out = ws.outputs()
    ids = out["ids"]
    assert_shown(emulator, SHOW, ids)
    server = emulator.get(f"/ecs/v2.1/{{project_id}}/servers/{ids['vm']}").json()["server"]
    attached = [v["id"] for v in server["os-extended-volumes:volumes_attached"]]
    assert len(attached) == 3 and attached[2] == ids["evs"], server
    root, data = volume(emulator, attached[0]), volume(emulator, attached[1])
    assert (root["size"], root["volume_type"], root["bootable"], root["status"]) == (12, "SSD", "true", "in-use"), root
    assert (data["size"], data["bootable"], data["attachments"][0]["device"]) == (20, "false", "/dev/vdb"), data
    evs = volume(emulator, ids["evs"])
    assert evs["status"] == "in-use" and evs["attachments"][0]["server_id"] == ids["vm"], evs
    assert out["attach"]["device"] == "/dev/vdc"
    cinder = volume(emulator, ids["cinder"])
    assert (cinder["name"], cinder["size"], cinder["status"]) == ("tf-bs-one", 10, "available"), cinder

    # Renames (volumes in place; the server's name too) and an extend.
    update = ("-var", "suffix=two", "-var", "size=15")
    plan = ws.run("plan", *update)
    assert "0 to add" in plan.stdout and "0 to destroy" in plan.stdout, plan.stdout
    ws.run("apply", "-auto-approve", *update)
    ws.plan_is_clean(*update)
    assert ws.outputs()["ids"] == ids, "the update replaced a resource"
    cinder = volume(emulator, ids["cinder"])
    assert (cinder["name"], cinder["size"]) == ("tf-bs-two", 15), cinder
    assert volume(emulator, ids["evs"])["name"] == "tf-evs-two"
    assert emulator.get(f"/ecs/v2.1/{{project_id}}/servers/{ids['vm']}").json()["server"]["name"] == "tf-bfv-two"

    # Forget and import. The provider never reads `cascade` (a delete
    # option, default false) back, so the imported volume plans that one
    # attribute in place, against the real cloud too: the plan must say
    # exactly that, and once applied (no request changes the volume) the
    # state plans clean.
    ws.run("state", "rm", IMPORTED)
    ws.run("import", *update, IMPORTED, ids["cinder"])
    plan = ws.run("plan", *update)
    assert "0 to add, 1 to change, 0 to destroy" in plan.stdout and "+ cascade" in plan.stdout, plan.stdout
    ws.run("apply", "-auto-approve", *update)
    ws.plan_is_clean(*update)
    assert volume(emulator, ids["cinder"])["name"] == "tf-bs-two"

    ws.run("destroy", "-auto-approve", *update)
    assert ws.run("state", "list").stdout.strip() == ""
    assert_not_shown(emulator, SHOW, ids)
    for vid in attached:
        assert emulator.get(f"/evs/v3/{{project_id}}/volumes/{vid}").status_code == 404, "deleted with the server"
    assert_no_tf_names(emulator, LISTS)
