//! VPC peering connections: two VPCs (routers), possibly of two projects
//! of one region. A peering between VPCs of one project is ACTIVE at once;
//! one to another project's VPC waits in PENDING_ACCEPTANCE until the peer
//! project accepts or rejects it, and expires on the clock if it does
//! neither.
//!
//! This is the one place where a request of one project reads another
//! project's documents on purpose. Every such read goes through
//! [`Net::peer_router`] (the accepter's VPC, checked against the tenant the
//! requester named) and [`Net::visible_peering`] (a peering either side may
//! see); every other read of the network model stays project-scoped.

use super::*;

pub const PEERING: &str = "vpc.peering";

pub const PENDING: &str = "PENDING_ACCEPTANCE";
pub const ACTIVE: &str = "ACTIVE";
pub const REJECTED: &str = "REJECTED";
pub const EXPIRED: &str = "EXPIRED";

/// OTC's default `vpcPeer` quota per project.
pub const PEERING_QUOTA: usize = 50;

/// How long a request waits for the peer project. The reference lists
/// EXPIRED without a timeout; 7 days is what comparable clouds use.
pub fn acceptance_window() -> Duration {
    Duration::days(7)
}

/// A peering, stored with scope = the requester's project and key = the
/// accepter's project, so each side finds it with one indexed read.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Peering {
    pub id: String,
    /// The requester's project.
    pub project_id: String,
    pub name: String,
    pub description: String,
    pub status: String,
    pub request_vpc_id: String,
    pub accept_vpc_id: String,
    pub accept_project_id: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}
crate::owned!(Peering);

impl Peering {
    /// The status shown now: a pending request past its window is EXPIRED.
    pub fn status_at(&self, now: Timestamp) -> &str {
        if self.status == PENDING && now - self.created_at >= acceptance_window() {
            EXPIRED
        } else {
            &self.status
        }
    }

    pub fn involves(&self, project: &str) -> bool {
        self.project_id == project || self.accept_project_id == project
    }

    fn pair(&self) -> (&str, &str) {
        let (a, b) = (self.request_vpc_id.as_str(), self.accept_vpc_id.as_str());
        if a <= b {
            (a, b)
        } else {
            (b, a)
        }
    }
}

pub struct PeeringSpec {
    pub name: String,
    pub description: String,
    pub request_vpc_id: String,
    /// The requester's tenant as the request names it, if it does.
    pub request_tenant_id: Option<String>,
    pub accept_vpc_id: String,
    pub accept_tenant_id: Option<String>,
}

fn wrong_peer() -> Fault {
    Fault::Invalid(Res::Peering, "Accept VPC id or tenant id is incorrect.".into())
}

impl<'a> Net<'a> {
    /// The accepter's VPC for a peering request. Reading another project's
    /// router is the point of a peering, so this is the one reviewed read
    /// across projects: the VPC must belong to exactly the tenant the
    /// request names (this project when it names none), otherwise it is
    /// as absent as a missing one and nothing about it is disclosed.
    fn peer_router(&mut self, vpc_id: &str, tenant: Option<&str>) -> ModelResult<Router> {
        let tenant = tenant.unwrap_or(self.project);
        match self.tx.get_doc::<Router>(ROUTER, vpc_id)? {
            Some(r) if r.project_id == tenant && self.project_region(tenant)?.as_deref() == Some(self.region) => Ok(r),
            _ => Err(wrong_peer()),
        }
    }

    /// The region a project's network lives in (its bootstrap record):
    /// peerings join VPCs of one region only, so a project of another
    /// region is as unknown as a wrong one.
    fn project_region(&mut self, project: &str) -> ModelResult<Option<String>> {
        let Some(r) = self.tx.get(PROJECT_INIT, project)? else { return Ok(None) };
        let doc: serde_json::Value = serde_json::from_str(&r.body).unwrap_or_default();
        Ok(doc["region"].as_str().map(str::to_string))
    }

    /// A peering this project is a side of, or `NotFound`: the second
    /// reviewed cross-project read (the accepter sees the requester's
    /// peering). Any other project sees nothing.
    pub fn visible_peering(&mut self, id: &str) -> ModelResult<Peering> {
        match self.tx.get_doc::<Peering>(PEERING, id)? {
            Some(p) if p.involves(self.project) => Ok(p),
            _ => Err(Fault::NotFound(Res::Peering, id.to_string())),
        }
    }

    /// Every peering this project is a side of, oldest first.
    pub fn visible_peerings(&mut self) -> ModelResult<Vec<Peering>> {
        let mut own: Vec<Peering> = self.all(PEERING)?;
        let q = ListQuery { kind: PEERING, key: Some(self.project), ..Default::default() };
        let theirs: Vec<Peering> = self.tx.list_docs(&q)?;
        own.extend(theirs.into_iter().filter(|p| p.project_id != p.accept_project_id && p.accept_project_id == self.project));
        own.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
        Ok(own)
    }

