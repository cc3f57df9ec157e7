//! IKE and IPsec policies of a connection: the documented enums, ranges
//! and defaults. A request carries a patch; creation applies it to the
//! defaults, an update to the stored policy (field by field, `dpd` too).
//!
//! Terraform sends `0` for every integer a user leaves out of an
//! `ikepolicy`/`ipsecpolicy`/`dpd` block, so an integer 0 means "not
//! given" here: refusing it would break every Terraform configuration.

use crate::errors::{invalid, vpn_error};
use crate::model::{Dpd, IkePolicy, IpsecPolicy};
use otc_core::ApiError;
use std::net::Ipv4Addr;

const AUTH_ALGORITHMS: &[&str] = &["sha2-512", "sha2-384", "sha2-256", "sha1", "md5"];
const ENCRYPTION_ALGORITHMS: &[&str] = &["aes-256-gcm-16", "aes-128-gcm-16", "aes-256", "aes-192", "aes-128", "3des"];
const DH_GROUPS: &[&str] = &["group1", "group2", "group5", "group14", "group15", "group16", "group19", "group20", "group21"];
const PFS: &[&str] = &["group1", "group2", "group5", "group14", "group15", "group16", "group19", "group20", "group21", "disable"];

#[derive(Debug, Clone, Default)]
pub struct DpdPatch {
    pub timeout: Option<i64>,
    pub interval: Option<i64>,
    pub msg: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct IkePatch {
    pub ike_version: Option<String>,
    pub phase1_negotiation_mode: Option<String>,
    pub authentication_algorithm: Option<String>,
    pub encryption_algorithm: Option<String>,
    pub dh_group: Option<String>,
    pub authentication_method: Option<String>,
    pub lifetime_seconds: Option<i64>,
    pub local_id_type: Option<String>,
    pub local_id: Option<String>,
    pub peer_id_type: Option<String>,
    pub peer_id: Option<String>,
    pub dpd: DpdPatch,
}

#[derive(Debug, Clone, Default)]
pub struct IpsecPatch {
    pub authentication_algorithm: Option<String>,
    pub encryption_algorithm: Option<String>,
    pub pfs: Option<String>,
    pub transform_protocol: Option<String>,
    pub lifetime_seconds: Option<i64>,
    pub encapsulation_mode: Option<String>,
}

pub fn default_ike() -> IkePolicy {
    IkePolicy {
        ike_version: "v2".into(),
        phase1_negotiation_mode: "main".into(),
        authentication_algorithm: "sha2-256".into(),
        encryption_algorithm: "aes-128".into(),
        dh_group: "group15".into(),
        authentication_method: "pre-share".into(),
        lifetime_seconds: 86400,
        local_id_type: "ip".into(),
        local_id: None,
        peer_id_type: "ip".into(),
        peer_id: None,
        dpd: Dpd { timeout: 15, interval: 30, msg: "seq-hash-notify".into() },
    }
}

pub fn default_ipsec() -> IpsecPolicy {
    IpsecPolicy {
        authentication_algorithm: "sha2-256".into(),
        encryption_algorithm: "aes-128".into(),
        pfs: "group15".into(),
        transform_protocol: "esp".into(),
        lifetime_seconds: 3600,
        encapsulation_mode: "tunnel".into(),
    }
}

/// Sets `to` from an enum value when one is given.
fn set_enum(to: &mut String, given: &Option<String>, field: &str, allowed: &[&str]) -> Result<(), ApiError> {
    if let Some(v) = given {
        if !allowed.contains(&v.as_str()) {
            return Err(invalid(format!("{field} {v} is invalid")));
        }
        to.clone_from(v);
    }
    Ok(())
}

/// Sets `to` from an integer in `min..=max`; 0 is "not given".
fn set_int(to: &mut i64, given: Option<i64>, field: &str, min: i64, max: i64) -> Result<(), ApiError> {
    match given {
        None | Some(0) => Ok(()),
        Some(v) if (min..=max).contains(&v) => {
            *to = v;
            Ok(())
        }
        Some(v) => Err(invalid(format!("{field} {v} is out of range {min}-{max}"))),
    }
}

/// `ip` is the only supported identity type (so the stored one never
/// changes); `fqdn` is documented as not supported yet.
fn check_id_type(given: &Option<String>, field: &str) -> Result<(), ApiError> {
    match given.as_deref() {
        None | Some("ip") => Ok(()),
        Some("fqdn") => Err(vpn_error("VPN.0013", &[&format!("{field} fqdn")])),
        Some(v) => Err(invalid(format!("{field} {v} is invalid"))),
    }
}

/// With type `ip`, an identity given must be an IPv4 address.
fn set_id(to: &mut Option<String>, given: &Option<String>) -> Result<(), ApiError> {
    if let Some(v) = given {
        v.parse::<Ipv4Addr>().map_err(|_| vpn_error("VPN.0203", &[]))?;
        *to = Some(v.clone());
    }
    Ok(())
}

impl DpdPatch {
    pub fn apply(&self, to: &mut Dpd) -> Result<(), ApiError> {
        set_int(&mut to.timeout, self.timeout, "dpd timeout", 2, 60)?;
        set_int(&mut to.interval, self.interval, "dpd interval", 10, 3600)?;
        set_enum(&mut to.msg, &self.msg, "dpd msg", &["seq-hash-notify", "seq-notify-hash"])
    }
}

impl IkePatch {
    /// Checks every given field and merges it into `to`.
    pub fn apply(&self, to: &mut IkePolicy) -> Result<(), ApiError> {
        set_enum(&mut to.ike_version, &self.ike_version, "ike_version", &["v1", "v2"])?;
        set_enum(&mut to.phase1_negotiation_mode, &self.phase1_negotiation_mode, "phase1_negotiation_mode", &["main", "aggressive"])?;
        set_enum(&mut to.authentication_algorithm, &self.authentication_algorithm, "ikepolicy authentication_algorithm", AUTH_ALGORITHMS)?;
        set_enum(&mut to.encryption_algorithm, &self.encryption_algorithm, "ikepolicy encryption_algorithm", ENCRYPTION_ALGORITHMS)?;
        set_enum(&mut to.dh_group, &self.dh_group, "dh_group", DH_GROUPS)?;
        set_enum(&mut to.authentication_method, &self.authentication_method, "authentication_method", &["pre-share"])?;
        set_int(&mut to.lifetime_seconds, self.lifetime_seconds, "ikepolicy lifetime_seconds", 60, 604800)?;
        check_id_type(&self.local_id_type, "local_id_type")?;
        check_id_type(&self.peer_id_type, "peer_id_type")?;
        set_id(&mut to.local_id, &self.local_id)?;
        set_id(&mut to.peer_id, &self.peer_id)?;
        self.dpd.apply(&mut to.dpd)
    }
}

impl IpsecPatch {
    /// Checks every given field and merges it into `to`.
    pub fn apply(&self, to: &mut IpsecPolicy) -> Result<(), ApiError> {
        set_enum(
            &mut to.authentication_algorithm,
            &self.authentication_algorithm,
            "ipsecpolicy authentication_algorithm",
            AUTH_ALGORITHMS,
        )?;
        set_enum(&mut to.encryption_algorithm, &self.encryption_algorithm, "ipsecpolicy encryption_algorithm", ENCRYPTION_ALGORITHMS)?;
        set_enum(&mut to.pfs, &self.pfs, "pfs", PFS)?;
        set_enum(&mut to.transform_protocol, &self.transform_protocol, "transform_protocol", &["esp"])?;
        set_int(&mut to.lifetime_seconds, self.lifetime_seconds, "ipsecpolicy lifetime_seconds", 30, 604800)?;
        set_enum(&mut to.encapsulation_mode, &self.encapsulation_mode, "encapsulation_mode", &["tunnel"])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_merge_and_zero_means_absent() {
        let mut ike = default_ike();
        let patch = IkePatch {
            lifetime_seconds: Some(0),
            dh_group: Some("group16".into()),
            dpd: DpdPatch { timeout: Some(0), interval: Some(60), msg: None },
            ..Default::default()
        };
        patch.apply(&mut ike).unwrap();
        assert_eq!((ike.lifetime_seconds, ike.dh_group.as_str(), ike.dpd.timeout, ike.dpd.interval), (86400, "group16", 15, 60));
        let mut ipsec = default_ipsec();
        IpsecPatch { lifetime_seconds: Some(3500), ..Default::default() }.apply(&mut ipsec).unwrap();
        assert_eq!((ipsec.lifetime_seconds, ipsec.pfs.as_str()), (3500, "group15"));
    }

    #[test]
    fn refusals() {
        let bad = |p: IkePatch| p.apply(&mut default_ike()).unwrap_err().code;
        assert_eq!(bad(IkePatch { ike_version: Some("v3".into()), ..Default::default() }), "VPN.0001");
        assert_eq!(bad(IkePatch { lifetime_seconds: Some(59), ..Default::default() }), "VPN.0001");
        assert_eq!(bad(IkePatch { lifetime_seconds: Some(604801), ..Default::default() }), "VPN.0001");
        assert_eq!(bad(IkePatch { local_id_type: Some("fqdn".into()), ..Default::default() }), "VPN.0013");
        assert_eq!(bad(IkePatch { local_id: Some("123***".into()), ..Default::default() }), "VPN.0203");
        assert_eq!(bad(IkePatch { dpd: DpdPatch { timeout: Some(61), ..Default::default() }, ..Default::default() }), "VPN.0001");
        assert_eq!(bad(IkePatch { dpd: DpdPatch { msg: Some("x".into()), ..Default::default() }, ..Default::default() }), "VPN.0001");
        let e = IpsecPatch { pfs: Some("group3".into()), ..Default::default() }.apply(&mut default_ipsec()).unwrap_err();
        assert_eq!(e.code, "VPN.0001");
        let e = IpsecPatch { lifetime_seconds: Some(29), ..Default::default() }.apply(&mut default_ipsec()).unwrap_err();
        assert_eq!(e.code, "VPN.0001");
    }
}
