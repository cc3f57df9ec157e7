//! HTTP-level tests: the real server on a free port, driven over HTTP.

mod autoscaling_groups;
mod autoscaling_more;
mod bad_input;
mod common;
mod compute_ecs;
mod compute_nova;
mod evs_native;
mod evs_volumes;
mod http_layer;
mod identity_aksk;
mod identity_discovery;
mod identity_projects;
mod identity_tokens;
mod isolation;
mod netkit;
mod network_cross;
mod network_neutron;
mod network_tags;
mod network_v1;
mod network_v3;
mod platform;
mod probe;
mod sfs_shares;
mod vpn_classic;
mod vpn_connections;
mod vpn_gateways;
