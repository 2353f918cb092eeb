//! The `reflect` command line (clap, derive): the web server and the operator's commands, with
//! help per command. Every setting is an option and an environment variable (the option wins);
//! both reach [`super::Config::from_vars`], which checks them once at start.
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// What the exit codes mean, at the foot of `reflect --help` (and in the README).
pub const EXIT_CODES: &str = "\
Exit codes:
  0  done (for `serve`: stopped with Ctrl-C)
  1  failed: the database or the instruments could not be opened, an instrument file has a
     problem, the server could not listen
  2  wrong use: an unknown command or option, an invalid setting (the message names the variable,
     its value and the reason), an export refused";

#[derive(Debug, Parser)]
#[command(
    name = "reflect",
    version,
    about = "Reflect: leadership reflection for schools. Runs the web server (the default) and the operator's commands.",
    after_help = EXIT_CODES
)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The settings of every command. Options are strings here: `Config::from_vars` parses them, so
/// an invalid value gets the same message from an option as from its variable.
#[derive(Debug, Default, Args)]
#[command(next_help_heading = "Settings (each also read from the environment variable shown)")]
pub struct Settings {
    /// The database: sqlite://FILE (created if missing) or postgres://USER@HOST/NAME
    /// [default: sqlite://data/reflect.db]
    #[arg(long, env = "DATABASE_URL", global = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// A folder of instrument files that add to or replace the shipped ones (same file name)
    /// [default: none, the shipped instruments alone]
    #[arg(
        long,
        env = "REFLECT_INSTRUMENTS_DIR",
        global = true,
        value_name = "DIR"
    )]
    pub instruments_dir: Option<String>,
    /// The smallest group whose results show, at least 3 [default: 5]
    #[arg(long, env = "REFLECT_MIN_GROUP_SIZE", global = true, value_name = "K")]
    pub min_group_size: Option<String>,
    /// The smallest live workshop room whose results show, at least 3 [default: 5]
    #[arg(
        long,
        env = "REFLECT_LIVE_MIN_GROUP_SIZE",
        global = true,
        value_name = "K"
    )]
    pub live_min_group_size: Option<String>,
    /// Seconds a request may take before it is answered 408 [default: 30]
    #[arg(
        long,
        env = "REFLECT_REQUEST_TIMEOUT_SECS",
        global = true,
        value_name = "SECONDS"
    )]
    pub request_timeout_secs: Option<String>,
    /// The address respondents use, https://… (links, QR codes) [default: the request's host]
    #[arg(long, env = "REFLECT_PUBLIC_URL", global = true, value_name = "URL")]
    pub public_url: Option<String>,
    /// Proxies whose X-Forwarded-For names the client: addresses or networks, comma-separated
    /// [default: none]
    #[arg(
        long,
        env = "REFLECT_TRUSTED_PROXIES",
        global = true,
        value_name = "LIST"
    )]
    pub trusted_proxies: Option<String>,
    /// How log lines are written: text, or json (one object per line) [default: text]
    #[arg(long, env = "REFLECT_LOG_FORMAT", global = true, value_name = "FORMAT")]
    pub log_format: Option<String>,
    /// Days after its last change an unfinished reflection is deleted (daily) [default: 180]
    #[arg(
        long,
        env = "REFLECT_UNFINISHED_DAYS",
        global = true,
        value_name = "DAYS"
    )]
    pub unfinished_days: Option<String>,
    /// Days the export log keeps an entry (daily) [default: 730]
    #[arg(
        long,
        env = "REFLECT_EXPORT_LOG_DAYS",
        global = true,
        value_name = "DAYS"
    )]
    pub export_log_days: Option<String>,
    /// Serve Prometheus metrics at http://ADDR/metrics, a listener of its own; keep it off the
    /// public network [default: none, no metrics]
    #[arg(long, env = "REFLECT_METRICS_ADDR", global = true, value_name = "ADDR")]
    pub metrics_addr: Option<String>,
}

