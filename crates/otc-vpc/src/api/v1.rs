//! VPC v1 facade.
use crate::Vpc;
use otc_core::api::Op;
use std::sync::Arc;

pub fn ops(_s: &Arc<Vpc>) -> Vec<Op> {
    Vec::new()
}
