"""otcextensions' general-purpose file system proxy (`conn.sfs3`) against
the emulator: file systems are addressed as `<name>.<netloc of the sfs3
endpoint>` (the catalog gives `http://sfs3.eu-de.localhost:<port>`) and
signed with the OBS V1 signature under a temporary AK/SK the proxy mints
itself; tags go to the endpoint's own host under the token.

`*.localhost` is loopback (RFC 6761), and curl, browsers and glibc with
nss-myhostname or systemd-resolved resolve it so; a resolver that only
reads /etc/hosts (containers, this test's machine) does not. The fixture
below gives this process the same rule, as those resolvers would: names
under `localhost` resolve to 127.0.0.1, everything else as before.
"""

import importlib.util
import os
import socket
import subprocess
import sys
import uuid

import keystoneauth1.exceptions
import openstack.exceptions
import pytest
from otcextensions import sdk as otc_sdk

from helpers import sdk_connection


@pytest.fixture(scope="module")
def localhost_subdomains():
    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):
        if isinstance(host, str) and host.endswith(".localhost"):
            host = "127.0.0.1"
        return real(host, *args, **kwargs)

    socket.getaddrinfo = resolve
    yield
    socket.getaddrinfo = real


@pytest.fixture(scope="module")
def conn(emulator, localhost_subdomains):
    c = sdk_connection(emulator)
    otc_sdk.register_otc_extensions(c)
    yield c
    c.close()


def _name():
    return f"sfs3-{uuid.uuid4().hex[:8]}"


def test_endpoint_is_a_host_of_its_own(conn, emulator):
    port = emulator.base_url.rsplit(":", 1)[1]
    assert conn.sfs3.get_endpoint().rstrip("/") == f"http://sfs3.eu-de.localhost:{port}"


def test_file_system_lifecycle(conn):
    name = _name()
    conn.sfs3.create_filesystem(name)
    try:
        # Creating it again in the same region is a success, as documented.
        conn.sfs3.create_filesystem(name)
        fs = conn.sfs3.get_filesystem(name)
        assert fs is not None
        listed = {f.name: f for f in conn.sfs3.file_systems()}
        assert name in listed
        assert listed[name].location == "eu-de"
        assert listed[name].bucket_type == "SFS"
        assert listed[name].created_at.endswith("Z")
    finally:
        conn.sfs3.delete_filesystem(name, ignore_missing=False)
    assert name not in {f.name for f in conn.sfs3.file_systems()}
    with pytest.raises(openstack.exceptions.NotFoundException):
        conn.sfs3.get_filesystem(name)
    with pytest.raises(openstack.exceptions.NotFoundException):
        conn.sfs3.delete_filesystem(name, ignore_missing=False)
    # ignore_missing (the default) swallows the 404.
    conn.sfs3.delete_filesystem(name)


def test_acl_set_get_delete(conn):
    vpc = conn.vpc.create_vpc(name=_name(), cidr="192.168.0.0/16")
    other = conn.vpc.create_vpc(name=_name(), cidr="10.0.0.0/8")
    name = _name()
    conn.sfs3.create_filesystem(name)
    try:
        assert conn.sfs3.get_acl(name) == []
        conn.sfs3.create_acl(
            name,
            [
                {"Sid": "rw", "Action": "FullControl", "Effect": "Allow", "Condition": {"SourceVpc": vpc.id}},
                {"Action": "Read", "Effect": "Allow", "Condition": {"SourceVpc": other.id, "VpcSourceIp": ["10.0.0.0/24"]}},
            ],
        )
        acl = conn.sfs3.get_acl(name)
        assert [(s["Sid"], s["Action"], s["Condition"]["SourceVpc"]) for s in acl] == [
            ("rw", "FullControl", vpc.id),
            ("", "Read", other.id),
        ]
        assert all(s["Effect"] == "Allow" for s in acl)
        # A VPC the caller does not have is refused, and the ACL is kept
        # (the ACL calls go through the keystoneauth session directly).
        with pytest.raises(keystoneauth1.exceptions.http.BadRequest):
            conn.sfs3.create_acl(
                name,
                [{"Action": "Read", "Effect": "Allow", "Condition": {"SourceVpc": str(uuid.uuid4())}}],
            )
        assert len(conn.sfs3.get_acl(name)) == 2
        conn.sfs3.delete_acl(name)
        assert conn.sfs3.get_acl(name) == []
    finally:
        conn.sfs3.delete_filesystem(name)
        conn.vpc.delete_vpc(vpc)
        conn.vpc.delete_vpc(other)


