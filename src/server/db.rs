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

/// `$first, $first+1, …` for `n` values: numbered placeholders, as both backends take them.
pub fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl Db {
    /// Connects (creating a SQLite file and its folder when missing) and runs the migrations.
    pub async fn connect(url: &str) -> Result<Self, DbSetupError> {
        let db = Self::open(url, false).await?;
        MIGRATOR
            .run(&db.pool)
            .await
            .map_err(DbSetupError::Migrate)?;
        Ok(db)
    }

    /// The database as the answer writer (`reflection::saves`) uses it. SQLite: a pool of its own
    /// with one connection (SQLite has one writer anyway), so under load the writer never queues
    /// for a connection behind the readers. PostgreSQL, and an in-memory SQLite database (which a
    /// second pool would not see): the same pool.
    pub async fn for_writer(&self, url: &str) -> Result<Self, DbSetupError> {
        if self.backend == Backend::Postgres || url.contains(":memory:") {
            return Ok(self.clone());
        }
        Self::open(url, true).await
    }

    async fn open(url: &str, writer: bool) -> Result<Self, DbSetupError> {
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
            // the answer writer checkpoints little and often: a commit that copies the WAL back
            // waits for it, and under load the default (every 1,000 pages) sometimes took most
            // of a second
            let checkpoints = if writer {
                " PRAGMA wal_autocheckpoint = 100;"
            } else {
                ""
            };
            let pragmas = format!(
                "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = {synchronous};{checkpoints}"
            );
            // a connection to a local file does not go stale: no ping before every query
            options = options
                .max_connections(if writer { 1 } else { 8 })
                .test_before_acquire(false)
                .after_connect(move |conn, _| {
                    let pragmas = pragmas.clone();
                    Box::pin(async move {
                        conn.execute(pragmas.as_str()).await?;
                        Ok(())
                    })
                });
        } else {
            options = options.max_connections(16);
        }
        let pool = options.connect(&url).await.map_err(DbSetupError::Connect)?;
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
