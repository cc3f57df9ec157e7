"""FWaaS v2 (tests/terraform/firewall) through its whole life: apply, no
drift, an in-place update, import, destroy, nothing left."""

from conftest import assert_no_tf_names, assert_not_shown, assert_shown, credentials

IMPORTED = {
    "opentelekomcloud_fw_rule_v2.ssh": "ssh",
    "opentelekomcloud_fw_policy_v2.policy": "policy",
    "opentelekomcloud_fw_firewall_group_v2.group": "group",
}

SHOW = {
    "ssh": "/vpc/v2.0/fwaas/firewall_rules/{id}",
    "deny": "/vpc/v2.0/fwaas/firewall_rules/{id}",
    "policy": "/vpc/v2.0/fwaas/firewall_policies/{id}",
    "group": "/vpc/v2.0/fwaas/firewall_groups/{id}",
}

LISTS = {
    "/vpc/v2.0/fwaas/firewall_rules": "firewall_rules",
    "/vpc/v2.0/fwaas/firewall_policies": "firewall_policies",
    "/vpc/v2.0/fwaas/firewall_groups": "firewall_groups",
}


def test_firewall_lifecycle(workspace, emulator, access_key):
    ws = workspace("firewall", credentials("password", access_key))
    ws.run("init")
    ws.run("apply", "-auto-approve")
    ws.plan_is_clean()
    ids = ws.outputs()["ids"]
    assert_shown(emulator, SHOW, ids)
    policy = emulator.get(f"/vpc/v2.0/fwaas/firewall_policies/{ids['policy']}").json()["firewall_policy"]
    assert policy["firewall_rules"] == [ids["ssh"], ids["deny"]]
    group = emulator.get(f"/vpc/v2.0/fwaas/firewall_groups/{ids['group']}").json()["firewall_group"]
    assert group["status"] == "INACTIVE" and group["ingress_firewall_policy_id"] == ids["policy"]

    update = ("-var", "suffix=two", "-var", "description=updated by the terraform test")
    plan = ws.run("plan", *update)
    assert "0 to add" in plan.stdout and "0 to destroy" in plan.stdout, plan.stdout
    ws.run("apply", "-auto-approve", *update)
    ws.plan_is_clean(*update)
    assert ws.outputs()["ids"] == ids, "the update replaced a resource"
    rule = emulator.get(f"/vpc/v2.0/fwaas/firewall_rules/{ids['ssh']}").json()["firewall_rule"]
    assert rule["name"] == "tf-fw-ssh-two" and rule["description"] == "updated by the terraform test"

    for address, key in IMPORTED.items():
        ws.run("state", "rm", address)
        ws.run("import", *update, address, ids[key])
    ws.plan_is_clean(*update)

    ws.run("destroy", "-auto-approve", *update)
    assert ws.run("state", "list").stdout.strip() == ""
    assert_not_shown(emulator, SHOW, ids)
    assert_no_tf_names(emulator, LISTS)
