//! EIPs (Neutron floating IPs) and their bandwidths. A public address is
//! claimed from the configured pool as a `vpc.public_ip` record shared by
//! every project, so no two EIPs anywhere get the same address.

use super::*;
use otc_core::ids;
use std::net::Ipv4Addr;

#[derive(Debug, Clone, Default)]
pub struct EipSpec {
    pub ip_type: String,
    pub ip_address: Option<String>,
    pub alias: String,
    pub description: String,
    pub port_id: Option<String>,
    pub enterprise_project_id: Option<String>,
    pub bandwidth: BandwidthChoice,
}

/// Where a new EIP's bandwidth comes from.
#[derive(Debug, Clone)]
pub enum BandwidthChoice {
    /// A new dedicated bandwidth.
    Dedicated { name: String, size: u32, charge_mode: String },
    /// An existing shared bandwidth.
    Shared(String),
}

impl Default for BandwidthChoice {
    fn default() -> Self {
        BandwidthChoice::Dedicated { name: String::new(), size: 1, charge_mode: "traffic".into() }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct PublicClaim {
    /// The EIP, or the other object (a VPN service) owning the address.
    eip_id: String,
    project_id: String,
}

/// The EIP types an EIP may be created with.
pub const EIP_TYPES: [&str; 3] = ["5_bgp", "5_mailbgp", "5_dualStack"];

impl Net<'_> {
    pub fn eip(&mut self, id: &str) -> ModelResult<Eip> {
        self.get(EIP, Res::Eip, id)
    }

    pub fn eips(&mut self) -> ModelResult<Vec<Eip>> {
        self.all(EIP)
    }

    pub fn bandwidth(&mut self, id: &str) -> ModelResult<Bandwidth> {
        self.get(BANDWIDTH, Res::Bandwidth, id)
    }

    pub fn bandwidths(&mut self) -> ModelResult<Vec<Bandwidth>> {
        self.all(BANDWIDTH)
    }

    pub fn bandwidth_eips(&mut self, bandwidth_id: &str) -> ModelResult<Vec<Eip>> {
        self.keyed(EIP, bandwidth_id)
    }

    fn public_taken(&mut self, ip: &str) -> ModelResult<bool> {
        Ok(self.tx.get(PUBLIC_IP_CLAIM, ip)?.is_some())
    }

    /// Claims `wanted` or a free address of the pool, starting the search
    /// at a random offset so allocation stays cheap in a large pool.
    fn claim_public(&mut self, wanted: Option<&str>, eip_id: &str) -> ModelResult<String> {
        let pool = self.cfg.eip_pool;
        let ip = match wanted {
            Some(w) => {
                let addr: Ipv4Addr = w.parse().map_err(|_| Fault::Invalid(Res::Eip, format!("Invalid ip_address {w}.")))?;
                if !crate::net::is_host(&pool, addr) {
                    return Err(Fault::Invalid(Res::Eip, format!("The IP address {w} is not in the public pool.")));
                }
                if self.public_taken(w)? {
                    return Err(Fault::IpInUse { ip: w.to_string(), network_id: self.external_network_id() });
                }
                w.to_string()
            }
            None => {
                let first = u32::from(pool.network()) + 1;
                let size = u32::from(pool.broadcast()) - first;
                let start = rand::random::<u32>() % size.max(1);
                let mut found = None;
                for i in 0..size {
                    let candidate = Ipv4Addr::from(first + (start + i) % size).to_string();
                    if !self.public_taken(&candidate)? {
                        found = Some(candidate);
                        break;
                    }
                }
                found.ok_or_else(|| Fault::NoMoreIps(self.external_network_id()))?
            }
        };
        let claim = PublicClaim { eip_id: eip_id.to_string(), project_id: self.project.to_string() };
        self.tx.insert_doc(PUBLIC_IP_CLAIM, &ip, PUBLIC_SCOPE, None, &claim)?;
        Ok(ip)
    }

    /// Claims a public address for an object that is not an EIP (a
    /// classic VPN service's gateway address): `wanted` if given and free,
    /// else any free one. No EIP can get it until it is released; it does
    /// not count against the EIP quota.
    pub fn claim_public_address(&mut self, wanted: Option<&str>, owner_id: &str) -> ModelResult<String> {
        self.claim_public(wanted, owner_id)
    }

    /// Gives back an address claimed with [`Net::claim_public_address`];
    /// another project's claim is left alone.
    pub fn release_public_address(&mut self, addr: &str) -> ModelResult<()> {
        if let Some(c) = self.tx.get_doc::<PublicClaim>(PUBLIC_IP_CLAIM, addr)? {
            if c.project_id == self.project {
                self.tx.delete(PUBLIC_IP_CLAIM, addr)?;
            }
        }
        Ok(())
    }

    fn new_bandwidth(&mut self, name: &str, size: u32, share_type: &str, charge_mode: &str, ep: &str) -> ModelResult<Bandwidth> {
        let bw = Bandwidth {
            id: ids::uuid(),
            project_id: self.project.to_string(),
            name: if name.is_empty() { format!("bandwidth-{}", &ids::hex32()[..4]) } else { name.to_string() },
            size,
            share_type: share_type.to_string(),
            charge_mode: charge_mode.to_string(),
            bandwidth_type: if share_type == "WHOLE" { "share".into() } else { "bgp".into() },
            enterprise_project_id: ep.to_string(),
            created_at: self.now,
            updated_at: self.now,
        };
        self.insert(BANDWIDTH, &bw.id, None, &bw)?;
        Ok(bw)
    }

    pub fn check_bandwidth_size(&self, size: i64, min: i64) -> ModelResult<u32> {
        if !(min..=2000).contains(&size) {
            return Err(Fault::Invalid(Res::Bandwidth, format!("Bandwidth size {size} is out of range [{min}, 2000].")));
        }
        if size > 300 && size <= 1000 && size % 50 != 0 || size > 1000 && size % 500 != 0 {
            return Err(Fault::Invalid(Res::Bandwidth, format!("Bandwidth size {size} is not a valid increment.")));
        }
        Ok(size as u32)
    }

    pub fn create_eip(&mut self, spec: EipSpec) -> ModelResult<Eip> {
        if !EIP_TYPES.contains(&spec.ip_type.as_str()) {
            return Err(Fault::Invalid(Res::Eip, format!("publicip type {} is invalid.", spec.ip_type)));
        }
        if self.count(EIP)? >= self.cfg.quotas.public_ip {
            return Err(Fault::Quota(Res::Eip));
        }
        let id = ids::uuid();
        let ep = spec.enterprise_project_id.clone().unwrap_or_else(|| "0".into());
        let bandwidth = match &spec.bandwidth {
            BandwidthChoice::Shared(bid) => {
                let bw = self.bandwidth(bid)?;
                if bw.share_type != "WHOLE" {
                    return Err(Fault::Invalid(Res::Bandwidth, "Bandwidth share_type is invalid.".into()));
                }
                if self.bandwidth_eips(bid)?.len() >= self.cfg.quotas.share_bandwidth_ip {
                    return Err(Fault::Quota(Res::Bandwidth));
                }
                bw
            }
            BandwidthChoice::Dedicated { name, size, charge_mode } => self.new_bandwidth(name, *size, "PER", charge_mode, &ep)?,
        };
        let address = self.claim_public(spec.ip_address.as_deref(), &id)?;
        let mut eip = Eip {
            id,
            project_id: self.project.to_string(),
            public_ip_address: address,
            ip_type: spec.ip_type,
            bandwidth_id: bandwidth.id.clone(),
            port_id: None,
            private_ip_address: None,
            router_id: None,
            description: spec.description,
            alias: spec.alias,
            enterprise_project_id: ep,
            tags: Vec::new(),
            created_at: self.now,
            updated_at: self.now,
        };
        if let Some(port) = spec.port_id {
            self.bind(&mut eip, &port, None)?;
        }
        self.insert(EIP, &eip.id, Some(&bandwidth.id), &eip)?;
        Ok(eip)
    }

    pub fn save_eip(&mut self, eip: &Eip) -> ModelResult<()> {
        self.update(EIP, &eip.id, Some(&eip.bandwidth_id), eip)
    }

    /// Points `eip` at a port (not saved).
    fn bind(&mut self, eip: &mut Eip, port_id: &str, fixed_ip: Option<&str>) -> ModelResult<()> {
        let port = self.find::<Port>(PORT, port_id)?.ok_or_else(|| Fault::NotFound(Res::Port, port_id.to_string()))?;
        if eip.port_id.as_deref() == Some(port_id) {
            return Ok(());
        }
        if eip.port_id.is_some() {
            return Err(Fault::InUse(Res::Eip, eip.id.clone(), Dependency::EipBound));
        }
        if self.eips()?.iter().any(|e| e.port_id.as_deref() == Some(port_id) && e.id != eip.id) {
            return Err(Fault::InUse(Res::Port, port_id.to_string(), Dependency::PortHasEip));
        }
        let address = match fixed_ip {
            Some(ip) => port
                .fixed_ips
                .iter()
                .find(|f| f.ip_address == ip)
                .map(|f| f.ip_address.clone())
                .ok_or_else(|| Fault::Invalid(Res::Eip, format!("Port {port_id} does not have fixed ip {ip}.")))?,
            None => port
                .fixed_ips
                .first()
                .map(|f| f.ip_address.clone())
                .ok_or_else(|| Fault::Invalid(Res::Eip, format!("Port {port_id} has no fixed IP address.")))?,
        };
        let network = self.find::<Network>(NETWORK, &port.network_id)?;
        eip.router_id = network.and_then(|n| n.vpc_id);
        eip.port_id = Some(port_id.to_string());
        eip.private_ip_address = Some(address);
        Ok(())
    }

    /// Binds (`Some`) or unbinds (`None`) an EIP.
    pub fn associate_eip(&mut self, id: &str, port_id: Option<&str>, fixed_ip: Option<&str>) -> ModelResult<Eip> {
        let mut eip = self.eip(id)?;
        match port_id {
            Some(p) => self.bind(&mut eip, p, fixed_ip)?,
            None => {
                eip.port_id = None;
                eip.private_ip_address = None;
                eip.router_id = None;
            }
        }
        eip.updated_at = self.now;
        self.save_eip(&eip)?;
        Ok(eip)
    }

    pub fn update_eip_text(&mut self, id: &str, alias: Option<String>, description: Option<String>) -> ModelResult<Eip> {
        let mut eip = self.eip(id)?;
        if let Some(a) = alias {
            eip.alias = a;
        }
        if let Some(d) = description {
            eip.description = d;
        }
        eip.updated_at = self.now;
        self.save_eip(&eip)?;
        Ok(eip)
    }

    /// Releases an EIP. VPC v1 refuses while it is bound (`force` false);
    /// Neutron disassociates and deletes.
    pub fn delete_eip(&mut self, id: &str, force: bool) -> ModelResult<()> {
        let eip = self.eip(id)?;
        if eip.port_id.is_some() && !force {
            return Err(Fault::InUse(Res::Eip, id.to_string(), Dependency::EipBound));
        }
        self.tx.delete(PUBLIC_IP_CLAIM, &eip.public_ip_address)?;
        self.remove(EIP, id)?;
        if let Some(bw) = self.find::<Bandwidth>(BANDWIDTH, &eip.bandwidth_id)? {
            if bw.share_type == "PER" {
                self.remove(BANDWIDTH, &bw.id)?;
            }
        }
        Ok(())
    }

    /// A deleted port takes its EIP bindings with it.
    pub fn unbind_eips_of_port(&mut self, port_id: &str) -> ModelResult<()> {
        for mut e in self.eips()?.into_iter().filter(|e| e.port_id.as_deref() == Some(port_id)) {
            e.port_id = None;
            e.private_ip_address = None;
            e.router_id = None;
            e.updated_at = self.now;
            self.save_eip(&e)?;
        }
        Ok(())
    }

    pub fn update_bandwidth(&mut self, id: &str, name: Option<String>, size: Option<u32>) -> ModelResult<Bandwidth> {
        let mut bw = self.bandwidth(id)?;
        if let Some(n) = name.filter(|n| !n.is_empty()) {
            bw.name = n;
        }
        if let Some(s) = size {
            bw.size = s;
        }
        bw.updated_at = self.now;
        self.update(BANDWIDTH, id, None, &bw)?;
        Ok(bw)
    }

    pub fn create_shared_bandwidth(&mut self, name: &str, size: u32, ep: Option<String>) -> ModelResult<Bandwidth> {
        let shared = self.bandwidths()?.iter().filter(|b| b.share_type == "WHOLE").count();
        if shared >= self.cfg.quotas.share_bandwidth {
            return Err(Fault::Quota(Res::Bandwidth));
        }
        self.new_bandwidth(name, size, "WHOLE", "bandwidth", &ep.unwrap_or_else(|| "0".into()))
    }

    pub fn delete_shared_bandwidth(&mut self, id: &str) -> ModelResult<()> {
        let bw = self.bandwidth(id)?;
        if bw.share_type != "WHOLE" {
            return Err(Fault::Invalid(Res::Bandwidth, "Only a shared bandwidth can be deleted.".into()));
        }
        if !self.bandwidth_eips(id)?.is_empty() {
            return Err(Fault::InUse(Res::Bandwidth, id.to_string(), Dependency::BandwidthHasEips));
        }
        self.remove(BANDWIDTH, id)
    }

    /// Moves EIPs into a shared bandwidth; their dedicated ones go away.
    pub fn insert_into_bandwidth(&mut self, id: &str, eip_ids: &[String]) -> ModelResult<Bandwidth> {
        let bw = self.bandwidth(id)?;
        if bw.share_type != "WHOLE" {
            return Err(Fault::Invalid(Res::Bandwidth, "Bandwidth share_type is invalid.".into()));
        }
        let current = self.bandwidth_eips(id)?.len();
        if current + eip_ids.len() > self.cfg.quotas.share_bandwidth_ip {
            return Err(Fault::Quota(Res::Bandwidth));
        }
        for eid in eip_ids {
            let mut eip = self.eip(eid)?;
            if eip.bandwidth_id == id {
                continue;
            }
            let old = eip.bandwidth_id.clone();
            eip.bandwidth_id = id.to_string();
            eip.updated_at = self.now;
            self.save_eip(&eip)?;
            if let Some(prev) = self.find::<Bandwidth>(BANDWIDTH, &old)? {
                if prev.share_type == "PER" {
                    self.remove(BANDWIDTH, &prev.id)?;
                }
            }
        }
        self.bandwidth(id)
    }

    /// Takes EIPs out of a shared bandwidth, giving each a new dedicated one.
    pub fn remove_from_bandwidth(&mut self, id: &str, eip_ids: &[String], size: u32, charge_mode: &str) -> ModelResult<()> {
        let bw = self.bandwidth(id)?;
        if bw.share_type != "WHOLE" {
            return Err(Fault::Invalid(Res::Bandwidth, "Bandwidth share_type is invalid.".into()));
        }
        for eid in eip_ids {
            let mut eip = self.eip(eid)?;
            if eip.bandwidth_id != id {
                return Err(Fault::Invalid(Res::Bandwidth, format!("EIP {eid} is not in bandwidth {id}.")));
            }
            let ded = self.new_bandwidth("", size, "PER", charge_mode, &eip.enterprise_project_id.clone())?;
            eip.bandwidth_id = ded.id;
            eip.updated_at = self.now;
            self.save_eip(&eip)?;
        }
        Ok(())
    }
}
