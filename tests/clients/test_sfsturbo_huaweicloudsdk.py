"""SFS Turbo through the Huawei Cloud SDK (huaweicloudsdksfsturbo), signing
with the default admin access key: a file system in a VPC, subnet and
security group made through the VPC APIs, shown and listed, expanded,
moved to another group, renamed, its client addresses, permission rules,
tags, quotas and jobs, refusals in SFS.TURBO codes, and deletion."""

import time

import pytest
import requests
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdksfsturbo.v1 import (
    ChangeSecurityGroup,
    ChangeSecurityGroupRequest,
    ChangeSecurityGroupRequestBody,
    ChangeShareNameReq,
    ChangeShareNameRequest,
    ClientIpInfo,
    CreatePermRuleRequest,
    CreatePermRulesRequestBody,
    CreateShareRequest,
    CreateShareRequestBody,
    CreateSharedTagRequest,
    CreateSharedTagRequestBody,
    DeletePermRuleRequest,
    DeleteShareRequest,
    ExpandShareRequest,
    ExpandShareRequestBody,
    Extend,
    ListPermRulesRequest,
    ListSharesRequest,
    ListSharedTagsRequest,
    OnePermRuleRequestInfo,
    ResourceTag,
    SFSTurboClient,
    Share,
    ShareName,
    ShowClientIpInfoRequest,
    ShowClientIpInfoRequestBody,
    ShowJobDetailRequest,
    ShowQuotaRequest,
    ShowShareRequest,
    ShowSharedTagsRequest,
)

from helpers import issue_token

# The default admin key the emulator bootstraps (README, "Identity").
AK = "OTCEMULATORADMINKEY1"
SK = "EmulatorSecretKeyOfTheDefaultAdminUser01"


@pytest.fixture(scope="module")
def project(emulator):
    token, r = issue_token(emulator.auth_url)
    return {"token": token, "id": r.json()["token"]["project"]["id"]}


@pytest.fixture(scope="module")
def client(emulator, project):
    return (
        SFSTurboClient.new_builder()
        .with_credentials(BasicCredentials(AK, SK, project["id"]))
        .with_endpoints([emulator.base_url])
        .build()
    )


def api(emulator, project, method, path, body=None):
    r = requests.request(
        method, emulator.base_url + path.replace("{pid}", project["id"]), headers={"X-Auth-Token": project["token"]}, json=body, timeout=10
    )
    assert r.status_code < 300, r.text
    return r.json() if r.text else None


def wait(client, share_id, pred, timeout=20):
    deadline = time.monotonic() + timeout
    while True:
        s = client.show_share(ShowShareRequest(share_id=share_id))
        if pred(s):
            return s
        assert time.monotonic() < deadline, f"file system {share_id} never got there: {s}"
        time.sleep(0.5)


