"""The MRS configuration (tests/terraform/mrs) through its whole life: apply
(the provider waits for `running`), no drift, the tags changed in place,
the network imported, destroy (the provider waits for `terminated`), and
the cluster's servers gone."""

from conftest import assert_no_tf_names, credentials

# Not the cluster: the provider never reads billing_type, vpc_id, subnet_id,
# volume_type/size or cluster_admin_secret back, all ForceNew, so an
# imported cluster plans a replacement against the real cloud too.
IMPORTED = {
    "opentelekomcloud_vpc_v1.vpc": "vpc",
    "opentelekomcloud_vpc_subnet_v1.subnet": "subnet",
}

LISTS = {"/vpc/v1/{project_id}/vpcs": "vpcs"}


def cluster_servers(emulator, cluster_id):
    r = emulator.get("/ecs/v2.1/{project_id}/servers/detail")
    assert r.status_code == 200, r.text
    return [s for s in r.json()["servers"] if s["metadata"].get("cluster_id") == cluster_id]


def test_mrs_cluster_lifecycle(workspace, emulator):
    ws = workspace("mrs", credentials("password"))
    ws.run("init")

    ws.run("apply", "-auto-approve")
    ws.plan_is_clean()
    out = ws.outputs()
    ids = out["ids"]
    assert out["cluster"]["state"] == "running"
    assert out["cluster"]["zone"] == "eu-de-01"
    assert (out["cluster"]["masters"], out["cluster"]["cores"]) == (2, 3)
    assert out["cluster"]["ip"].startswith("192.168.20.")
    servers = cluster_servers(emulator, ids["cluster"])
    assert len(servers) == 5 and all(s["key_name"] == "tf-mrs-key" for s in servers)
    r = emulator.get(f"/mrs/v1.1/{{project_id}}/clusters/{ids['cluster']}/tags")
    assert sorted((t["key"], t["value"]) for t in r.json()["tags"]) == [("owner", "one"), ("suite", "terraform")]

    # Tags change in place: nothing is replaced.
    update = ("-var", "owner=two")
    plan = ws.run("plan", *update)
    assert "0 to add" in plan.stdout and "0 to destroy" in plan.stdout, plan.stdout
    ws.run("apply", "-auto-approve", *update)
    ws.plan_is_clean(*update)
    assert ws.outputs()["ids"] == ids
    r = emulator.get(f"/mrs/v1.1/{{project_id}}/cluster_infos/{ids['cluster']}")
    assert r.json()["cluster"]["tags"] in ("suite=terraform,owner=two", "owner=two,suite=terraform"), r.text

    for address, key in IMPORTED.items():
        ws.run("state", "rm", address)
        ws.run("import", *update, address, ids[key])
    ws.plan_is_clean(*update)

    ws.run("destroy", "-auto-approve", *update)
    assert cluster_servers(emulator, ids["cluster"]) == []
    r = emulator.get(f"/mrs/v1.1/{{project_id}}/cluster_infos/{ids['cluster']}")
    assert r.status_code == 400 or r.json()["cluster"]["clusterState"] == "terminated", r.text
    assert_no_tf_names(emulator, LISTS)
