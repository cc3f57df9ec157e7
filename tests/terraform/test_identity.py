"""The identity configuration (tests/terraform/identity) through its whole
life: apply, no drift, an in-place update, import, destroy, nothing left."""

import pytest

from conftest import credentials, run_emulator


@pytest.fixture(scope="module")
def emulator(tmp_path_factory):
    """An emulator of its own: the access key created here counts against
    the admin's quota of two (akSkNumExceed beyond), and other
    configurations sharing a session emulator sign with one of the admin's
    keys."""
    yield from run_emulator(tmp_path_factory)

PROJECT = "opentelekomcloud_identity_project_v3.project"
KEY = "opentelekomcloud_identity_credential_v3.key"


def test_identity_lifecycle(workspace, emulator):
    # Password only: the credential resource takes its user from the token,
    # which AK/SK authentication does not have.
    ws = workspace("identity", credentials("password"))
    ws.run("init")

    ws.run("apply", "-auto-approve")
    ws.plan_is_clean()

    out = ws.outputs()
    project, key = out["project"], out["key"]
    region = emulator.get("/v3/projects?name=eu-de").json()["projects"][0]
    assert project["name"] == "eu-de_tf1"
    assert project["parent_id"] == region["id"] and project["domain_id"] == region["domain_id"]
    assert project["enabled"] is True
    assert key["status"] == "active" and key["user_id"]
    r = emulator.get(f"/v3/projects/{project['id']}")
    assert r.status_code == 200, r.text
    assert r.json()["project"]["description"] == "created by the terraform test"
    r = emulator.get(f"/v3.0/OS-CREDENTIAL/credentials/{key['id']}")
    assert r.status_code == 200, r.text
    assert r.json()["credential"]["description"] == "created by the terraform test"
    # The sub-project takes tokens: it is a project like the region's.
    assert emulator.token("eu-de_tf1")[1] == project["id"]

    # Descriptions change in place: nothing is replaced.
    update = ("-var", "description=updated by the terraform test")
    plan = ws.run("plan", *update)
    assert "0 to add" in plan.stdout and "0 to destroy" in plan.stdout, plan.stdout
    ws.run("apply", "-auto-approve", *update)
    ws.plan_is_clean(*update)
    out = ws.outputs()
    assert out["project"]["id"] == project["id"] and out["key"]["id"] == key["id"], "the update replaced a resource"
    assert emulator.get(f"/v3/projects/{project['id']}").json()["project"]["description"] == "updated by the terraform test"
    assert (
        emulator.get(f"/v3.0/OS-CREDENTIAL/credentials/{key['id']}").json()["credential"]["description"]
        == "updated by the terraform test"
    )

    # Forget and import the project: the imported state plans clean. Not the
    # key: its secret is shown only when it is created, so an imported key
    # has none (against the real cloud too).
    ws.run("state", "rm", PROJECT)
    ws.run("import", *update, PROJECT, project["id"])
    ws.plan_is_clean(*update)

    ws.run("destroy", "-auto-approve", *update)
    assert ws.run("state", "list").stdout.strip() == ""
    r = emulator.get(f"/v3/projects/{project['id']}")
    assert r.status_code == 404, f"project still there after destroy: {r.status_code} {r.text}"
    r = emulator.get(f"/v3.0/OS-CREDENTIAL/credentials/{key['id']}")
    assert r.status_code == 404, f"access key still there after destroy: {r.status_code} {r.text}"
    names = [p["name"] for p in emulator.get("/v3/projects").json()["projects"]]
    assert "eu-de_tf1" not in names, names
    keys = [c["access"] for c in emulator.get("/v3.0/OS-CREDENTIAL/credentials").json()["credentials"]]
    assert key["id"] not in keys, keys
