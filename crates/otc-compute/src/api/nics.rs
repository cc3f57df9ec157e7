//! Attaching and detaching a server's NICs: Nova's
//! `POST/DELETE /servers/{id}/os-interface[/{port_id}]` and ECS v1's batch
//! `cloudservers/{id}/nics` and `nics/delete` (jobs), with ECS's own NIC
//! listing `cloudservers/{id}/os-interface`. Every NIC is a port of the
//! network model ([`crate::model::nics`]): Neutron and VPC show it with
//! the server as its device.

use crate::api::ecs::{bad as ecs_bad, body, obj, opt_arr, opt_str};
use crate::api::nova::{body_obj, json_reply, microversion, versioned};
use crate::errors::{bad, ecs, ecs_fault, nova};
use crate::model::nics::MAX_NICS;
use crate::model::servers::NicSpec;
use crate::model::{Fault, Why};
use crate::Compute;
use otc_core::api::{Input, Reply};
use otc_core::{ApiError, ApiResult};
use otc_vpc::model::Port;
use serde_json::{json, Map, Value};

fn attachment_json(p: &Port) -> Value {
    json!({
        "port_state": p.status(),
        "fixed_ips": p.fixed_ips.iter().map(|f| json!({"subnet_id": f.subnet_id, "ip_address": f.ip_address})).collect::<Vec<_>>(),
        "net_id": p.network_id,
        "port_id": p.id,
        "mac_addr": p.mac_address,
    })
}

/// Nova's answers for an attach: a network or port that is not there is
/// its 404 (`NetworkNotFound`, `PortNotFound`), not the 400 a server
/// creation gives.
fn attach_fault(f: Fault) -> ApiError {
    match f {
        Fault::Invalid(Why::Network | Why::Port, m) => nova(Fault::NotFound(m)),
        other => nova(other),
    }
}

/// ECS's words for NIC refusals.
fn ecs_nic_fault(f: Fault) -> ApiError {
    match f {
        Fault::Quota(m) => ecs("Ecs.0050", m),
        Fault::Invalid(Why::SecurityGroup, m) | Fault::NotFound(m) if m.starts_with("Security group") => ecs("Ecs.0014", m),
        other => ecs_fault(other),
    }
}

