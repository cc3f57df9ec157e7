//! Settings: command line and environment (OTC_EMULATOR_*) first, then an
//! optional TOML file, then the defaults.

use clap::{Args, Parser, Subcommand, ValueEnum};
use otc_as::AsConfig;
use otc_compute::ComputeConfig;
use otc_evs::EvsConfig;
use otc_iam::IamConfig;
use otc_mrs::MrsConfig;
use otc_sfs::SfsConfig;
use otc_vpc::VpcConfig;
use otc_vpn::VpnConfig;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StoreKind {
    Sqlite,
    Memory,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Parser)]
#[command(name = "otc-emulator", version, about = "A local, offline stand-in for Open Telekom Cloud's public APIs")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the APIs (the default).
    Serve(ServeArgs),
    /// Print the coverage report: documented operations against served routes.
    Coverage {
        /// The operations.tsv of the API reference.
        #[arg(long, default_value = "../shared/otc-api-ref/operations.tsv")]
        operations: PathBuf,
    },
}

#[derive(Debug, Clone, Default, Args)]
pub struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:4600].
    #[arg(long, env = "OTC_EMULATOR_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// Directory of the SQLite database [default: ./.otc-emulator].
    #[arg(long, env = "OTC_EMULATOR_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Where state lives [default: sqlite].
    #[arg(long, env = "OTC_EMULATOR_STORE", value_enum)]
    pub store: Option<StoreKind>,
    /// The base URL clients reach the emulator at, used in catalogs and
    /// links [default: http://<listen address>].
    #[arg(long, env = "OTC_EMULATOR_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Log format [default: text].
    #[arg(long, env = "OTC_EMULATOR_LOG_FORMAT", value_enum)]
    pub log_format: Option<LogFormat>,
    /// Token lifetime in seconds [default: 86400].
    #[arg(long, env = "OTC_EMULATOR_TOKEN_TTL")]
    pub token_ttl: Option<u64>,
    /// A TOML configuration file (see README).
    #[arg(long, env = "OTC_EMULATOR_CONFIG")]
    pub config: Option<PathBuf>,
}

/// The configuration file's shape.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub listen: Option<SocketAddr>,
    pub data_dir: Option<PathBuf>,
    pub store: Option<StoreKind>,
    pub public_url: Option<String>,
    pub log_format: Option<LogFormat>,
    pub max_body_bytes: Option<usize>,
    pub identity: Option<IamConfig>,
    pub network: Option<VpcConfig>,
    pub compute: Option<ComputeConfig>,
    pub autoscaling: Option<AsConfig>,
    pub vpn: Option<VpnConfig>,
    pub sfs: Option<SfsConfig>,
    pub mrs: Option<MrsConfig>,
    pub evs: Option<EvsConfig>,
}

/// Everything resolved.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub store: StoreKind,
    pub public_url: Option<String>,
    pub log_format: LogFormat,
    pub max_body_bytes: usize,
    pub identity: IamConfig,
    pub network: VpcConfig,
    pub compute: ComputeConfig,
    pub autoscaling: AsConfig,
    pub vpn: VpnConfig,
    pub sfs: SfsConfig,
    pub mrs: MrsConfig,
    pub evs: EvsConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:4600".parse().expect("valid address"),
            data_dir: PathBuf::from(".otc-emulator"),
            store: StoreKind::Sqlite,
            public_url: None,
            log_format: LogFormat::Text,
            // The API gateway's documented body limit.
            max_body_bytes: 12 * 1024 * 1024,
            identity: IamConfig::default(),
            network: VpcConfig::default(),
            compute: ComputeConfig::default(),
            autoscaling: AsConfig::default(),
            vpn: VpnConfig::default(),
            sfs: SfsConfig::default(),
            mrs: MrsConfig::default(),
            evs: EvsConfig::default(),
        }
    }
}

impl Config {
    pub fn resolve(args: &ServeArgs) -> Result<Config, String> {
        let file: FileConfig = match &args.config {
            Some(p) => {
                let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
                toml::from_str(&text).map_err(|e| format!("{}: {e}", p.display()))?
            }
            None => FileConfig::default(),
        };
        let d = Config::default();
        let mut identity = file.identity.unwrap_or(d.identity);
        if let Some(ttl) = args.token_ttl {
            identity.token_ttl_seconds = ttl;
        }
        Ok(Config {
            listen: args.listen.or(file.listen).unwrap_or(d.listen),
            data_dir: args.data_dir.clone().or(file.data_dir).unwrap_or(d.data_dir),
            store: args.store.or(file.store).unwrap_or(d.store),
            public_url: args.public_url.clone().or(file.public_url),
            log_format: args.log_format.or(file.log_format).unwrap_or(d.log_format),
            max_body_bytes: file.max_body_bytes.unwrap_or(d.max_body_bytes),
            identity,
            network: file.network.unwrap_or(d.network),
            compute: file.compute.unwrap_or(d.compute),
            autoscaling: file.autoscaling.unwrap_or(d.autoscaling),
            vpn: file.vpn.unwrap_or(d.vpn),
            sfs: file.sfs.unwrap_or(d.sfs),
            mrs: file.mrs.unwrap_or(d.mrs),
            evs: file.evs.unwrap_or(d.evs),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::FileConfig;

    #[test]
    fn sfs_turbo_settings_parse_as_the_readme_writes_them() {
        let f: FileConfig = toml::from_str("[sfs]\nturbo_seconds = 5\n\n[sfs.turbo_quotas]\nshares = 3\n").unwrap();
        let sfs = f.sfs.unwrap();
        assert_eq!((sfs.turbo_seconds, sfs.turbo_quotas.shares, sfs.turbo_quotas.capacity), (5, 3, 1_048_576));
        assert!(toml::from_str::<FileConfig>("[sfs.turbo_quotas]\nfiles = 1\n").is_err(), "unknown keys are refused");
    }
}
