"""MRS clusters through the Huawei Cloud SDK (huaweicloudsdkmrs v1 and v2),
signing with the default admin access key: a cluster created with v1.1
run-job-flow and one with v2, waited for, their hosts (the servers the
ECS API lists), a resize, a rename, deletion; and the documented refusal
as the SDK raises it. Jobs are not served yet."""

import time

import pytest
import requests
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException

from helpers import issue_token

# Listed in requirements.txt; a virtualenv made before it was added lacks it
# (pip install huaweicloudsdkmrs==3.1.219): skipped, visibly, rather than
# breaking the collection of every other client test.
pytest.importorskip("huaweicloudsdkmrs")
from huaweicloudsdkmrs import v1 as mrs1  # noqa: E402
from huaweicloudsdkmrs import v2 as mrs2  # noqa: E402

# The default admin key the emulator bootstraps (README, "Identity").
AK = "OTCEMULATORADMINKEY1"
SK = "EmulatorSecretKeyOfTheDefaultAdminUser01"


@pytest.fixture(scope="module")
def project(emulator):
    token, r = issue_token(emulator.auth_url)
    return {"token": token, "id": r.json()["token"]["project"]["id"]}


def clients(emulator, project_id):
    creds = BasicCredentials(AK, SK, project_id)
    # MRS is reached on its own prefix (the host root of mrs.<region>...).
    endpoint = [emulator.base_url + "/mrs"]
    v1 = mrs1.MrsClient.new_builder().with_credentials(creds).with_endpoints(endpoint).build()
    v2 = mrs2.MrsClient.new_builder().with_credentials(creds).with_endpoints(endpoint).build()
    return v1, v2


def api(emulator, project, method, path, body=None):
    r = requests.request(
        method, emulator.base_url + path.replace("{pid}", project["id"]), headers={"X-Auth-Token": project["token"]}, json=body, timeout=10
    )
    assert r.status_code < 300, r.text
    return r.json() if r.text else None


@pytest.fixture(scope="module")
def network(emulator, project):
    vpc = api(emulator, project, "POST", "/v1/{pid}/vpcs", {"vpc": {"name": "mrs-sdk-vpc", "cidr": "192.168.0.0/16"}})["vpc"]
    subnet = api(
        emulator, project, "POST", "/v1/{pid}/subnets",
        {"subnet": {"name": "mrs-sdk-subnet", "cidr": "192.168.3.0/24", "gateway_ip": "192.168.3.1", "vpc_id": vpc["id"]}},
    )["subnet"]
    api(emulator, project, "POST", "/v2.1/{pid}/os-keypairs", {"keypair": {"name": "mrs-sdk-key"}})
    return vpc, subnet


def wait_running(v1, cluster_id):
    deadline = time.time() + 30
    while True:
        c = v1.show_cluster_details(mrs1.ShowClusterDetailsRequest(cluster_id=cluster_id)).cluster
        if c.cluster_state == "running":
            return c
        assert c.cluster_state in ("starting", "scaling-out", "scaling-in") and time.time() < deadline, c.cluster_state
        time.sleep(0.2)


def servers_of(emulator, project, cluster_id):
    servers = api(emulator, project, "GET", "/v2.1/{pid}/servers/detail")["servers"]
    return {s["id"] for s in servers if s["metadata"].get("cluster_id") == cluster_id}


def test_v1_cluster_lifecycle(emulator, project, network):
    vpc, subnet = network
    v1, _ = clients(emulator, project["id"])
    body = mrs1.CreateClusterReqV11(
        cluster_version="MRS 3.2.0-LTS.2", cluster_name="sdk-v1", master_node_num=1, core_node_num=3, billing_type=12,
        data_center="eu-de", vpc=vpc["name"], vpc_id=vpc["id"], subnet_id=subnet["id"], subnet_name=subnet["name"],
        master_node_size="s3.xlarge.4.linux.mrs", core_node_size="s3.xlarge.4.linux.mrs", available_zone_id="eu-de-01",
        component_list=[mrs1.ComponentAmbV11(component_name="Hadoop"), mrs1.ComponentAmbV11(component_name="Spark2x")],
        volume_type="SAS", volume_size=100, node_public_cert_name="mrs-sdk-key", cluster_admin_secret="Mrs@12345",
        safe_mode=0, login_mode=1, tags=[mrs1.Tag(key="sdk", value="v1")],
    )
    created = v1.create_cluster(mrs1.CreateClusterRequest(body=body))
    cluster_id = created.cluster_id
    assert created.result is True
    c = wait_running(v1, cluster_id)
    assert (c.cluster_name, c.master_node_num, c.core_node_num, c.tags) == ("sdk-v1", "1", "3", "sdk=v1")

    hosts = v1.list_hosts(mrs1.ListHostsRequest(cluster_id=cluster_id, page_size="100", current_page="1"))
    assert hosts.total == 4
    assert {h.id for h in hosts.hosts} == servers_of(emulator, project, cluster_id)

    scaling = mrs1.ClusterScalingReq(
        parameters=mrs1.ClusterScalingParams(scale_type="scale_out", node_id="node_orderadd", instances=1, skip_bootstrap_scripts="false")
    )
    r = v1.update_cluster_scaling(mrs1.UpdateClusterScalingRequest(cluster_id=cluster_id, body=scaling))
    assert r.result == "succeeded"
    assert wait_running(v1, cluster_id).core_node_num == "4"
    assert len(servers_of(emulator, project, cluster_id)) == 5

    # A duplicate name: the documented code, as the SDK raises it.
    with pytest.raises(ClientRequestException) as e:
        v1.create_cluster(mrs1.CreateClusterRequest(body=body))
    assert (e.value.status_code, e.value.error_code) == (400, "12000043")

    v1.delete_cluster(mrs1.DeleteClusterRequest(cluster_id=cluster_id))
    c = v1.show_cluster_details(mrs1.ShowClusterDetailsRequest(cluster_id=cluster_id)).cluster
    assert c.cluster_state in ("terminating", "terminated")
    assert servers_of(emulator, project, cluster_id) == set()