impl Compute {
    pub fn attach_server_interface(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let id = input.param("server_id").to_string();
        let o = body_obj(input, "interfaceAttachment")?;
        let field = |k: &str| match o.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
            Some(v) => Err(bad(format!("Invalid input for field/attribute {k}. Value: {v}. {v} is not a valid UUID"))),
        };
        let (port_id, net_id) = (field("port_id")?, field("net_id")?);
        if port_id.is_some() && net_id.is_some() {
            return Err(bad("Must not input both network_id and port_id".into()));
        }
        if port_id.is_none() && net_id.is_none() {
            return Err(bad("Must input network_id or port_id".into()));
        }
        let fixed_ip = match o.get("fixed_ips") {
            None | Some(Value::Null) => None,
            Some(Value::Array(a)) if a.len() <= 1 => match a.first() {
                None => None,
                Some(Value::Object(f)) => match f.get("ip_address") {
                    Some(Value::String(ip)) if ip.parse::<std::net::IpAddr>().is_ok() => Some(ip.clone()),
                    Some(v) => {
                        return Err(bad(format!("Invalid input for field/attribute ip_address. Value: {v}. {v} is not a 'ip-address'")))
                    }
                    None => return Err(bad("Invalid input for field/attribute fixed_ips. 'ip_address' is a required property".into())),
                },
                Some(v) => {
                    return Err(bad(format!("Invalid input for field/attribute fixed_ips. Value: {v}. {v} is not of type 'object'")))
                }
            },
            Some(v) => {
                return Err(bad(format!("Invalid input for field/attribute fixed_ips. Value: {v}. At most one fixed IP is allowed")))
            }
        };
        if port_id.is_some() && fixed_ip.is_some() {
            // Nova takes a port's own addresses; a fixed IP beside a port is its 400.
            return Err(bad("Must not input both fixed_ips and port_id".into()));
        }
        let nic = NicSpec { network_id: net_id, port_id, fixed_ip };
        let port = self.run(input.ctx()?, |m| m.attach_interface(&id, &nic, None).map(|(_, p)| p)).map_err(attach_fault)?;
        json_reply(200, &json!({"interfaceAttachment": attachment_json(&port)}), mv)
    }

    pub fn detach_server_interface(&self, input: &Input<'_>, v2: bool) -> ApiResult<Reply> {
        let mv = microversion(input, v2)?;
        let id = input.param("server_id").to_string();
        let port_id = input.param("port_id").to_string();
        self.call(input, |m| m.detach_interface(&id, &port_id).map(|_| ()))?;
        Ok(versioned(Reply::empty(202), mv))
    }

    // --- ECS v1 ---------------------------------------------------------------------------

    /// ECS's NIC listing, with how many more NICs the server takes.
    pub fn ecs_list_interfaces(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("server_id").to_string();
        let (server, ports) = self
            .run(input.ctx()?, |m| {
                let s = m.server(&id)?;
                let ports = m.ports_of(&s)?;
                Ok((s, ports))
            })
            .map_err(ecs_fault)?;
        let list: Vec<Value> = ports
            .iter()
            .map(|p| {
                let mut v = attachment_json(p);
                let owned = server.nics.iter().any(|n| n.port_id == p.id && n.owned);
                let o = v.as_object_mut().expect("object");
                o.insert("delete_on_termination".into(), json!(owned));
                for k in ["driver_mode", "min_rate", "multiqueue_num", "pci_address"] {
                    o.insert(k.into(), Value::Null);
                }
                v
            })
            .collect();
        Reply::json(
            200,
            &json!({"attachableQuantity": {"free_nic": MAX_NICS.saturating_sub(ports.len()), "free_efi_nic": 0}, "interfaceAttachments": list}),
        )
    }

    /// `{"nics": [...]}` of both batch operations: a non-empty array of objects.
    fn nic_list(o: &Map<String, Value>) -> ApiResult<Vec<Map<String, Value>>> {
        let list = opt_arr(o, "nics")?.ok_or_else(|| ecs_bad("nics is mandatory."))?;
        if list.is_empty() {
            return Err(ecs_bad("nics must not be empty."));
        }
        list.iter().map(|v| obj(v, "nics item").cloned()).collect()
    }

    /// Adds NICs in the server's VPC (ECS subnets: Neutron networks), all
    /// or none, and hands out the job.
    pub fn ecs_add_nics(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("server_id").to_string();
        let o = body(input)?;
        let mut wanted = Vec::new();
        for n in Self::nic_list(&o)? {
            let subnet_id = opt_str(&n, "subnet_id")?.filter(|s| !s.is_empty()).ok_or_else(|| ecs_bad("subnet_id is mandatory."))?;
            let ip = opt_str(&n, "ip_address")?;
            if let Some(ip) = &ip {
                if ip.parse::<std::net::Ipv4Addr>().is_err() {
                    return Err(ecs_bad(format!("ip_address {ip} is not an IPv4 address.")));
                }
            }
            let groups = match opt_arr(&n, "security_groups")? {
                None => None,
                Some(a) => Some(
                    a.iter()
                        .map(|g| opt_str(obj(g, "security_groups item")?, "id")?.ok_or_else(|| ecs_bad("security_groups.id is mandatory.")))
                        .collect::<ApiResult<Vec<String>>>()?,
                ),
            };
            wanted.push((subnet_id, ip, groups));
        }
        let job = self
            .run(input.ctx()?, |m| {
                let s = m.server(&id)?;
                let primary = m.ports_of(&s)?.into_iter().next();
                let vpc = match &primary {
                    Some(p) => m.net.network(&p.network_id)?.vpc_id,
                    None => None,
                };
                for (subnet_id, ip, groups) in &wanted {
                    let vs = m
                        .net
                        .vpc_subnet(subnet_id)
                        .map_err(|_| Fault::Invalid(Why::Network, format!("Subnet {subnet_id} does not exist.")))?;
                    if vpc.is_some() && vs.network.vpc_id != vpc {
                        return Err(Fault::Invalid(
                            Why::SecurityGroup,
                            format!("Security group or subnet {subnet_id} is not in the VPC of the ECS."),
                        ));
                    }
                    let nic = NicSpec { network_id: Some(subnet_id.clone()), port_id: None, fixed_ip: ip.clone() };
                    m.attach_interface(&id, &nic, groups.clone())?;
                }
                m.submit_work_job("attachNics", "attachSingleNic", self.cfg.action_seconds, &id)
            })
            .map_err(|f| match f {
                Fault::Invalid(Why::SecurityGroup, m) if m.starts_with("Security group or subnet") => ecs("Ecs.0014", m),
                other => ecs_nic_fault(other),
            })?;
        Reply::json(200, &json!({"job_id": job.id}))
    }

    /// Deletes NICs by port id, all or none; the primary NIC stays.
    pub fn ecs_delete_nics(&self, input: &Input<'_>) -> ApiResult<Reply> {
        let id = input.param("server_id").to_string();
        let o = body(input)?;
        let ports = Self::nic_list(&o)?
            .iter()
            .map(|n| opt_str(n, "id")?.filter(|s| !s.is_empty()).ok_or_else(|| ecs_bad("nics.id is mandatory.")))
            .collect::<ApiResult<Vec<String>>>()?;
        let job = self
            .run(input.ctx()?, |m| {
                for p in &ports {
                    m.detach_interface(&id, p)?;
                }
                m.submit_work_job("detachNics", "detachSingleNic", self.cfg.action_seconds, &id)
            })
            .map_err(|f| match f {
                Fault::NotFound(m) if m.starts_with("Port") => ecs("Ecs.0085", m),
                Fault::Invalid(Why::Port, m) => ecs("Ecs.0005", m),
                other => ecs_fault(other),
            })?;
        Reply::json(200, &json!({"job_id": job.id}))
    }
}

