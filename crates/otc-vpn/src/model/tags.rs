//! Tags of gateways, customer gateways and connections through the v5 tag
//! API: the same `tags` the resources' own bodies carry.

use super::*;
use crate::errors::{invalid, not_found};
use otc_core::tags::Tag;

/// The documented limits: keys of 1-128, values of 0-255 characters, of
/// letters (any script), digits, spaces and `_ . : = + - @`; 20 per
/// resource, keys unique.
pub fn check_tags(tags: &[Tag]) -> Result<(), ApiError> {
    let charset = |s: &str| s.chars().all(|c| c.is_alphanumeric() || " _.:=+-@".contains(c));
    if tags.len() > 20 {
        return Err(invalid("a resource can have at most 20 tags"));
    }
    for (i, t) in tags.iter().enumerate() {
        if t.key.is_empty() || t.key.chars().count() > 128 || !charset(&t.key) {
            return Err(invalid(format!("tag key {} is invalid", t.key)));
        }
        if t.value.chars().count() > 255 || !charset(&t.value) {
            return Err(invalid(format!("tag value {} is invalid", t.value)));
        }
        if tags[..i].iter().any(|o| o.key == t.key) {
            return Err(invalid(format!("tag key {} is duplicated", t.key)));
        }
    }
    Ok(())
}

/// The resource types of the tag API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tagged {
    Gateway,
    CustomerGateway,
    Connection,
}

impl Tagged {
    pub fn parse(resource_type: &str) -> Result<Tagged, ApiError> {
        match resource_type {
            "vpn-gateway" => Ok(Tagged::Gateway),
            "customer-gateway" => Ok(Tagged::CustomerGateway),
            "vpn-connection" => Ok(Tagged::Connection),
            t => Err(invalid(format!("resource_type {t} is invalid"))),
        }
    }
}

/// What the instance filter sees of a resource.
pub struct Instance {
    pub id: String,
    pub name: String,
    pub tags: Vec<Tag>,
    pub created_at: Timestamp,
}

impl Vpns<'_, '_> {
    pub fn tags_of(&mut self, t: Tagged, id: &str) -> VpnResult<Vec<Tag>> {
        Ok(match t {
            Tagged::Gateway => self.gateway(id).map_err(|_| Refusal(not_found()))?.tags,
            Tagged::CustomerGateway => self.tagged_doc::<CustomerGateway>(CUSTOMER_GATEWAY, id)?.tags,
            Tagged::Connection => self.tagged_doc::<Connection>(CONNECTION, id)?.tags,
        })
    }

    fn tagged_doc<T: otc_store::Document + Owned>(&mut self, kind: &str, id: &str) -> VpnResult<T> {
        self.net.find::<T>(kind, id)?.ok_or(Refusal(not_found()))
    }

    /// Replaces a resource's tags (after `change` checked them).
    pub fn set_tags(&mut self, t: Tagged, id: &str, change: impl FnOnce(&mut Vec<Tag>) -> Result<(), ApiError>) -> VpnResult<()> {
        match t {
            Tagged::Gateway => {
                let mut g = self.gateway(id).map_err(|_| Refusal(not_found()))?;
                change(&mut g.tags)?;
                self.net.update(GATEWAY, &g.id, None, &g)?;
            }
            Tagged::CustomerGateway => {
                let mut c = self.tagged_doc::<CustomerGateway>(CUSTOMER_GATEWAY, id)?;
                change(&mut c.tags)?;
                self.net.update(CUSTOMER_GATEWAY, &c.id, None, &c)?;
            }
            Tagged::Connection => {
                let mut c = self.tagged_doc::<Connection>(CONNECTION, id)?;
                change(&mut c.tags)?;
                self.net.update(CONNECTION, &c.id, Some(&c.vgw_id.clone()), &c)?;
            }
        }
        Ok(())
    }

    /// Every resource of a type in the project, newest first.
    pub fn instances(&mut self, t: Tagged) -> VpnResult<Vec<Instance>> {
        let mut out: Vec<Instance> = match t {
            Tagged::Gateway => {
                self.gateways()?.into_iter().map(|g| Instance { id: g.id, name: g.name, tags: g.tags, created_at: g.created_at }).collect()
            }
            Tagged::CustomerGateway => self
                .net
                .all::<CustomerGateway>(CUSTOMER_GATEWAY)?
                .into_iter()
                .map(|g| Instance { id: g.id, name: g.name, tags: g.tags, created_at: g.created_at })
                .collect(),
            Tagged::Connection => self
                .net
                .all::<Connection>(CONNECTION)?
                .into_iter()
                .map(|c| Instance { id: c.id, name: c.name, tags: c.tags, created_at: c.created_at })
                .collect(),
        };
        out.sort_by_key(|i| std::cmp::Reverse(i.created_at));
        Ok(out)
    }
}
