// The server allocates many small, short-lived strings per request (rendered pages, rows);
// mimalloc does that with far less time in the allocator than glibc's malloc under load.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    reflect::server::main().await
}
