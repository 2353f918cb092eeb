//! The database: one pool for SQLite or PostgreSQL through sqlx's Any driver, so every domain
//! writes its SQL once. SQLite gets WAL, a busy timeout and `BEGIN IMMEDIATE` write transactions.
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
}

#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    #[error("DATABASE_URL must start with sqlite: or postgres:, got “{0}”")]
    Scheme(String),
    #[error("cannot create the folder for the SQLite file {0}: {1}")]
    Folder(String, std::io::Error),
    #[error("cannot connect to the database: {0}")]
    Connect(sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(sqlx::migrate::MigrateError),
}

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl Db {
    /// Connects (creating a SQLite file and its folder when missing) and runs the migrations.
    pub async fn connect(url: &str) -> Result<Self, DbSetupError> {
        install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(DbSetupError::Scheme(url.into()));
        };
        let mut url = url.to_string();
        let mut options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(10));
        if backend == Backend::Sqlite {
            let path = url
                .trim_start_matches("sqlite://")
                .trim_start_matches("sqlite:");
            let path = path.split('?').next().unwrap_or_default().to_string();
            if path != ":memory:"
                && let Some(parent) = std::path::Path::new(&path).parent()
                && !parent.as_os_str().is_empty()
            {
                std::fs::create_dir_all(parent)
                    .map_err(|e| DbSetupError::Folder(path.clone(), e))?;
            }
            if !url.contains("mode=") {
                url.push_str(if url.contains('?') {
                    "&mode=rwc"
                } else {
                    "?mode=rwc"
                });
            }
            // NORMAL by default (in WAL mode: never corrupt, may lose the last commits on power
            // loss); REFLECT_SQLITE_SYNCHRONOUS=FULL also syncs every commit
            let synchronous = match std::env::var("REFLECT_SQLITE_SYNCHRONOUS").as_deref() {
                Ok("FULL" | "full") => "FULL",
                _ => "NORMAL",
            };
            let pragmas: &'static str = if synchronous == "FULL" {
                "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;"
            } else {
                "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;"
            };
            options = options.max_connections(8).after_connect(move |conn, _| {
                Box::pin(async move {
                    conn.execute(pragmas).await?;
                    Ok(())
                })
            });
        } else {
            options = options.max_connections(16);
        }
        let pool = options.connect(&url).await.map_err(DbSetupError::Connect)?;
        MIGRATOR.run(&pool).await.map_err(DbSetupError::Migrate)?;
        Ok(Self { pool, backend })
    }

    /// A write transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`), so it
    /// waits for the busy timeout instead of failing when two writers meet.
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }
}