/// The routes of this module and of the other server-management
/// additions (security groups, floating IPs, image delete, status
/// management): Nova ones under `/v2/` and `/v2.1/`, ECS ones as given.
pub(crate) mod routes {
    use crate::Compute;
    use otc_core::api::{handler, Access::Project, Family, Input, Op, Reply};
    use otc_core::ApiResult;
    use std::sync::Arc;

    pub type NovaFn = fn(&Compute, &Input<'_>, bool) -> ApiResult<Reply>;
    type EcsFn = fn(&Compute, &Input<'_>) -> ApiResult<Reply>;

    /// One Nova route under both versions.
    macro_rules! both {
        ($m:expr, $tail:literal, $f:expr) => {
            ($m, concat!("/v2/{project_id}", $tail), concat!("/v2.1/{project_id}", $tail), $f as NovaFn)
        };
    }

    /// (method, v2 path, v2.1 path, handler).
    pub fn nova() -> Vec<(&'static str, &'static str, &'static str, NovaFn)> {
        vec![
            both!("GET", "/os-security-groups", Compute::list_security_groups),
            both!("POST", "/os-security-groups", Compute::create_security_group),
            both!("GET", "/os-security-groups/{security_group_id}", Compute::show_security_group),
            both!("PUT", "/os-security-groups/{security_group_id}", Compute::update_security_group),
            both!("DELETE", "/os-security-groups/{security_group_id}", Compute::delete_security_group),
            both!("POST", "/os-security-group-rules", Compute::create_security_group_rule),
            both!("DELETE", "/os-security-group-rules/{security_group_rule_id}", Compute::delete_security_group_rule),
            both!("GET", "/servers/{server_id}/os-security-groups", Compute::server_security_groups),
            both!("GET", "/os-floating-ip-pools", Compute::list_floating_ip_pools),
            both!("GET", "/os-floating-ips", Compute::list_floating_ips),
            both!("POST", "/os-floating-ips", Compute::create_floating_ip),
            both!("GET", "/os-floating-ips/{floating_ip_id}", Compute::show_floating_ip),
            both!("DELETE", "/os-floating-ips/{floating_ip_id}", Compute::delete_floating_ip),
            both!("DELETE", "/images/{image_id}", Compute::delete_image),
            both!("POST", "/servers/{server_id}/os-interface", Compute::attach_server_interface),
            both!("DELETE", "/servers/{server_id}/os-interface/{port_id}", Compute::detach_server_interface),
        ]
    }

    pub fn ecs(s: &Arc<Compute>) -> Vec<Op> {
        let routes: [(&'static str, &'static str, EcsFn); 7] = [
            ("GET", "/v1/{project_id}/cloudservers/{server_id}/os-interface", Compute::ecs_list_interfaces),
            ("POST", "/v1/{project_id}/cloudservers/{server_id}/nics", Compute::ecs_add_nics),
            ("POST", "/v1/{project_id}/cloudservers/{server_id}/nics/delete", Compute::ecs_delete_nics),
            ("POST", "/v1/{project_id}/cloudservers/{server_id}/resize", Compute::ecs_resize),
            ("POST", "/v1/{project_id}/cloudservers/{server_id}/migrate", Compute::ecs_migrate),
            ("POST", "/v2/{project_id}/cloudservers/{server_id}/changeos", Compute::ecs_change_os),
            ("POST", "/v2/{project_id}/cloudservers/{server_id}/reinstallos", Compute::ecs_reinstall_os),
        ];
        routes.into_iter().map(|(m, p, f)| Op::new(m, p, Project, Family::Ecs, handler(s, f))).collect()
    }
}
