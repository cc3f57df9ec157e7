"""python-openstackclient (the `openstack` CLI) against the emulator's identity API."""

import uuid

import requests
import yaml

from conftest import DOMAIN, PASSWORD, REGION, USERNAME
from helpers import issue_token


def _names(rows):
    return {row["Name"] for row in rows}


def test_token_issue_matches_project(openstack):
    token = openstack("token", "issue", "-f", "json").data
    assert token["id"]
    assert token["user_id"]
    project = openstack("project", "show", "eu-de", "-f", "json").data
    assert project["name"] == "eu-de"
    assert token["project_id"] == project["id"]


def test_catalog_lists_identity(openstack, emulator):
    catalog = openstack("catalog", "list", "-f", "json").data
    identity = [s for s in catalog if s["Type"] == "identity"]
    assert len(identity) == 1, catalog
    endpoints = identity[0]["Endpoints"]
    in_region = [e for e in endpoints if e["region"] == REGION]
    assert in_region, endpoints
    for e in in_region:
        assert e["url"].rstrip("/").endswith("/v3"), e
        assert e["url"].startswith(emulator.base_url), e


def test_project_list_has_region_projects(openstack):
    names = _names(openstack("project", "list", "-f", "json").data)
    assert {"eu-de", "eu-nl"} <= names


def test_project_lifecycle(openstack):
    name = f"eu-de_cli{uuid.uuid4().hex[:8]}"

    created = openstack("project", "create", name, "-f", "json").data
    assert created["name"] == name
    assert created["id"]

    shown = openstack("project", "show", name, "-f", "json").data
    assert shown["id"] == created["id"]
    assert shown["name"] == name

    assert name in _names(openstack("project", "list", "-f", "json").data)

    again = openstack("project", "create", name, "-f", "json", check=False)
    assert again.returncode != 0
    assert "409" in again.output or "Conflict" in again.output, again.output

    openstack("project", "delete", name)
    assert name not in _names(openstack("project", "list", "-f", "json").data)


def test_token_revoke(openstack, emulator):
    token = openstack("token", "issue", "-f", "json").data["id"]
    openstack("token", "revoke", token)

    # Check with a separate, valid token that the revoked one is gone.
    checker, _ = issue_token(emulator.auth_url)
    r = requests.head(
        emulator.auth_url + "/auth/tokens",
        headers={"X-Auth-Token": checker, "X-Subject-Token": token},
        timeout=10,
    )
    assert r.status_code == 404
    r = requests.get(emulator.auth_url + "/projects", headers={"X-Auth-Token": token}, timeout=10)
    assert r.status_code == 401


def test_wrong_password_fails(openstack):
    result = openstack("token", "issue", "-f", "json", env={"OS_PASSWORD": "not-the-password"}, check=False)
    assert result.returncode != 0
    assert "401" in result.output, result.output


def test_clouds_yaml(openstack, emulator, tmp_path):
    clouds = {
        "clouds": {
            "emulator": {
                "auth": {
                    "auth_url": emulator.auth_url,
                    "username": USERNAME,
                    "password": PASSWORD,
                    "user_domain_name": DOMAIN,
                    "project_name": REGION,
                    "project_domain_name": DOMAIN,
                },
                "region_name": REGION,
                "interface": "public",
                "identity_api_version": 3,
            }
        }
    }
    path = tmp_path / "clouds.yaml"
    path.write_text(yaml.safe_dump(clouds))
    # Only the cloud entry may configure the client: drop every OS_* variable.
    env = {k: None for k in emulator.env if k.startswith("OS_")}
    env["OS_CLIENT_CONFIG_FILE"] = str(path)
    result = openstack("--os-cloud", "emulator", "project", "list", "-f", "json", env=env)
    assert {"eu-de", "eu-nl"} <= _names(result.data)
