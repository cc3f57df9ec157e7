//! IKE and IPsec policies: stored as given (the facade validated the
//! values); OTC lets a policy in use be updated ("the IPsec VPN
//! connection also needs to be updated"), only deletion is refused.

use super::*;
use crate::classic::errors::in_use;
use otc_core::ids;

impl Classic<'_, '_> {
    pub fn ike_policy(&mut self, id: &str) -> CResult<IkePolicy> {
        self.load(IKE_POLICY, Kind::IkePolicy, id)
    }

    pub fn ike_policies(&mut self) -> CResult<Vec<IkePolicy>> {
        Ok(self.net.all(IKE_POLICY)?)
    }

    /// Stores a new policy; `p.id` and `p.project_id` are assigned here.
    pub fn create_ike_policy(&mut self, mut p: IkePolicy) -> CResult<IkePolicy> {
        p.id = ids::uuid();
        p.project_id = self.net.project.to_string();
        self.net.insert(IKE_POLICY, &p.id, None, &p)?;
        Ok(p)
    }

    /// Changes a stored policy with `f` (the facade's parsed changes).
    pub fn update_ike_policy(&mut self, id: &str, f: impl FnOnce(&mut IkePolicy) -> CResult<()>) -> CResult<IkePolicy> {
        let mut p = self.ike_policy(id)?;
        f(&mut p)?;
        self.net.update(IKE_POLICY, id, None, &p)?;
        Ok(p)
    }

    pub fn delete_ike_policy(&mut self, id: &str) -> CResult<()> {
        self.ike_policy(id)?;
        if self.connections()?.iter().any(|c| c.ikepolicy_id == id) {
            return Err(in_use(Kind::IkePolicy, id));
        }
        Ok(self.net.remove(IKE_POLICY, id)?)
    }

    pub fn ipsec_policy(&mut self, id: &str) -> CResult<IpsecPolicy> {
        self.load(IPSEC_POLICY, Kind::IpsecPolicy, id)
    }

    pub fn ipsec_policies(&mut self) -> CResult<Vec<IpsecPolicy>> {
        Ok(self.net.all(IPSEC_POLICY)?)
    }

    pub fn create_ipsec_policy(&mut self, mut p: IpsecPolicy) -> CResult<IpsecPolicy> {
        p.id = ids::uuid();
        p.project_id = self.net.project.to_string();
        self.net.insert(IPSEC_POLICY, &p.id, None, &p)?;
        Ok(p)
    }

    pub fn update_ipsec_policy(&mut self, id: &str, f: impl FnOnce(&mut IpsecPolicy) -> CResult<()>) -> CResult<IpsecPolicy> {
        let mut p = self.ipsec_policy(id)?;
        f(&mut p)?;
        self.net.update(IPSEC_POLICY, id, None, &p)?;
        Ok(p)
    }

    pub fn delete_ipsec_policy(&mut self, id: &str) -> CResult<()> {
        self.ipsec_policy(id)?;
        if self.connections()?.iter().any(|c| c.ipsecpolicy_id == id) {
            return Err(in_use(Kind::IpsecPolicy, id));
        }
        Ok(self.net.remove(IPSEC_POLICY, id)?)
    }
}
