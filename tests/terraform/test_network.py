"""The network configuration (tests/terraform/network) through its whole life:
apply, no drift, an in-place update, import, destroy, nothing left."""

import pytest

from conftest import assert_no_tf_names, assert_not_shown, assert_shown, credentials

# Resources the test imports again after `state rm`: every importable one of
# the configuration, address -> output key of its id. Not the port: the
# provider never reads `fixed_ip` back (only `all_fixed_ips`), so an imported
# port with a fixed_ip block plans an update against the real cloud too.
IMPORTED = {
    "opentelekomcloud_vpc_v1.vpc": "vpc",
    "opentelekomcloud_vpc_subnet_v1.subnet": "subnet",
    "opentelekomcloud_networking_network_v2.net": "network",
    "opentelekomcloud_networking_subnet_v2.sub": "sub",
    "opentelekomcloud_networking_secgroup_v2.sg": "sg",
    "opentelekomcloud_networking_secgroup_rule_v2.ssh": "rule",
    "opentelekomcloud_vpc_bandwidth_v2.shared": "shared",
    "opentelekomcloud_vpc_eip_v1.eip": "eip",
}

# Where each created resource is shown, by output key of its id.
SHOW = {
    "vpc": "/vpc/v1/{project_id}/vpcs/{id}",
    "subnet": "/vpc/v1/{project_id}/subnets/{id}",
    "network": "/vpc/v2.0/networks/{id}",
    "sub": "/vpc/v2.0/subnets/{id}",
    "router": "/vpc/v2.0/routers/{id}",
    "sg": "/vpc/v2.0/security-groups/{id}",
    "rule": "/vpc/v2.0/security-group-rules/{id}",
    "port": "/vpc/v2.0/ports/{id}",
    "eip": "/vpc/v1/{project_id}/publicips/{id}",
    "shared": "/vpc/v1/{project_id}/bandwidths/{id}",
}

# Lists that must hold nothing named tf-* after destroy.
LISTS = {
    "/vpc/v1/{project_id}/vpcs": "vpcs",
    "/vpc/v1/{project_id}/subnets": "subnets",
    "/vpc/v2.0/networks": "networks",
    "/vpc/v2.0/subnets": "subnets",
    "/vpc/v2.0/routers": "routers",
    "/vpc/v2.0/security-groups": "security_groups",
    "/vpc/v2.0/ports": "ports",
    "/vpc/v1/{project_id}/publicips": "publicips",
    "/vpc/v1/{project_id}/bandwidths": "bandwidths",
}


@pytest.mark.parametrize("auth", ["password", "aksk"])
def test_network_lifecycle(workspace, emulator, access_key, auth):
    ws = workspace("network", credentials(auth, access_key))
    ws.run("init")

    ws.run("apply", "-auto-approve")
    ws.plan_is_clean()

    out = ws.outputs()
    ids = out["ids"]
    assert out["vpc"] == {"id": ids["vpc"], "name": "tf-vpc-one", "cidr": "192.168.0.0/16"}
    assert out["subnet"] == {
        "id": ids["subnet"],
        "name": "tf-subnet-one",
        "cidr": "192.168.10.0/24",
        "gateway_ip": "192.168.10.1",
        "vpc_id": ids["vpc"],
    }
    assert out["network"] == {"id": ids["network"], "name": "tf-net-one"}
    assert_shown(emulator, SHOW, ids)

    # Names, descriptions and tags change in place: nothing is replaced.
    update = ("-var", "suffix=two", "-var", "description=updated by the terraform test")
    plan = ws.run("plan", *update)
    assert "0 to add" in plan.stdout and "0 to destroy" in plan.stdout, plan.stdout
    ws.run("apply", "-auto-approve", *update)
    ws.plan_is_clean(*update)
    out = ws.outputs()
    assert out["ids"] == ids, "the update replaced a resource"
    # Read back through the data sources, re-read during that apply (their
    # state, not the outputs: see Workspace.plan_is_clean).
    assert ws.state_values("data.opentelekomcloud_vpc_v1.vpc")["name"] == "tf-vpc-two"
    assert ws.state_values("data.opentelekomcloud_vpc_subnet_v1.subnet")["name"] == "tf-subnet-two"
    assert ws.state_values("data.opentelekomcloud_networking_network_v2.net")["name"] == "tf-net-two"
    vpc = emulator.get(f"/vpc/v1/{{project_id}}/vpcs/{ids['vpc']}").json()["vpc"]
    assert vpc["name"] == "tf-vpc-two" and vpc["description"] == "updated by the terraform test"

    # Forget and import: the imported state plans clean.
    for address, key in IMPORTED.items():
        ws.run("state", "rm", address)
        ws.run("import", *update, address, ids[key])
    ws.plan_is_clean(*update)

    ws.run("destroy", "-auto-approve", *update)
    assert ws.run("state", "list").stdout.strip() == ""
    assert_not_shown(emulator, SHOW, ids)
    assert_no_tf_names(emulator, LISTS)
