"""Small shared helpers for the client tests (plain HTTP against the emulator)."""

import openstack
import requests

from conftest import DOMAIN, PASSWORD, USERNAME


def password_auth_body(project="eu-de", password=PASSWORD):
    return {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {
                    "user": {"name": USERNAME, "password": password, "domain": {"name": DOMAIN}}
                },
            },
            "scope": {"project": {"name": project, "domain": {"name": DOMAIN}}},
        }
    }


def issue_token(auth_url, project="eu-de"):
    """A token from POST /v3/auth/tokens; returns (token, response)."""
    r = requests.post(auth_url + "/auth/tokens", json=password_auth_body(project), timeout=10)
    assert r.status_code == 201, r.text
    return r.headers["X-Subject-Token"], r


def sdk_connection(emulator, project="eu-de", password=PASSWORD):
    """An openstacksdk connection as the default user, scoped to `project`;
    nothing from the environment or a clouds.yaml takes part."""
    return openstack.connect(
        auth_url=emulator.auth_url,
        username=USERNAME,
        password=password,
        user_domain_name=DOMAIN,
        project_name=project,
        project_domain_name=DOMAIN,
        region_name=project.split("_", 1)[0],
        load_envvars=False,
        load_yaml_config=False,
    )
