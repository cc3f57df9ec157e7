"""openstacksdk and plain HTTP (requests) against the emulator's identity API."""

import uuid

import keystoneauth1.exceptions
import openstack
import openstack.exceptions
import pytest
import requests

from conftest import USERNAME
from helpers import password_auth_body, sdk_connection


_connect = sdk_connection


@pytest.fixture(scope="module")
def conn(emulator):
    c = _connect(emulator)
    yield c
    c.close()


def test_authorize_returns_token(conn):
    token = conn.authorize()
    assert isinstance(token, str) and token


def test_projects_listed(conn):
    names = {p.name for p in conn.identity.projects()}
    assert {"eu-de", "eu-nl"} <= names


def test_project_create_get_delete(conn):
    name = f"eu-de_sdk{uuid.uuid4().hex[:8]}"
    created = conn.identity.create_project(name=name)
    try:
        assert created.name == name
        assert created.id
        fetched = conn.identity.get_project(created.id)
        assert fetched.name == name
        assert fetched.id == created.id
        assert name in {p.name for p in conn.identity.projects()}
    finally:
        conn.identity.delete_project(created.id, ignore_missing=False)
    with pytest.raises(openstack.exceptions.NotFoundException):
        conn.identity.get_project(created.id)
    assert name not in {p.name for p in conn.identity.projects()}


def test_wrong_password_is_401(emulator):
    bad = _connect(emulator, password="not-the-password")
    try:
        # Connection.authorize() of openstacksdk 4.22 wraps keystoneauth's
        # error in a plain SDKException (its docstring promises an
        # HttpException); the 401 survives in the message.
        with pytest.raises(openstack.exceptions.SDKException) as info:
            bad.authorize()
        assert "401" in str(info.value)
        # A service call surfaces keystoneauth's own exception, with the status.
        with pytest.raises(
            (openstack.exceptions.HttpException, keystoneauth1.exceptions.http.Unauthorized)
        ) as info:
            list(bad.identity.projects())
        status = getattr(info.value, "status_code", None) or getattr(info.value, "http_status", None)
        assert status == 401
    finally:
        bad.close()


def test_scoped_to_eu_nl(emulator):
    c = _connect(emulator, project="eu-nl")
    try:
        assert c.authorize()
        access = c.session.auth.get_access(c.session)
        assert access.project_name == "eu-nl"
        assert c.current_project.name == "eu-nl"
        eu_nl = next(p for p in c.identity.projects() if p.name == "eu-nl")
        assert access.project_id == eu_nl.id
    finally:
        c.close()


# --- plain HTTP -------------------------------------------------------------


def test_version_discovery(emulator):
    r = requests.get(emulator.base_url + "/", timeout=10)
    assert r.status_code == 300
    assert r.json()["versions"]["values"][0]["id"] == "v3.6"


def test_issue_token_headers(emulator):
    r = requests.post(emulator.auth_url + "/auth/tokens", json=password_auth_body(), timeout=10)
    assert r.status_code == 201, r.text
    assert r.headers.get("X-Subject-Token")
    assert r.headers.get("X-Request-Id")
    body = r.json()["token"]
    assert body["project"]["name"] == "eu-de"
    assert body["user"]["name"] == USERNAME


def test_projects_without_token_is_401(emulator):
    r = requests.get(emulator.auth_url + "/projects", timeout=10)
    assert r.status_code == 401
    body = r.json()
    assert body["error_code"] == "IAM.0001"
    assert body["error"]["code"] == 401
    assert body["error_msg"]


def test_unknown_path_is_404(emulator):
    r = requests.get(emulator.base_url + "/nope", timeout=10)
    assert r.status_code == 404
    assert r.json()["error_code"] == "APIGW.0101"