impl Settings {
    /// The value of a setting by its variable's name (an option given, else the variable).
    pub fn var(&self, name: &str) -> Option<String> {
        match name {
            "DATABASE_URL" => self.database_url.clone(),
            "REFLECT_INSTRUMENTS_DIR" => self.instruments_dir.clone(),
            "REFLECT_MIN_GROUP_SIZE" => self.min_group_size.clone(),
            "REFLECT_LIVE_MIN_GROUP_SIZE" => self.live_min_group_size.clone(),
            "REFLECT_REQUEST_TIMEOUT_SECS" => self.request_timeout_secs.clone(),
            "REFLECT_PUBLIC_URL" => self.public_url.clone(),
            "REFLECT_TRUSTED_PROXIES" => self.trusted_proxies.clone(),
            "REFLECT_LOG_FORMAT" => self.log_format.clone(),
            "REFLECT_UNFINISHED_DAYS" => self.unfinished_days.clone(),
            "REFLECT_EXPORT_LOG_DAYS" => self.export_log_days.clone(),
            "REFLECT_METRICS_ADDR" => self.metrics_addr.clone(),
            _ => std::env::var(name).ok(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (the default). It listens on LEPTOS_SITE_ADDR [default: 127.0.0.1:3000]
    Serve,
    /// Check instrument files and their translations without starting; exit 1 on any problem
    CheckInstruments {
        /// A folder of instrument files to check with the shipped ones it adds to or replaces
        /// [default: the instruments folder of the settings, if any]
        dir: Option<PathBuf>,
    },
    /// Rebuild the group results' running aggregates from the stored answers (a repair)
    RecomputeAggregates,
    /// Create an administrator account; the password comes from REFLECT_ADMIN_PASSWORD or is read
    /// from standard input
    CreateAdmin {
        /// The new administrator's e-mail address
        email: String,
    },
    /// Copy a live SQLite database into FILE, consistent while the server runs (VACUUM INTO);
    /// for PostgreSQL use pg_dump (see the README)
    Backup {
        /// The new file (it must not exist yet)
        file: PathBuf,
    },
    /// Write a research export to standard output, under the same rules as the web download
    Export(Box<crate::export::cli::ExportCommand>),
}

/// The command line of this process: on `--help`, `--version` or wrong use clap prints and exits
/// (0, or 2 for wrong use).
pub fn parse() -> Cli {
    Cli::parse()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_setting_is_an_option_with_its_variable_in_the_help() {
        let help = Cli::command().render_long_help().to_string();
        for name in [
            "DATABASE_URL",
            "REFLECT_INSTRUMENTS_DIR",
            "REFLECT_MIN_GROUP_SIZE",
            "REFLECT_LIVE_MIN_GROUP_SIZE",
            "REFLECT_REQUEST_TIMEOUT_SECS",
            "REFLECT_PUBLIC_URL",
            "REFLECT_TRUSTED_PROXIES",
            "REFLECT_LOG_FORMAT",
            "REFLECT_UNFINISHED_DAYS",
            "REFLECT_EXPORT_LOG_DAYS",
        ] {
            assert!(help.contains(&format!("[env: {name}")), "{name} in\n{help}");
        }
        for command in [
            "serve",
            "check-instruments",
            "recompute-aggregates",
            "create-admin",
            "backup",
            "export",
        ] {
            assert!(help.contains(command), "{command}");
        }
        assert!(help.contains("Exit codes:"));
        assert!(
            !help.contains("bench"),
            "benchmarks are not a user's command"
        );
    }

    #[test]
    fn an_option_takes_the_place_of_its_variable() {
        let cli = Cli::try_parse_from(["reflect", "serve", "--min-group-size", "7"]).unwrap();
        assert_eq!(
            cli.settings.var("REFLECT_MIN_GROUP_SIZE").as_deref(),
            Some("7")
        );
        assert!(matches!(cli.command, Some(Command::Serve)));
        // and the value is checked like the variable's
        let e = super::super::Config::from_vars(|k| cli.settings.var(k));
        assert!(e.is_ok());
        let cli = Cli::try_parse_from(["reflect", "--min-group-size", "1O"]).unwrap();
        let e = super::super::Config::from_vars(|k| cli.settings.var(k)).unwrap_err();
        assert!(
            e.contains("REFLECT_MIN_GROUP_SIZE") && e.contains("\"1O\""),
            "{e}"
        );
        assert!(cli.command.is_none(), "serve is the default");
    }

    #[test]
    fn the_commands_parse_as_before() {
        let cli = Cli::try_parse_from(["reflect", "check-instruments", "some/dir"]).unwrap();
        assert!(
            matches!(cli.command, Some(Command::CheckInstruments { dir: Some(d) }) if d.as_path() == std::path::Path::new("some/dir"))
        );
        // an export's --version is the questionnaire's, not the program's
        let cli = Cli::try_parse_from([
            "reflect",
            "export",
            "responses",
            "--as",
            "r@x.org",
            "--version",
            "2",
        ])
        .unwrap();
        assert!(
            matches!(cli.command, Some(Command::Export(e)) if e.version.as_deref() == Some("2"))
        );
        let cli = Cli::try_parse_from(["reflect", "create-admin", "a@x.org"]).unwrap();
        assert!(matches!(cli.command, Some(Command::CreateAdmin { email }) if email == "a@x.org"));
        assert!(Cli::try_parse_from(["reflect", "create-admin"]).is_err());
        let e = Cli::try_parse_from(["reflect", "frobnicate"]).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        let e = Cli::try_parse_from(["reflect", "--help"]).unwrap_err();
        assert_eq!(e.exit_code(), 0, "help is not an error");
    }
}
