"""The compute configuration (tests/terraform/compute) through its whole
life: apply, no drift, an in-place update, import, destroy, nothing left."""

import pytest

from conftest import assert_no_tf_names, assert_not_shown, assert_shown, credentials

# Resources the test imports again after `state rm`, address -> output key of
# its id. Not the server: the provider never reads `user_data` back (nor
# block devices of an image-booted server), so an imported server plans a
# replacement against the real cloud too.
IMPORTED = {
    "opentelekomcloud_compute_keypair_v2.key": "key",
}

# Where each created resource is shown, by output key of its id.
SHOW = {
    "vpc": "/vpc/v1/{project_id}/vpcs/{id}",
    "subnet": "/vpc/v1/{project_id}/subnets/{id}",
    "sg": "/vpc/v2.0/security-groups/{id}",
    "key": "/ecs/v2.1/{project_id}/os-keypairs/{id}",
    "vm": "/ecs/v2.1/{project_id}/servers/{id}",
    "eip": "/vpc/v1/{project_id}/publicips/{id}",
}

# Lists that must hold nothing named tf-* after destroy.
LISTS = {
    "/vpc/v1/{project_id}/vpcs": "vpcs",
    "/vpc/v1/{project_id}/subnets": "subnets",
    "/vpc/v2.0/security-groups": "security_groups",
    "/ecs/v2.1/{project_id}/servers": "servers",
    "/vpc/v1/{project_id}/publicips": "publicips",
    "/vpc/v1/{project_id}/bandwidths": "bandwidths",
}


@pytest.mark.parametrize("auth", ["password", "aksk"])
def test_compute_lifecycle(workspace, emulator, access_key, auth):
    ws = workspace("compute", credentials(auth, access_key))
    ws.run("init")

    ws.run("apply", "-auto-approve")
    ws.plan_is_clean()

    out = ws.outputs()
    ids, vm = out["ids"], out["vm"]
    assert out["image"]["name"] == "Standard_Debian_11_latest"
    assert out["flavor"]["vcpus"] == 1 and out["flavor"]["ram"] == 1024, out["flavor"]
    assert vm["name"] == "tf-vm-one" and vm["key_pair"] == "tf-key"
    # Not image_name: the provider looks it up at `cloudimages` under the
    # *compute* endpoint (setImageInformation passes its compute client),
    # which answers 404 against the real cloud too, and then records
    # "Not Found".
    assert vm["image_id"] == out["image"]["id"]
    assert vm["flavor_name"] == "s3.medium.1"
    assert vm["fixed_ip"].startswith("192.168.20."), vm
    assert_shown(emulator, SHOW, ids)
    server = emulator.get(f"/ecs/v2.1/{{project_id}}/servers/{ids['vm']}").json()["server"]
    assert [g["name"] for g in server["security_groups"]] == ["tf-csg"]
    assert server["metadata"]["stage"] == "created"
    # The EIP is bound to the server's port.
    eip = emulator.get(f"/vpc/v1/{{project_id}}/publicips/{ids['eip']}").json()["publicip"]
    assert eip["private_ip_address"] == vm["fixed_ip"] and eip["status"] == "ACTIVE", eip

    # The server's name, metadata and tags change in place.
    update = ("-var", "suffix=two", "-var", "stage=updated")
    plan = ws.run("plan", *update)
    assert "0 to add" in plan.stdout and "0 to destroy" in plan.stdout, plan.stdout
    ws.run("apply", "-auto-approve", *update)
    ws.plan_is_clean(*update)
    out = ws.outputs()
    assert out["ids"] == ids, "the update replaced a resource"
    server = emulator.get(f"/ecs/v2.1/{{project_id}}/servers/{ids['vm']}").json()["server"]
    assert server["name"] == "tf-vm-two" and server["metadata"]["stage"] == "updated", server
    tags = emulator.get(f"/ecs/v1/{{project_id}}/cloudservers/{ids['vm']}/tags").json()["tags"]
    assert {t["key"]: t["value"] for t in tags} == {"suite": "terraform", "stage": "updated"}

    # Forget and import: the imported state plans clean.
    for address, key in IMPORTED.items():
        ws.run("state", "rm", address)
        ws.run("import", *update, address, ids[key])
    ws.plan_is_clean(*update)

    ws.run("destroy", "-auto-approve", *update)
    assert ws.run("state", "list").stdout.strip() == ""
    assert_not_shown(emulator, SHOW, ids)
    assert_no_tf_names(emulator, LISTS)
    keys = emulator.get("/ecs/v2.1/{project_id}/os-keypairs").json()["keypairs"]
    assert [k for k in keys if k["keypair"]["name"] == "tf-key"] == []
