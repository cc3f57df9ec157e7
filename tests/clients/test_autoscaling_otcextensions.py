"""otcextensions' Auto Scaling proxy (`conn.auto_scaling`) through the
whole workflow against the emulator: network, key pair, configuration,
group, resume, policy execution, instance removal, pause, delete."""

import uuid

import pytest
from otcextensions import sdk as otc_sdk

from helpers import sdk_connection


@pytest.fixture(scope="module")
def conn(emulator):
    c = sdk_connection(emulator)
    otc_sdk.register_otc_extensions(c)
    yield c
    c.close()


def _name(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


def test_auto_scaling_workflow(conn):
    vpc = conn.vpc.create_vpc(name=_name("as-vpc"), cidr="192.168.0.0/16")
    subnet = conn.vpc.create_subnet(name=_name("as-sub"), vpc_id=vpc.id, cidr="192.168.60.0/24", gateway_ip="192.168.60.1")
    key = conn.compute.create_keypair(name=_name("as-key"))
    image = conn.image.find_image("Standard_Debian_11_latest")
    config = conn.auto_scaling.create_config(
        _name("as-config"),
        instance_config={
            "flavorRef": "s3.medium.1", "imageRef": image.id, "key_name": key.name,
            "disk": [{"size": 10, "volume_type": "SATA", "disk_type": "SYS"}],
        },
    )
    assert config.id
    assert conn.auto_scaling.get_config(config.id).name == config.name

    group = conn.auto_scaling.create_group(
        name=_name("as-group"), scaling_configuration_id=config.id, router_id=vpc.id,
        networks=[{"id": subnet.id}], min_instance_number=0, max_instance_number=3, desire_instance_number=1,
    )
    conn.auto_scaling.resume_group(group)
    group = conn.auto_scaling.wait_for_group(group, interval=1, wait=30)
    assert group.status == "INSERVICE" and group.current_instance_number == 1

    policy = conn.auto_scaling.create_policy(
        name=_name("as-policy"), scaling_group_id=group.id, type="ALARM", alarm_id="al-emulator",
        scaling_policy_action={"operation": "ADD", "instance_number": 1},
    )
    conn.auto_scaling.execute_policy(policy)
    instances = list(conn.auto_scaling.instances(group))
    assert len(instances) == 2
    for inst in instances:
        server = conn.compute.get_server(inst.id)
        assert server.flavor["original_name"] == "s3.medium.1"
    activities = list(conn.auto_scaling.activities(group))
    assert len(activities) >= 2
    group_quotas = {q.type: q.used for q in conn.auto_scaling.quotas(group)}
    assert group_quotas == {"scaling_Policy": 1, "scaling_Instance": 2}

    conn.auto_scaling.update_group(group, max_instance_number=4, cool_down_time=120)
    assert conn.auto_scaling.get_group(group).max_instance_number == 4

    conn.auto_scaling.remove_instance(instances[0], delete_instance=True)
    assert len(list(conn.auto_scaling.instances(group))) == 1

    conn.auto_scaling.pause_group(group)
    assert conn.auto_scaling.get_group(group).status == "PAUSED"

    conn.auto_scaling.delete_policy(policy)
    conn.auto_scaling.delete_group(group, force_delete=True)
    conn.auto_scaling.wait_for_delete_group(group, interval=1, wait=30)
    conn.auto_scaling.delete_config(config)
    conn.vpc.delete_subnet(subnet)
    conn.vpc.delete_vpc(vpc)


def test_quotas_have_the_real_clouds_six_types(conn):
    # As otcextensions' own functional test expects them of OTC: the
    # reference's five and `load_balance`, in this order.
    quotas = list(conn.auto_scaling.quotas())
    assert [q.type for q in quotas] == [
        "scaling_Group", "scaling_Config", "scaling_Policy", "scaling_Instance", "load_balance", "bandwidth_scaling_policy",
    ]
    lb = next(q for q in quotas if q.type == "load_balance")
    assert (lb.used, lb.quota, lb.max) == (-1, 6, 6)
