use clap::Parser;
use otc_emulator::config::{Cli, Command, Config, LogFormat};

// Serving a request is allocation after allocation (JSON values, strings);
// glibc's allocator was a third of a list's time, mimalloc a fraction of it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("OTC_EMULATOR_LOG").unwrap_or_else(|_| "info".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    let (args, coverage) = match cli.command {
        None => (cli.serve, None),
        Some(Command::Serve(a)) => (a, None),
        Some(Command::Coverage { operations }) => (cli.serve, Some(operations)),
    };
    let cfg = match Config::resolve(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("otc-emulator: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    runtime.block_on(async move {
        if let Some(path) = coverage {
            let tsv = match std::fs::read_to_string(&path) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("otc-emulator: {}: {e}", path.display());
                    return std::process::ExitCode::from(2);
                }
            };
            let cfg = Config { store: otc_emulator::config::StoreKind::Memory, listen: "127.0.0.1:0".parse().unwrap(), ..cfg };
            let server = match otc_emulator::start(cfg).await {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("otc-emulator: {e}");
                    return std::process::ExitCode::from(1);
                }
            };
            print!("{}", otc_emulator::coverage::report(&tsv, &server.gateway));
            server.stop().await;
            return std::process::ExitCode::SUCCESS;
        }
        init_logging(cfg.log_format);
        match otc_emulator::start(cfg.clone()).await {
            Ok(server) => {
                tracing::info!(addr = %server.addr, base_url = %server.base_url, store = ?cfg.store, "otc-emulator serving");
                server.run_until_signal().await;
                std::process::ExitCode::SUCCESS
            }
            Err(e) => {
                tracing::error!("{e}");
                eprintln!("otc-emulator: {e}");
                std::process::ExitCode::from(1)
            }
        }
    })
}
