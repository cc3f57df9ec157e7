//! Neutron subnet pools (native_openstack_neutron_apis_v2.0/subnet_pool):
//! prefixes of one IP version, merged and normalised, with prefix-length
//! bounds. Subnets do not allocate from pools (Neutron subnets here show
//! `subnetpool_id` null), so a pool is never in use and deletes at once.

use super::*;
use otc_core::ids;

pub const SUBNET_POOL: &str = "vpc.subnet_pool";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SubnetPool {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub description: String,
    pub ip_version: u8,
    pub prefixes: Vec<String>,
    pub min_prefixlen: u8,
    pub default_prefixlen: u8,
    pub max_prefixlen: u8,
    pub default_quota: Option<i64>,
    pub is_default: bool,
    pub shared: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

crate::owned!(SubnetPool);

impl Net<'_> {
    pub fn subnet_pool(&mut self, id: &str) -> ModelResult<SubnetPool> {
        self.get(SUBNET_POOL, Res::SubnetPool, id)
    }

    pub fn subnet_pools(&mut self) -> ModelResult<Vec<SubnetPool>> {
        self.all(SUBNET_POOL)
    }

    /// Stores a pool the facade checked as a whole (new id and times).
    pub fn create_subnet_pool(&mut self, mut p: SubnetPool) -> ModelResult<SubnetPool> {
        p.id = ids::uuid();
        p.project_id = self.project.to_string();
        p.created_at = self.now;
        p.updated_at = self.now;
        self.insert(SUBNET_POOL, &p.id, None, &p)?;
        Ok(p)
    }

    pub fn save_subnet_pool(&mut self, mut p: SubnetPool) -> ModelResult<SubnetPool> {
        p.updated_at = self.now;
        self.update(SUBNET_POOL, &p.id.clone(), None, &p)?;
        Ok(p)
    }

    pub fn delete_subnet_pool(&mut self, id: &str) -> ModelResult<()> {
        let p = self.subnet_pool(id)?;
        self.remove(SUBNET_POOL, &p.id)
    }
}
