"""The Auto Scaling configuration (tests/terraform/autoscaling) through its
whole life: apply (the group reaches its desired instance), no drift, an
in-place update, import, destroy, nothing left."""

import pytest

from conftest import assert_not_shown, assert_shown, credentials

AS = "/as/autoscaling-api/v1/{project_id}"
AS2 = "/as/autoscaling-api/v2/{project_id}"

# Where each created resource is shown, by output key of its id.
SHOW = {
    "vpc": "/vpc/v1/{project_id}/vpcs/{id}",
    "subnet": "/vpc/v1/{project_id}/subnets/{id}",
    "sg": "/vpc/v2.0/security-groups/{id}",
    "config": AS + "/scaling_configuration/{id}",
    "group": AS + "/scaling_group/{id}",
    "scheduled": AS + "/scaling_policy/{id}",
    "recurrence": AS2 + "/scaling_policy/{id}",
}

# How AS says a configuration or policy does not exist: 400 with these
# codes, as its error appendix documents (a missing group is 404).
GONE_CODES = {"AS.1004", "AS.3020"}


def gone(r) -> bool:
    if r.status_code == 404:
        return True
    return r.status_code == 400 and r.json().get("error", {}).get("code") in GONE_CODES


@pytest.mark.parametrize("auth", ["aksk"])
def test_autoscaling_lifecycle(workspace, emulator, access_key, auth):
    ws = workspace("autoscaling", credentials(auth, access_key))
    ws.run("init")

    ws.run("apply", "-auto-approve")
    ws.plan_is_clean()

    out = ws.outputs()
    ids = out["ids"]
    assert_shown(emulator, SHOW, ids)
    group = emulator.get(f"{AS}/scaling_group/{ids['group']}").json()["scaling_group"]
    assert group["scaling_group_status"] == "INSERVICE" and group["current_instance_number"] == 1, group
    members = emulator.get(f"{AS}/scaling_group_instance/{ids['group']}/list").json()["scaling_group_instances"]
    assert [m["life_cycle_state"] for m in members] == ["INSERVICE"], members
    assert out["instances"] == [m["instance_id"] for m in members]
    server = emulator.get(f"/ecs/v2.1/{{project_id}}/servers/{members[0]['instance_id']}")
    assert server.status_code == 200 and server.json()["server"]["status"] == "ACTIVE", server.text
    hook = emulator.get(f"{AS}/scaling_lifecycle_hook/{ids['group']}/tf-as-hook")
    assert hook.status_code == 200 and hook.json()["default_timeout"] == 3600, hook.text

    # Names, limits, tags, policy actions and the hook change in place.
    update = ("-var", "suffix=two")
    plan = ws.run("plan", *update)
    assert "0 to add" in plan.stdout and "0 to destroy" in plan.stdout, plan.stdout
    ws.run("apply", "-auto-approve", *update)
    ws.plan_is_clean(*update)
    assert ws.outputs()["ids"] == ids, "the update replaced a resource"
    group = emulator.get(f"{AS}/scaling_group/{ids['group']}").json()["scaling_group"]
    assert group["scaling_group_name"] == "tf-as-group-two" and group["max_instance_number"] == 4, group
    assert group["cool_down_time"] == 600, group
    v1 = emulator.get(f"{AS}/scaling_policy/{ids['scheduled']}").json()["scaling_policy"]
    assert v1["scaling_policy_name"] == "tf-as-policy-v1-two", v1
    assert v1["scaling_policy_action"]["instance_number"] == 2, v1
    v2 = emulator.get(f"{AS2}/scaling_policy/{ids['recurrence']}").json()["scaling_policy"]
    assert v2["scaling_policy_action"]["percentage"] == 20, v2
    assert v2["scheduled_policy"]["recurrence_value"] == "2,4", v2
    hook = emulator.get(f"{AS}/scaling_lifecycle_hook/{ids['group']}/tf-as-hook").json()
    assert hook["default_timeout"] == 600 and hook["default_result"] == "CONTINUE", hook

    # Forget and import: the lifecycle hook is the only AS resource the
    # provider can import (by `<group id>/<hook name>`); the network under
    # the group is imported too.
    imported = {
        "opentelekomcloud_vpc_v1.vpc": ids["vpc"],
        "opentelekomcloud_vpc_subnet_v1.subnet": ids["subnet"],
        "opentelekomcloud_networking_secgroup_v2.sg": ids["sg"],
        "opentelekomcloud_as_lifecycle_hook_v1.hook": f"{ids['group']}/tf-as-hook",
    }
    for address, import_id in imported.items():
        ws.run("state", "rm", address)
        ws.run("import", *update, address, import_id)
    ws.plan_is_clean(*update)

    ws.run("destroy", "-auto-approve", *update)
    assert ws.run("state", "list").stdout.strip() == ""
    assert_not_shown(emulator, SHOW, ids, gone)
    server = emulator.get(f"/ecs/v2.1/{{project_id}}/servers/{members[0]['instance_id']}")
    assert server.status_code == 404, f"the group's instance outlived it: {server.status_code} {server.text}"
    assert emulator.get("/ecs/v2.1/{project_id}/os-keypairs/tf-as-kp").status_code == 404
    lists = {
        AS + "/scaling_group": ("scaling_groups", "scaling_group_name"),
        AS + "/scaling_configuration": ("scaling_configurations", "scaling_configuration_name"),
        "/ecs/v2.1/{project_id}/servers": ("servers", "name"),
        "/vpc/v1/{project_id}/vpcs": ("vpcs", "name"),
        "/vpc/v2.0/security-groups": ("security_groups", "name"),
    }
    created = set(ids.values()) | {m["instance_id"] for m in members}
    for path, (member, name) in lists.items():
        r = emulator.get(path)
        assert r.status_code == 200, f"{path}: {r.status_code} {r.text}"
        left = [x for x in r.json()[member] if x.get("id") in created or str(x.get(name, "")).startswith("tf-")]
        assert left == [], f"{path} still lists {left}"
