//! Continuous token issuance, as a CI day of `openstack` commands does
//! (each one asks for a token): memory and the database must stay flat,
//! because nothing is stored per token.

use crate::emulator::{self, Emulator};
use crate::load::{self, Req, Target};
use std::sync::Arc;
use std::time::Duration;

pub struct Report {
    pub tokens: u64,
    pub errors: u64,
    pub seconds: f64,
    pub rss_kib: (Option<u64>, Option<u64>),
    pub db_kib: (u64, u64),
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kib = |v: Option<u64>| v.map(|k| format!("{k} KiB")).unwrap_or_else(|| "n/a".into());
        write!(
            f,
            "{} tokens in {:.0} s ({} errors); resident memory {} before, {} after; database {} KiB before, {} KiB after",
            self.tokens,
            self.seconds,
            self.errors,
            kib(self.rss_kib.0),
            kib(self.rss_kib.1),
            self.db_kib.0,
            self.db_kib.1
        )
    }
}

/// The SQLite file and its write-ahead log, in KiB.
fn database_kib(emu: &Emulator) -> u64 {
    ["state.db", "state.db-wal"].iter().filter_map(|f| std::fs::metadata(emu.data_dir.join(f)).ok()).map(|m| m.len()).sum::<u64>() / 1024
}

/// Issues password tokens on 8 connections for `seconds`.
pub async fn run(emu: &Emulator, seconds: f64) -> Report {
    let target = Target { addr: emu.addr, next: Arc::new(|_| Req::post("/v3/auth/tokens", emulator::password_body())), ok: &[201] };
    // A moment of the same load first, so that what the allocator keeps
    // for 8 busy connections is in the "before" figure.
    load::run(&target, 8, Duration::from_millis(200)).await;
    let (rss, db) = (emu.rss_kib(), database_kib(emu));
    let s = load::run(&target, 8, Duration::from_secs_f64(seconds)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    Report { tokens: s.requests, errors: s.errors, seconds: s.seconds, rss_kib: (rss, emu.rss_kib()), db_kib: (db, database_kib(emu)) }
}