def test_v2_create_and_rename(emulator, project, network):
    vpc, subnet = network
    v1, v2 = clients(emulator, project["id"])
    root = mrs2.Volume(type="SAS", size=480)
    groups = [
        mrs2.NodeGroupV2(group_name="master_node_default_group", node_num=1, node_size="s3.xlarge.4.linux.mrs",
                         root_volume=root, data_volume=mrs2.Volume(type="SAS", size=600), data_volume_count=1),
        mrs2.NodeGroupV2(group_name="core_node_analysis_group", node_num=2, node_size="s3.xlarge.4.linux.mrs",
                         root_volume=root, data_volume=mrs2.Volume(type="SAS", size=600), data_volume_count=1),
    ]
    body = mrs2.CreateClusterReqV2(
        cluster_version="MRS 3.3.0-LTS.1", cluster_name="sdk-v2", cluster_type="ANALYSIS", region="eu-de",
        vpc_name=vpc["name"], subnet_name=subnet["name"], subnet_id=subnet["id"], components="Hadoop,Spark,Hive",
        availability_zone="eu-de-02", safe_mode="SIMPLE", manager_admin_password="Mrs@12345", login_mode="PASSWORD",
        node_root_password="Root-1234", node_groups=groups,
    )
    cluster_id = v2.create_cluster(mrs2.CreateClusterRequest(body=body)).cluster_id
    c = wait_running(v1, cluster_id)
    assert (c.total_node_num, c.az_id) == ("3", "eu-de-02")
    assert len(servers_of(emulator, project, cluster_id)) == 3

    r = v2.update_cluster_name(
        mrs2.UpdateClusterNameRequest(cluster_id=cluster_id, body=mrs2.UpdateClusterReq(cluster_name="sdk-v2-renamed"))
    )
    assert r.result == "succeeded"
    assert v1.show_cluster_details(mrs1.ShowClusterDetailsRequest(cluster_id=cluster_id)).cluster.cluster_name == "sdk-v2-renamed"

    # Jobs v2 (settle times 0: a job is FINISHED when read).
    job = mrs2.JobExecution(job_type="SparkSubmit", job_name="sdk-job", arguments=["--class", "Main", "obs://b/app.jar"],
                            properties={"fs.obs.endpoint": "obs.example"})
    submitted = v2.create_execute_job(mrs2.CreateExecuteJobRequest(cluster_id=cluster_id, body=job)).job_submit_result
    assert submitted.state == "COMPLETE"
    detail = v2.show_single_job_exe(
        mrs2.ShowSingleJobExeRequest(cluster_id=cluster_id, job_execution_id=submitted.job_id)).job_detail
    assert (detail.job_state, detail.job_result, detail.arguments) == ("FINISHED", "SUCCEEDED", "[--class, Main, obs://b/app.jar]")
    listed = v2.show_job_exe_list_new(mrs2.ShowJobExeListNewRequest(cluster_id=cluster_id, job_type="SparkSubmit", limit=5))
    assert (listed.total_record, [j.job_id for j in listed.job_list]) == (1, [submitted.job_id])
    with pytest.raises(ClientRequestException) as e:
        v2.stop_job(mrs2.StopJobRequest(cluster_id=cluster_id, job_execution_id=submitted.job_id))
    assert e.value.error_code == "0160"
    v2.batch_delete_jobs(mrs2.BatchDeleteJobsRequest(cluster_id=cluster_id, body=mrs2.JobBatchDelete(job_id_list=[submitted.job_id])))
    assert v2.show_job_exe_list_new(mrs2.ShowJobExeListNewRequest(cluster_id=cluster_id)).total_record == 0

    v1.delete_cluster(mrs1.DeleteClusterRequest(cluster_id=cluster_id))
    assert servers_of(emulator, project, cluster_id) == set()
