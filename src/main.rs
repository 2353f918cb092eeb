#[tokio::main]
async fn main() -> std::process::ExitCode {
    reflect::server::main().await
}
