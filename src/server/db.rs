//! The database: one pool for SQLite or PostgreSQL through sqlx's Any driver, so every domain
//! writes its SQL once. SQLite gets WAL, a busy timeout and `BEGIN IMMEDIATE` write transactions.
use sqlx::any::{AnyArguments, AnyPoolOptions, install_default_drivers};
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

/// `($first, …), (…)`: `rows` tuples of `width` numbered placeholders from `$first`, for
/// multi-row `VALUES`.
pub fn value_rows(first: usize, rows: usize, width: usize) -> String {
    (0..rows)
        .map(|r| format!("({})", placeholders(first + r * width, width)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A value bound to a built statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Text(String),
    Int(i64),
}

impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Self::Text(v.to_string())
    }
}

impl From<&String> for Arg {
    fn from(v: &String) -> Self {
        Self::Text(v.clone())
    }
}

impl From<String> for Arg {
    fn from(v: String) -> Self {
        Self::Text(v)
    }
}

impl From<&crate::values::RespondentRole> for Arg {
    fn from(v: &crate::values::RespondentRole) -> Self {
        Self::Text(v.as_str().to_string())
    }
}

impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Self::Int(v)
    }
}

/// The one SQL builder for statements whose shape depends on input (filters): put together piece
/// by piece, each `?` of a piece becoming the next numbered placeholder (`$1`, `$2`, …, as both
/// backends take them) with its value kept in order. Values are always bound, never written into
/// the text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sql {
    pub text: String,
    pub args: Vec<Arg>,
}

impl Sql {
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_string(),
            args: Vec::new(),
        }
    }

    /// Appends text that binds nothing.
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends `piece`, whose one `?` stands for `value`.
    pub fn bind(&mut self, piece: &str, value: impl Into<Arg>) -> &mut Self {
        self.args.push(value.into());
        let mark = format!("${}", self.args.len());
        self.text.push_str(&piece.replacen('?', &mark, 1));
        self
    }

    /// Appends "`column` is one of `values`": `column = $n` for one, `column IN (…)` for more,
    /// and a condition nothing meets for none.
    pub fn bind_in<V>(&mut self, column: &str, values: &[V]) -> &mut Self
    where
        for<'v> &'v V: Into<Arg>,
    {
        match values {
            [] => self.push("1 = 0"),
            [one] => self.bind(&format!("{column} = ?"), one),
            _ => {
                self.text.push_str(column);
                self.text.push_str(" IN (");
                for (i, v) in values.iter().enumerate() {
                    self.bind(if i == 0 { "?" } else { ", ?" }, v);
                }
                self.push(")")
            }
        }
    }

    /// The statement as a query returning rows of `O`, its values bound.
    pub fn query_as<'q, O>(&'q self) -> sqlx::query::QueryAs<'q, sqlx::Any, O, AnyArguments<'q>>
    where
        O: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        let mut q = sqlx::query_as(&self.text);
        for a in &self.args {
            q = match a {
                Arg::Text(t) => q.bind(t.as_str()),
                Arg::Int(i) => q.bind(*i),
            };
        }
        q
    }

    /// The statement as a query returning one value per row, its values bound.
    pub fn query_scalar<'q, O>(
        &'q self,
    ) -> sqlx::query::QueryScalar<'q, sqlx::Any, O, AnyArguments<'q>>
    where
        (O,): for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        let mut q = sqlx::query_scalar(&self.text);
        for a in &self.args {
            q = match a {
                Arg::Text(t) => q.bind(t.as_str()),
                Arg::Int(i) => q.bind(*i),
            };
        }
        q
    }
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

    /// Tells every server on this PostgreSQL database something (`NOTIFY channel, payload`); on
    /// SQLite, where there is one server, nothing.
    pub async fn notify(&self, channel: &str, payload: &str) -> Result<(), sqlx::Error> {
        if self.backend != Backend::Postgres {
            return Ok(());
        }
        // pg_notify returns void, which the Any driver cannot decode: wrap it
        sqlx::query("SELECT 1 FROM (SELECT pg_notify($1, $2)) AS sent")
            .bind(channel)
            .bind(payload)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// Why `reflect backup` made no copy.
#[derive(Debug)]
pub enum BackupError {
    /// Not something to back up this way (PostgreSQL, a file that exists, no database).
    Refused(String),
    Failed(sqlx::Error),
}

/// `reflect backup FILE`: a consistent copy of a SQLite database, also while the server writes
/// to it (`VACUUM INTO` reads one snapshot through a read-only connection; the server's writes
/// go on meanwhile). The copy is a whole database, compacted, ready to be restored by putting
/// it in the database's place. Returns its size in bytes.
pub async fn backup(url: &str, file: &std::path::Path) -> Result<u64, BackupError> {
    use sqlx::Connection;
    let Some(rest) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    else {
        return Err(BackupError::Refused(
            "only a SQLite database is backed up this way; for PostgreSQL use pg_dump (README, \"Operations\")".into(),
        ));
    };
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" || !std::path::Path::new(path).exists() {
        return Err(BackupError::Refused(format!(
            "there is no database file at {path}"
        )));
    }
    if file.exists() {
        return Err(BackupError::Refused(format!(
            "{} exists already: choose a new file",
            file.display()
        )));
    }
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .busy_timeout(Duration::from_secs(30));
    let mut conn = sqlx::SqliteConnection::connect_with(&options)
        .await
        .map_err(BackupError::Failed)?;
    sqlx::query("VACUUM INTO ?1")
        .bind(file.to_string_lossy().into_owned())
        .execute(&mut conn)
        .await
        .map_err(BackupError::Failed)?;
    conn.close().await.map_err(BackupError::Failed)?;
    std::fs::metadata(file)
        .map(|m| m.len())
        .map_err(|e| BackupError::Failed(sqlx::Error::Io(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_rows_number_each_tuple_on() {
        assert_eq!(value_rows(1, 2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(value_rows(3, 1, 2), "($3, $4)");
        assert_eq!(value_rows(1, 0, 5), "");
    }

    #[test]
    fn pieces_number_their_placeholders_in_order() {
        let mut sql = Sql::new("SELECT n FROM t WHERE ");
        sql.bind("a = ?", "x")
            .push(" AND ")
            .bind_in("b", &["p".to_string(), "q".to_string()])
            .push(" AND ")
            .bind_in("c", &["only".to_string()])
            .bind(" AND v = ?", 7);
        assert_eq!(
            sql.text,
            "SELECT n FROM t WHERE a = $1 AND b IN ($2, $3) AND c = $4 AND v = $5"
        );
        assert_eq!(
            sql.args,
            [
                Arg::Text("x".into()),
                Arg::Text("p".into()),
                Arg::Text("q".into()),
                Arg::Text("only".into()),
                Arg::Int(7)
            ]
        );
        let mut none = Sql::default();
        none.bind_in::<String>("b", &[]);
        assert_eq!(none.text, "1 = 0");
        assert!(none.args.is_empty());
    }

    #[test]
    fn a_value_never_enters_the_text() {
        let mut sql = Sql::default();
        sql.bind("a = ?", "'; DROP TABLE answers; --?");
        assert_eq!(sql.text, "a = $1");
    }
}
