//! The benchmarks (never shipped: `reflect` holds none of this). `reflect-bench COMMAND`:
//! `results [N]`, `live [SCREENS] [PARTICIPANTS] [PAUSE_MS]`,
//! `live-rooms [ROOMS] [PARTICIPANTS_PER_ROOM] [PAUSE_MS] [SCREENS_PER_ROOM]`, `export [N] [SAVERS] [PAUSE_MS]`,
//! `load [RESPONDENTS] [SECONDS] [CONNECTIONS]`, `finish [BACKGROUND] [FINISHES]`, and `serve-local`, the server they start as a
//! process of their own. scripts/bench-*.sh build and run it; docs/performance.md has the figures.

// as the shipped binary (src/main.rs), so that the figures are the server's
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = match reflect::server::Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("reflect-bench: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    match args.first() {
        Some(name) => reflect::server::bench::command(name, &args, &config).await,
        None => {
            eprintln!(
                "Usage: reflect-bench [results [N] | live [SCREENS] [PARTICIPANTS] [PAUSE_MS] | live-rooms [ROOMS] [PARTICIPANTS_PER_ROOM] [PAUSE_MS] [SCREENS_PER_ROOM] | export [N] [SAVERS] [PAUSE_MS] | load [RESPONDENTS] [SECONDS] [CONNECTIONS] | finish [BACKGROUND] [FINISHES] | serve-local]"
            );
            std::process::ExitCode::from(2)
        }
    }
}