def test_share_lifecycle(emulator, project, client):
    vpc = api(emulator, project, "POST", "/v1/{pid}/vpcs", {"vpc": {"name": "hws-turbo-vpc", "cidr": "10.70.0.0/16"}})["vpc"]["id"]
    sub = {"subnet": {"name": "hws-turbo-sn", "cidr": "10.70.1.0/24", "gateway_ip": "10.70.1.1", "vpc_id": vpc}}
    subnet = api(emulator, project, "POST", "/v1/{pid}/subnets", sub)["subnet"]["id"]
    sg = api(emulator, project, "POST", "/v1/{pid}/security-groups", {"security_group": {"name": "hws-turbo-sg"}})["security_group"]["id"]
    sg2 = api(emulator, project, "POST", "/v1/{pid}/security-groups", {"security_group": {"name": "hws-turbo-sg2"}})["security_group"]["id"]

    share = Share(
        name="hws-turbo", share_proto="NFS", share_type="PERFORMANCE", size=500, availability_zone="eu-de-02",
        vpc_id=vpc, subnet_id=subnet, security_group_id=sg, tags=[ResourceTag(key="env", value="test")],
    )
    created = client.create_share(CreateShareRequest(body=CreateShareRequestBody(share=share)))
    assert created.status == "100" and created.name == "hws-turbo"
    sid = created.id
    s = wait(client, sid, lambda s: s.status == "200")
    assert (s.size, s.share_type, s.availability_zone, s.security_group_id) == ("500.00", "PERFORMANCE", "eu-de-02", sg)
    listed = client.list_shares(ListSharesRequest())
    assert listed.count == 1 and listed.shares[0].id == sid

    client.expand_share(ExpandShareRequest(share_id=sid, body=ExpandShareRequestBody(extend=Extend(new_size=700))))
    s = wait(client, sid, lambda s: s.sub_status == "221")
    assert s.size == "700.00"
    body = ChangeSecurityGroupRequestBody(change_security_group=ChangeSecurityGroup(security_group_id=sg2))
    client.change_security_group(ChangeSecurityGroupRequest(share_id=sid, body=body))
    s = wait(client, sid, lambda s: s.sub_status == "232")
    assert s.security_group_id == sg2
    client.change_share_name(ChangeShareNameRequest(share_id=sid, body=ChangeShareNameReq(change_name=ShareName(name="hws-turbo-2"))))
    assert client.show_share(ShowShareRequest(share_id=sid)).name == "hws-turbo-2"
    ips = client.show_client_ip_info(ShowClientIpInfoRequest(share_id=sid, body=ShowClientIpInfoRequestBody(get_client_ips=ClientIpInfo())))
    assert ips.id == sid and ips.ips == []

    # Permission rules.
    rule = OnePermRuleRequestInfo(ip_cidr="10.70.0.0/16", rw_type="rw", user_type="no_root_squash")
    made = client.create_perm_rule(CreatePermRuleRequest(share_id=sid, body=CreatePermRulesRequestBody(rules=[rule])))
    rid = made.rules[0].id
    assert len(rid) == 32
    assert [r.ip_cidr for r in client.list_perm_rules(ListPermRulesRequest(share_id=sid)).rules] == ["10.70.0.0/16"]
    client.delete_perm_rule(DeletePermRuleRequest(share_id=sid, rule_id=rid))
    assert client.list_perm_rules(ListPermRulesRequest(share_id=sid)).rules == []

    # Tags, quotas.
    client.create_shared_tag(CreateSharedTagRequest(share_id=sid, body=CreateSharedTagRequestBody(tag=ResourceTag(key="team", value="a"))))
    tags = client.show_shared_tags(ShowSharedTagsRequest(share_id=sid)).tags
    assert {(t.key, t.value) for t in tags} == {("env", "test"), ("team", "a")}
    keys = client.list_shared_tags(ListSharedTagsRequest()).tags
    assert {t.key for t in keys} == {"env", "team"}
    quotas = {q.type: q for q in client.show_quota(ShowQuotaRequest()).quotas.resources}
    assert (quotas["shares"].used, quotas["capacity"].used) == (1, 700)

    # Refusals in SFS.TURBO codes.
    with pytest.raises(ClientRequestException) as e:
        client.expand_share(ExpandShareRequest(share_id=sid, body=ExpandShareRequestBody(extend=Extend(new_size=600))))
    assert e.value.status_code == 400
    with pytest.raises(ClientRequestException) as e:
        client.show_job_detail(ShowJobDetailRequest(job_id="0" * 32))
    assert e.value.status_code == 404

    # The job of a request is named by its request id.
    r = requests.delete(
        f"{emulator.base_url}/v1/{project['id']}/sfs-turbo/shares/{sid}", headers={"X-Auth-Token": project["token"]}, timeout=10
    )
    assert r.status_code == 202, r.text
    job = client.show_job_detail(ShowJobDetailRequest(job_id=r.headers["X-Request-Id"]))
    assert (job.job_type, job.status) == ("delete_share", "success")
    with pytest.raises(ClientRequestException) as e:
        client.show_share(ShowShareRequest(share_id=sid))
    assert e.value.status_code == 404
    with pytest.raises(ClientRequestException) as e:
        client.delete_share(DeleteShareRequest(share_id=sid))
    assert e.value.status_code == 404
    # The network it used is free again.
    api(emulator, project, "DELETE", f"/v1/{{pid}}/vpcs/{vpc}/subnets/{subnet}")
    for group in (sg, sg2):
        api(emulator, project, "DELETE", f"/v1/{{pid}}/security-groups/{group}")
    api(emulator, project, "DELETE", f"/v1/{{pid}}/vpcs/{vpc}")
