"""python-openstackclient's FWaaS v2 commands (`openstack firewall group
rule|policy|...`) against the emulator: rules, an ordered policy, a group
bound to a router interface, the in-use refusals and deletion."""

import uuid


def _name(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


def _f(d, column):
    """A field of OSC's `-f json` output, which uses display names."""
    return d[column]


def test_firewall_rules_policies_and_groups(openstack):
    net, sub, router = _name("fwnet"), _name("fwsub"), _name("fwrouter")
    r1, r2, pol, grp = _name("r1"), _name("r2"), _name("pol"), _name("grp")

    rule1 = openstack(
        "firewall", "group", "rule", "create", "--name", r1, "--protocol", "tcp",
        "--destination-port", "22", "--action", "allow", "-f", "json",
    ).data
    assert _f(rule1, "Protocol") == "tcp" and _f(rule1, "Action") == "allow" and _f(rule1, "Destination Port") == "22"
    # `--protocol any` reaches the API as null and reads back as any.
    rule2 = openstack("firewall", "group", "rule", "create", "--name", r2, "--protocol", "any", "--action", "deny", "-f", "json").data
    assert _f(rule2, "Protocol") in (None, "", "any")
    listed = {r["ID"] for r in openstack("firewall", "group", "rule", "list", "-f", "json").data}
    assert {_f(rule1, "ID"), _f(rule2, "ID")} <= listed

    policy = openstack("firewall", "group", "policy", "create", pol, "--firewall-rule", r1, "-f", "json").data
    assert _f(policy, "Firewall Rules") == [_f(rule1, "ID")]
    openstack("firewall", "group", "policy", "add", "rule", pol, r2, "--insert-before", r1)
    shown = openstack("firewall", "group", "policy", "show", pol, "-f", "json").data
    assert _f(shown, "Firewall Rules") == [_f(rule2, "ID"), _f(rule1, "ID")]
    busy = openstack("firewall", "group", "rule", "delete", r1, check=False)
    assert busy.returncode != 0 and "being used" in busy.output, busy.output

    openstack("network", "create", net)
    openstack("subnet", "create", sub, "--network", net, "--subnet-range", "10.46.0.0/24", "--gateway", "10.46.0.1")
    openstack("router", "create", router)
    openstack("router", "add", "subnet", router, sub)
    iface = openstack("port", "list", "--router", router, "-f", "json").data[0]["ID"]

    group = openstack(
        "firewall", "group", "create", "--name", grp, "--ingress-firewall-policy", pol,
        "--egress-firewall-policy", pol, "--port", iface, "-f", "json",
    ).data
    assert _f(group, "Status") in ("PENDING_CREATE", "ACTIVE") and _f(group, "Ports") == [iface]
    shown = openstack("firewall", "group", "show", grp, "-f", "json").data
    assert _f(shown, "Status") == "ACTIVE"
    assert grp in {g["Name"] for g in openstack("firewall", "group", "list", "-f", "json").data}
    assert openstack("firewall", "group", "policy", "delete", pol, check=False).returncode != 0
    assert openstack("router", "remove", "subnet", router, sub, check=False).returncode != 0

    openstack("firewall", "group", "unset", grp, "--port", iface)
    assert openstack("firewall", "group", "show", grp, "-f", "json").data["Status"] == "INACTIVE"
    openstack("firewall", "group", "delete", grp)
    openstack("firewall", "group", "policy", "remove", "rule", pol, r1)
    assert openstack("firewall", "group", "policy", "show", pol, "-f", "json").data["Firewall Rules"] == [_f(rule2, "ID")]
    openstack("firewall", "group", "policy", "delete", pol)
    openstack("firewall", "group", "rule", "delete", r1, r2)
    assert not {_f(rule1, "ID"), _f(rule2, "ID")} & {r["ID"] for r in openstack("firewall", "group", "rule", "list", "-f", "json").data}
    openstack("router", "remove", "subnet", router, sub)
    openstack("router", "delete", router)
    openstack("network", "delete", net)