    pub fn create_peering(&mut self, spec: PeeringSpec) -> ModelResult<Peering> {
        if let Some(t) = &spec.request_tenant_id {
            if t != self.project {
                return Err(Fault::Invalid(Res::Peering, "Request VPC id or tenant id is incorrect.".into()));
            }
        }
        // The requester's VPC is always this project's own.
        self.get::<Router>(ROUTER, Res::Vpc, &spec.request_vpc_id)?;
        let peer = self.peer_router(&spec.accept_vpc_id, spec.accept_tenant_id.as_deref())?;
        if spec.request_vpc_id == spec.accept_vpc_id {
            return Err(Fault::Invalid(Res::Peering, "Request VPC and accept VPC must be different.".into()));
        }
        let p = Peering {
            id: uuid::Uuid::new_v4().to_string(),
            project_id: self.project.to_string(),
            name: spec.name,
            description: spec.description,
            status: if peer.project_id == self.project { ACTIVE.into() } else { PENDING.into() },
            request_vpc_id: spec.request_vpc_id,
            accept_vpc_id: peer.id.clone(),
            accept_project_id: peer.project_id.clone(),
            created_at: self.now,
            updated_at: self.now,
        };
        // One peering per VPC pair, whichever side asked; a rejected or
        // expired one no longer holds the pair.
        let now = self.now;
        let taken = self
            .peerings_of_router(&p.request_vpc_id)?
            .into_iter()
            .any(|o| o.pair() == p.pair() && matches!(o.status_at(now), PENDING | ACTIVE));
        if taken {
            return Err(Fault::Invalid(Res::Peering, "A VPC peering connection already exists between the two VPCs.".into()));
        }
        if self.count(PEERING)? >= PEERING_QUOTA {
            return Err(Fault::Quota(Res::Peering));
        }
        self.tx.insert_doc(PEERING, &p.id, self.project, Some(&p.accept_project_id), &p)?;
        Ok(p)
    }

    /// Peerings naming a VPC on either side, whichever project asked.
    /// Only used to keep one peering per pair and to hold the VPC: ids
    /// never leave the model from here.
    fn peerings_of_router(&mut self, vpc_id: &str) -> ModelResult<Vec<Peering>> {
        let all: Vec<Peering> = self.tx.list_docs(&ListQuery { kind: PEERING, ..Default::default() })?;
        Ok(all.into_iter().filter(|p| p.request_vpc_id == vpc_id || p.accept_vpc_id == vpc_id).collect())
    }

    /// Whether a VPC is one side of a live (pending or active) peering.
    pub fn router_peered(&mut self, vpc_id: &str) -> ModelResult<bool> {
        let now = self.now;
        Ok(self.peerings_of_router(vpc_id)?.iter().any(|p| matches!(p.status_at(now), PENDING | ACTIVE)))
    }

    pub fn update_peering(&mut self, id: &str, name: Option<String>, description: Option<String>) -> ModelResult<Peering> {
        let mut p = self.visible_peering(id)?;
        if let Some(n) = name {
            p.name = n;
        }
        if let Some(d) = description {
            p.description = d;
        }
        p.updated_at = self.now;
        self.store_peering(&p)?;
        Ok(p)
    }

    /// Accept (`true`) or reject a pending request; only the accepter's
    /// project may answer it.
    pub fn answer_peering(&mut self, id: &str, accept: bool) -> ModelResult<Peering> {
        let mut p = self.visible_peering(id)?;
        if p.accept_project_id != self.project || p.project_id == self.project {
            return Err(Fault::Invalid(Res::Peering, "Only the peer tenant can accept or reject a VPC peering connection.".into()));
        }
        let now = self.now;
        if p.status_at(now) != PENDING {
            return Err(Fault::Invalid(
                Res::Peering,
                format!("The VPC peering connection is {} and cannot be accepted or rejected.", p.status_at(now)),
            ));
        }
        p.status = if accept { ACTIVE.into() } else { REJECTED.into() };
        p.updated_at = self.now;
        self.store_peering(&p)?;
        Ok(p)
    }

    /// Either side may delete a peering.
    pub fn delete_peering(&mut self, id: &str) -> ModelResult<()> {
        self.visible_peering(id)?;
        self.tx.delete(PEERING, id)?;
        Ok(())
    }

    fn store_peering(&mut self, p: &Peering) -> ModelResult<()> {
        // Stored under the requester's scope whichever side changes it.
        self.tx.update_doc(PEERING, &p.id, &p.project_id, Some(&p.accept_project_id), p)?;
        Ok(())
    }
}
