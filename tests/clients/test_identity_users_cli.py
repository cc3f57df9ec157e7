"""python-openstackclient's `openstack user ...` and `openstack group ...`
against the emulator's IAM user management: a created user logs in with
its password, sees no project until it joins the `admin` group, and its
tokens end with it."""

import uuid

import requests

from conftest import DOMAIN


def _user_token(emulator, name, password, project=None):
    body = {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {"user": {"name": name, "password": password, "domain": {"name": DOMAIN}}},
            }
        }
    }
    if project:
        body["auth"]["scope"] = {"project": {"name": project, "domain": {"name": DOMAIN}}}
    return requests.post(emulator.auth_url + "/auth/tokens", json=body, timeout=10)


def test_user_lifecycle(openstack, emulator):
    name = f"cli-{uuid.uuid4().hex[:8]}"
    created = openstack("user", "create", "--password", "Secret123", "--description", "from the CLI", name, "-f", "json").data
    assert created["name"] == name
    assert created["enabled"] is True
    user_id = created["id"]

    shown = openstack("user", "show", name, "-f", "json").data
    assert shown["id"] == user_id
    assert shown["description"] == "from the CLI"

    again = openstack("user", "create", "--password", "Secret123", name, "-f", "json", check=False)
    assert again.returncode != 0
    assert "409" in again.output or "Conflict" in again.output, again.output
    or_show = openstack("user", "create", "--or-show", "--password", "Secret123", name, "-f", "json").data
    assert or_show["id"] == user_id

    openstack("user", "set", "--description", "changed", "--email", "cli@example.com", name)
    assert openstack("user", "show", user_id, "-f", "json").data["description"] == "changed"

    # Without a role the user gets an unscoped token but no project.
    assert _user_token(emulator, name, "Secret123").status_code == 201
    refused = _user_token(emulator, name, "Secret123", project="eu-de")
    assert refused.status_code == 401, refused.text

    # In the admin group it works in the project.
    openstack("group", "add", "user", "admin", name)
    members = openstack("user", "list", "--group", "admin", "-f", "json").data
    assert name in {row["Name"] for row in members}, members
    scoped = _user_token(emulator, name, "Secret123", project="eu-de")
    assert scoped.status_code == 201, scoped.text
    token = scoped.headers["X-Subject-Token"]
    listing = openstack(
        "user", "list", "-f", "json",
        env={"OS_USERNAME": name, "OS_PASSWORD": "Secret123"},
    ).data
    assert name in {row["Name"] for row in listing}
    openstack("group", "remove", "user", "admin", name)
    members = openstack("user", "list", "--group", "admin", "-f", "json").data
    assert name not in {row["Name"] for row in members}, members

    openstack("user", "set", "--password", "Better456", name)
    assert _user_token(emulator, name, "Secret123").status_code == 401
    assert _user_token(emulator, name, "Better456").status_code == 201

    openstack("user", "delete", name)
    gone = openstack("user", "show", user_id, "-f", "json", check=False)
    assert gone.returncode != 0
    r = requests.get(emulator.auth_url + "/auth/projects", headers={"X-Auth-Token": token}, timeout=10)
    assert r.status_code == 401, "the deleted user's token ended with it"
