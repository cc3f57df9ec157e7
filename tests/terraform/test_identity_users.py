"""IAM users through Terraform (tests/terraform/identity_users): a user of
the OS-USER API in the admin group; apply, no drift, an in-place update,
import, destroy, nothing left."""

from conftest import DOMAIN, credentials

USER = "opentelekomcloud_identity_user_v3.user"
MEMBERSHIP = "opentelekomcloud_identity_group_membership_v3.admins"


def _members(emulator, group):
    r = emulator.get(f"/v3/groups/{group}/users")
    assert r.status_code == 200, r.text
    return {u["id"] for u in r.json()["users"]}


def test_identity_users_lifecycle(workspace, emulator):
    ws = workspace("identity_users", credentials("password"))
    ws.run("init")

    ws.run("apply", "-auto-approve")
    ws.plan_is_clean()

    out = ws.outputs()
    user, group = out["user"], out["group"]
    assert user["email"] == "tf-user@example.com" and user["enabled"] is True and user["domain_id"]
    r = emulator.get(f"/v3.0/OS-USER/users/{user['id']}")
    assert r.status_code == 200, r.text
    shown = r.json()["user"]
    assert shown["name"] == "tf-user" and shown["description"] == "created by the terraform test"
    assert shown["areacode"] == "0049"
    assert user["id"] in _members(emulator, group)
    # The user logs in with its password, into the project (it is an admin).
    r = emulator.post(
        "/v3/auth/tokens",
        {
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {"user": {"name": "tf-user", "password": "Terraform123", "domain": {"name": DOMAIN}}},
                },
                "scope": {"project": {"name": "eu-de"}},
            }
        },
    )
    assert r.status_code == 201, r.text

    # E-mail and description change in place.
    update = ("-var", "email=changed@example.com", "-var", "description=updated by the terraform test")
    plan = ws.run("plan", *update)
    assert "0 to add" in plan.stdout and "0 to destroy" in plan.stdout, plan.stdout
    ws.run("apply", "-auto-approve", *update)
    ws.plan_is_clean(*update)
    assert ws.outputs()["user"]["id"] == user["id"], "the update replaced the user"
    shown = emulator.get(f"/v3.0/OS-USER/users/{user['id']}").json()["user"]
    assert shown["email"] == "changed@example.com" and shown["description"] == "updated by the terraform test"

    # Forget and import the user. The password is never read back (against
    # the real cloud too), so the imported state lacks it and the plan sets
    # it again: that change alone. It is not applied: setting the password
    # it already has is refused (1108, "The new password must be different
    # from the old password"), by the real cloud as well.
    ws.run("state", "rm", USER)
    ws.run("import", *update, USER, user["id"])
    plan = ws.run("plan", "-detailed-exitcode", *update, check=False)
    assert plan.returncode == 2, plan.stdout + plan.stderr
    assert "0 to add, 1 to change, 0 to destroy" in plan.stdout, plan.stdout
    lines = [line.strip() for line in plan.stdout.splitlines()]
    attributes = [line.split()[1] for line in lines if line.startswith(("+ ", "~ ", "- ")) and " = " in line]
    assert attributes == ["password"], plan.stdout
    assert '~ resource "opentelekomcloud_identity_user_v3" "user" {' in lines, plan.stdout

    ws.run("destroy", "-auto-approve", *update)
    assert ws.run("state", "list").stdout.strip() == ""
    r = emulator.get(f"/v3.0/OS-USER/users/{user['id']}")
    assert r.status_code == 404, f"user still there after destroy: {r.status_code} {r.text}"
    assert user["id"] not in _members(emulator, group)
    names = [u["name"] for u in emulator.get("/v3/users").json()["users"]]
    assert "tf-user" not in names, names