def test_tags(conn):
    first, second = _name(), _name()
    conn.sfs3.create_filesystem(first)
    conn.sfs3.create_filesystem(second)
    try:
        conn.sfs3.add_tags(first, [{"key": "env", "value": "prod"}, {"key": "team", "value": "storage"}])
        conn.sfs3.add_tags(second, [{"key": "env", "value": "dev"}])
        tags = conn.sfs3.get_tags(first)["tags"]
        assert sorted((t["key"], t["value"]) for t in tags) == [("env", "prod"), ("team", "storage")]
        project = {t["key"]: sorted(t["values"]) for t in conn.sfs3.get_project_tags()["tags"]}
        assert project["env"] == ["dev", "prod"] and project["team"] == ["storage"]

        found = conn.sfs3.filter_resources_by_tags(tags=[{"key": "env", "values": ["prod"]}])
        assert found["total_count"] == 1
        assert found["resources"][0]["resource_name"] == first
        both = conn.sfs3.filter_resources_by_tags(tags=[{"key": "env", "values": []}], limit=1)
        assert both["total_count"] == 2 and len(both["resources"]) == 1
        # Newest first.
        assert both["resources"][0]["resource_id"] == second
        assert conn.sfs3.count_resources_by_tags(matches=[{"key": "resource_name", "value": first}])["total_count"] == 1

        conn.sfs3.delete_tags(first, [{"key": "team"}, {"key": "missing"}])
        assert [t["key"] for t in conn.sfs3.get_tags(first)["tags"]] == ["env"]
        conn.sfs3.delete_tags(second, [{"key": "env", "value": "dev"}])
        assert conn.sfs3.count_resources_by_tags(without_any_tag=True)["total_count"] >= 1
    finally:
        conn.sfs3.delete_filesystem(first)
        conn.sfs3.delete_filesystem(second)


SITECUSTOMIZE = """
import socket
_real = socket.getaddrinfo
def _resolve(host, *args, **kwargs):
    if isinstance(host, str) and host.endswith(".localhost"):
        host = "127.0.0.1"
    return _real(host, *args, **kwargs)
socket.getaddrinfo = _resolve
"""


def test_otcextensions_own_functional_suite(emulator, tmp_path):
    """otcextensions ships the functional tests its authors run against the
    real cloud (`tests/functional/sdk/sfs3/v3`): create with an ACL on a
    fresh VPC, list, get, ACL, tags. They run here unchanged against the
    emulator, in a process of their own (cloud `otc` from a clouds.yaml,
    `*.localhost` resolved as above through a sitecustomize)."""
    suite = importlib.util.find_spec("otcextensions.tests.functional.sdk.sfs3.v3.test_file_system").origin
    clouds = tmp_path / "clouds.yaml"
    clouds.write_text(
        "clouds:\n  otc:\n    auth:\n"
        f"      auth_url: {emulator.auth_url}\n"
        "      username: admin\n      password: emulator\n      user_domain_name: emulator\n"
        "      project_name: eu-de\n      project_domain_name: emulator\n"
        "    region_name: eu-de\n    identity_api_version: 3\n"
    )
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    env = {k: v for k, v in emulator.env.items() if not k.startswith("OS_")}
    path = os.pathsep.join(p for p in [str(site), os.environ.get("PYTHONPATH", "")] if p)
    env.update({"OS_CLIENT_CONFIG_FILE": str(clouds), "OS_CLOUD": "otc", "PYTHONPATH": path})
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", suite],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
    )
    out = run.stdout + run.stderr
    assert run.returncode == 0, out
    assert "8 passed" in out and "skipped" not in out, out
