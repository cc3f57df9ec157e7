//! Permission rules: which addresses may mount a file system, read-write
//! or read-only, with which root squashing. At most 5 per request and 64
//! per file system (the reference); an address or segment has one rule.

use super::{errors, PermRule, TurboResult, Turbos, PERM_RULE};

pub const RW_TYPES: &[&str] = &["rw", "ro", "none"];
pub const USER_TYPES: &[&str] = &["no_root_squash", "root_squash", "all_squash"];
pub const MAX_RULES: usize = 64;
pub const MAX_PER_REQUEST: usize = 5;

/// A rule as asked for: `(ip_cidr, rw_type, user_type)`.
pub type NewRule = (String, String, String);

/// An IPv4 address or segment (`192.168.0.0/16`, `10.0.0.1`), normalised
/// as the reference's answer shows it.
pub fn check_cidr(s: &str) -> Option<String> {
    let (ip, len) = match s.split_once('/') {
        Some((ip, len)) => (ip, Some(len.parse::<u8>().ok().filter(|l| *l <= 32)?)),
        None => (s, None),
    };
    let ip: std::net::Ipv4Addr = ip.parse().ok()?;
    Some(match len {
        Some(l) => {
            let mask = if l == 0 { 0 } else { u32::MAX << (32 - l) };
            format!("{}/{l}", std::net::Ipv4Addr::from(u32::from(ip) & mask))
        }
        None => ip.to_string(),
    })
}

impl Turbos<'_, '_> {
    pub fn rules(&mut self, share_id: &str) -> TurboResult<Vec<PermRule>> {
        self.share(share_id)?;
        Ok(self.net.keyed::<PermRule>(PERM_RULE, share_id)?)
    }

    pub fn rule(&mut self, share_id: &str, id: &str) -> TurboResult<PermRule> {
        self.share(share_id)?;
        match self.net.find::<PermRule>(PERM_RULE, id)? {
            Some(r) if r.share_id == share_id => Ok(r),
            _ => Err(errors::invalid_rule_id().into()),
        }
    }

    pub fn add_rules(&mut self, share_id: &str, new: Vec<NewRule>) -> TurboResult<Vec<PermRule>> {
        self.purge()?;
        let existing = self.rules(share_id)?;
        if existing.len() + new.len() > MAX_RULES {
            return Err(errors::param(format!("a file system has at most {MAX_RULES} permission rules")).into());
        }
        let mut out: Vec<PermRule> = Vec::new();
        for (ip_cidr, rw_type, user_type) in new {
            if existing.iter().chain(&out).any(|r| r.ip_cidr == ip_cidr) {
                return Err(errors::param(format!("a rule for {ip_cidr} exists")).into());
            }
            let r = PermRule {
                id: otc_core::ids::hex32(),
                project_id: self.net.project.to_string(),
                share_id: share_id.to_string(),
                ip_cidr,
                rw_type,
                user_type,
            };
            self.net.insert(PERM_RULE, &r.id, Some(share_id), &r)?;
            out.push(r);
        }
        Ok(out)
    }

    pub fn update_rule(&mut self, share_id: &str, id: &str, rw: Option<String>, user: Option<String>) -> TurboResult<PermRule> {
        self.purge()?;
        let mut r = self.rule(share_id, id)?;
        if let Some(rw) = rw {
            r.rw_type = rw;
        }
        if let Some(u) = user {
            r.user_type = u;
        }
        self.net.update(PERM_RULE, id, Some(share_id), &r)?;
        Ok(r)
    }

    pub fn delete_rule(&mut self, share_id: &str, id: &str) -> TurboResult<()> {
        self.purge()?;
        self.rule(share_id, id)?;
        self.net.remove(PERM_RULE, id)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::check_cidr;

    #[test]
    fn cidrs() {
        assert_eq!(check_cidr("192.32.1.1/16").as_deref(), Some("192.32.0.0/16"));
        assert_eq!(check_cidr("10.0.0.1").as_deref(), Some("10.0.0.1"));
        assert_eq!(check_cidr("0.0.0.0/0").as_deref(), Some("0.0.0.0/0"));
        assert!(check_cidr("10.0.0.1/33").is_none());
        assert!(check_cidr("x").is_none());
    }
}
