"""The capacity-oriented SFS configuration (tests/terraform/sfs) through its
whole life: apply, no drift, an in-place update (size, name, description,
tags, access level), import, destroy, nothing left."""

import json

from conftest import assert_no_tf_names, assert_not_shown, assert_shown, credentials

SHOW = {
    "vpc": "/vpc/v1/{project_id}/vpcs/{id}",
    "share": "/sfs/v2/{project_id}/shares/{id}",
}

LISTS = {
    "/vpc/v1/{project_id}/vpcs": "vpcs",
    "/sfs/v2/{project_id}/shares/detail": "shares",
}


def access_list(emulator, share_id):
    r = emulator.post(f"/sfs/v2/{{project_id}}/shares/{share_id}/action", {"os-access_list": None})
    assert r.status_code == 200, r.text
    return sorted((a["access_to"], a["access_level"]) for a in r.json()["access_list"])


def test_sfs_lifecycle(workspace, emulator):
    ws = workspace("sfs", credentials("password"))
    ws.run("init")

    ws.run("apply", "-auto-approve")
    ws.plan_is_clean()

    out = ws.outputs()
    ids = out["ids"]
    assert_shown(emulator, SHOW, ids)
    short = ids["share"].replace("-", "")[:8]
    assert out["share"] == {
        "name": "tf-sfs-one",
        "size": 1,
        "status": "available",
        "export_location": f"sfs-nas1.eu-de.otc.t-systems.com:/share-{short}",
        "share_type": "default",
    }
    segment = f"{ids['vpc']}#192.168.10.0/24#100#all_squash,root_squash"
    assert access_list(emulator, ids["share"]) == sorted([(ids["vpc"], "rw"), (segment, "ro")])
    assert [r["id"] != "" for r in out["rules"]] == [True, True]
    found = ws.state_values("data.opentelekomcloud_sfs_file_system_v2.share")
    assert (found["id"], found["size"], found["status"]) == (ids["share"], 1, "available")
    assert found["export_location"] == out["share"]["export_location"]
    assert found["export_locations"] == [out["share"]["export_location"]]
    assert found["mount_id"] != "" and found["preferred"] is False
    assert (found["access_to"], found["access_level"], found["state"]) == (ids["vpc"], "rw", "active")
    assert found["metadata"] == {"team": "terraform", "share_used": "0"}

    # Size (an extend), name, description, tags and the VPC's access level
    # change in place: nothing is replaced.
    update = ("-var", "suffix=two", "-var", "description=updated by the terraform test", "-var", "size=3",
              "-var", "access_level=ro")
    plan = ws.run("plan", *update)
    assert "0 to add" in plan.stdout and "0 to destroy" in plan.stdout, plan.stdout
    ws.run("apply", "-auto-approve", *update)
    ws.plan_is_clean(*update)
    out = ws.outputs()
    assert out["ids"] == ids, "the update replaced a resource"
    share = emulator.get(f"/sfs/v2/{{project_id}}/shares/{ids['share']}").json()["share"]
    assert (share["name"], share["description"], share["size"], share["status"]) == (
        "tf-sfs-two", "updated by the terraform test", 3, "available")
    found = ws.state_values("data.opentelekomcloud_sfs_file_system_v2.share")
    assert (found["name"], found["size"], found["access_level"]) == ("tf-sfs-two", 3, "ro")
    tags = emulator.get(f"/sfs/v2/{{project_id}}/sfs/{ids['share']}/tags").json()["tags"]
    assert tags == [{"key": "suite", "value": "two"}]
    # The provider denies every old rule and grants the new ones: exactly
    # two rules, the VPC's now read-only.
    assert access_list(emulator, ids["share"]) == sorted([(ids["vpc"], "ro"), (segment, "ro")])

    # A shrink back is in place too.
    update = update[:-4] + ("-var", "size=2") + update[-2:]
    ws.run("apply", "-auto-approve", *update)
    ws.plan_is_clean(*update)
    assert emulator.get(f"/sfs/v2/{{project_id}}/shares/{ids['share']}").json()["share"]["size"] == 2

    # Forget and import the file system and its rules: the imported state
    # plans clean.
    for address, key in {
        "opentelekomcloud_sfs_file_system_v2.share": "share",
        "opentelekomcloud_sfs_share_access_rules_v2.rules": "share",
        "opentelekomcloud_vpc_v1.vpc": "vpc",
    }.items():
        ws.run("state", "rm", address)
        ws.run("import", *update, address, ids[key])
    # The provider never reads the deprecated access_type (default "cert")
    # back (its rule matching compares a rule's id with access_to, which
    # never matches), so an imported file system plans that one attribute
    # against the real cloud too; its own import test ignores access_*.
    # Applying it sends nothing but reads, and then the plan is clean.
    ws.run("plan", "-out=import.tfplan", *update)
    plan = json.loads(ws.run("show", "-json", "import.tfplan").stdout)
    changed = {}
    for c in plan.get("resource_changes", []):
        if c["change"]["actions"] not in (["no-op"], ["read"]):
            before, after = c["change"]["before"], c["change"]["after"]
            changed[c["address"]] = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    assert changed == {"opentelekomcloud_sfs_file_system_v2.share": {"access_type", "timeouts"}}, changed
    ws.run("apply", "-auto-approve", *update)
    ws.plan_is_clean(*update)

    ws.run("destroy", "-auto-approve", *update)
    assert ws.run("state", "list").stdout.strip() == ""
    assert_not_shown(emulator, SHOW, ids)
    assert_no_tf_names(emulator, LISTS)
    # The share's rules went with it: listing them is a 404.
    r = emulator.post(f"/sfs/v2/{{project_id}}/shares/{ids['share']}/action", {"os-access_list": None})
    assert r.status_code == 404, r.text
