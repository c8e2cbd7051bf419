//! The command line's shape: every subcommand, argument and help text, in one place. `main.rs`
//! runs them; `pglens completions` and `pglens man` are generated from these definitions.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use pglens::audit::Severity;

/// The version `--version` prints: the crate's, and the commit it was built from when the
/// build could ask git (see `build.rs`); a build from a source archive prints the version
/// alone.
const VERSION: &str = env!("PGLENS_VERSION");

/// Terminal schema explorer and auditor for PostgreSQL and Supabase.
///
/// SOURCE is a connection string (postgres://user@host/db or "host=... dbname=..."),
/// a snapshot file written by `pglens snapshot`, or empty to connect with the PG*
/// environment variables, as psql does. On a terminal it opens the explorer; when the
/// output is not a terminal it prints a summary instead.
#[derive(Parser)]
#[command(name = "pglens", version = VERSION, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// What to open: a connection string, a snapshot, or .sql files and folders.
    #[arg(num_args = 0..)]
    pub source: Vec<String>,
    /// Open the embedded demo schema instead of a SOURCE.
    #[arg(long)]
    pub demo: bool,
    /// Theme: default, light, high-contrast, or a TOML file (overrides the config file).
    #[arg(long, value_name = "NAME|PATH")]
    pub theme: Option<String>,
    /// Categories file for the tree (overrides the config file).
    #[arg(long, value_name = "FILE")]
    pub categories: Option<PathBuf>,
    /// Ignore file to read and to write suppressions to (default: ./pglens.toml).
    #[arg(long, value_name = "FILE")]
    pub ignore_file: Option<PathBuf>,
    /// Cleanup plan file that `m` saves decisions to (default: ./pglens-plan.toml).
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    /// Compare with another source (a migration folder, a snapshot, a database) and show
    /// the differences in the drift view (D).
    #[arg(long, value_name = "OTHER")]
    pub drift: Option<String>,
    /// Show only this schema in the explorer (repeatable; overrides the config's
    /// `[schemas] include`).
    #[arg(long = "schema", value_name = "NAME")]
    pub schemas: Vec<String>,
    /// Print the plain-text summary instead of opening the explorer.
    #[arg(long)]
    pub summary: bool,
    /// Ask for the database password before connecting, as psql -W does. Without it,
    /// pglens asks only when the server wants a password that was not given.
    #[arg(short = 'W', long = "password", global = true)]
    pub ask_password: bool,
    /// What migration files are applied on top of: `supabase` (the platform's auth,
    /// storage, roles and grants, which a Supabase project's migrations reference but never
    /// create), `none`, or `auto` (supabase when the files are a Supabase project's).
    #[arg(long, value_name = "BASE", global = true, default_value = "auto")]
    pub base: BaseArg,
    /// The application's source code, searched for references to every table, view and
    /// function (repeatable; the config's `code` otherwise). Shown in the Usage tab and
    /// the table list, cited by unused-table, listed in the plan.
    #[arg(long = "code", value_name = "DIR", global = true)]
    pub code: Vec<PathBuf>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Check a schema against pglens's rules and print the findings.
    ///
    /// Exit status: 0, or 1 when a finding at or above --fail-on is open (not suppressed),
    /// or 2 on a usage or connection error.
    #[command(after_long_help = AUDIT_EXAMPLES)]
    Audit {
        /// What to read (see `pglens --help`); several .sql files and folders apply together.
        #[arg(num_args = 0..)]
        source: Vec<String>,
        /// Audit the embedded demo schema.
        #[arg(long)]
        demo: bool,
        /// How to print the findings: text for people, json and sarif for tools, markdown
        /// for a review document.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Leave out findings below this severity.
        #[arg(long, value_enum, default_value_t = SeverityArg::Info)]
        min_severity: SeverityArg,
        /// Exit with status 1 when an open finding is at least this severe.
        #[arg(long, value_enum, default_value_t = SeverityArg::Critical)]
        fail_on: SeverityArg,
        /// Run only this rule (repeatable).
        #[arg(long = "rule", value_name = "ID")]
        rules: Vec<String>,
        /// Do not run this rule (repeatable).
        #[arg(long = "skip", value_name = "ID")]
        skip: Vec<String>,
        /// Ignore file (default: ./pglens.toml, then ./.pglens/ignore.toml).
        #[arg(long, value_name = "FILE")]
        ignore_file: Option<PathBuf>,
    },
    /// Where the application's code (--code DIR) refers to each table, view and function:
    /// Supabase client calls, ORM declarations, SQL, and bare mentions, by file and line.
    #[command(after_long_help = REFS_EXAMPLES)]
    Refs {
        /// What to read (see `pglens --help`); several .sql files and folders apply together.
        #[arg(num_args = 0..)]
        source: Vec<String>,
        /// Use the embedded demo schema.
        #[arg(long)]
        demo: bool,
        #[arg(long, value_enum, default_value_t = RefsFormat::Text)]
        format: RefsFormat,
    },
    /// What one user, or anon, or any role can read, counted as that user in a read-only
    /// transaction; rows that belong to another user or tenant are leaks.
    ///
    /// Exit status: 0 when nothing leaks, 1 when something does, 2 on an error.
    #[command(after_long_help = RLS_EXAMPLES)]
    Rls {
        /// A live database (a connection string or URL).
        source: String,
        /// The user to read as: an `auth.users` id or e-mail (as `authenticated`), or `anon`.
        #[arg(long = "as", value_name = "USER", conflicts_with = "role")]
        as_user: Option<String>,
        /// Read as this role instead, with only the claims `--claims` gives.
        #[arg(long, value_name = "ROLE")]
        role: Option<String>,
        /// JWT claims to add or override, as a JSON object (`{"app_metadata": {...}}`).
        #[arg(long, value_name = "JSON")]
        claims: Option<String>,
        /// Longest one count may run, in seconds.
        #[arg(long, value_name = "SECONDS", default_value_t = 5)]
        timeout: u64,
        #[arg(long, value_enum, default_value_t = RlsFormat::Text)]
        format: RlsFormat,
    },
    /// Show what pglens detects about this terminal: tmux, SSH, display, clipboard routes,
    /// config file and theme.
    Doctor,
    /// List the rules, or explain one.
    Rules {
        /// A rule id, to print its documentation.
        id: Option<String>,
        #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
    },
    /// Compare two schemas: tables, columns, indexes, constraints, policies, views and
    /// functions only in one, or different.
    ///
    /// Exit status: 0 when they agree, 1 when they differ, 2 on an error.
    #[command(after_long_help = DIFF_EXAMPLES)]
    Diff {
        /// The schema as it was (or should be): a connection string, a snapshot, or a
        /// migration folder or .sql file.
        old: String,
        /// The schema as it is.
        new: String,
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
    },
    /// The cleanup plan: decisions made in the explorer (`m`) or by hand in the plan file.
    Plan {
        #[command(subcommand)]
        command: PlanCommand,
    },
    /// Save a source's schema as a JSON snapshot that pglens can open later.
    Snapshot {
        /// What to read (see `pglens --help`); several .sql files and folders apply together.
        #[arg(num_args = 0..)]
        source: Vec<String>,
        /// Read the embedded demo schema.
        #[arg(long)]
        demo: bool,
        /// Where to write the snapshot.
        #[arg(short, long, value_name = "FILE.json")]
        output: PathBuf,
    },
    /// Print a shell completion script for pglens.
    ///
    /// bash: `pglens completions bash > ~/.local/share/bash-completion/completions/pglens`;
    /// zsh: `pglens completions zsh > ~/.zfunc/_pglens` (with ~/.zfunc in $fpath);
    /// fish: `pglens completions fish > ~/.config/fish/completions/pglens.fish`.
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), or write one page per command into a folder.
    ///
    /// `pglens man | man -l -` reads it now; `pglens man --dir /usr/local/share/man/man1`
    /// installs pglens.1, pglens-audit.1 and the others.
    Man {
        /// Write pglens.1 and a page per subcommand into this folder instead of printing.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

const AUDIT_EXAMPLES: &str = "\
Examples:
  pglens audit postgres://me@localhost/app
      Audit a live database (read-only); findings as text.
  pglens audit supabase/migrations --format sarif > pglens.sarif
      Audit a migration folder offline, for a code-scanning upload.
  pglens audit \"$DATABASE_URL\" --fail-on warning --min-severity warning
      Fail a CI job on any open warning or critical, and print only those.
  pglens audit snapshot.json --rule unindexed-foreign-key --format json
      Run one rule on a saved snapshot; `pglens rules` lists the ids.
  pglens audit --demo --format markdown > AUDIT.md
      A review document of the embedded demo schema.

Suppressions are read from ./pglens.toml (or --ignore-file); `pglens rules ID` explains a rule.";

const RLS_EXAMPLES: &str = "\
Examples:
  pglens rls \"$DATABASE_URL\" --as anon
      What an anonymous API caller can read, and whose rows those are.
  pglens rls \"$DATABASE_URL\" --as alice@example.com --format json
      As one user: every table's visible rows, and a top-level `leaks` list for CI.
  pglens rls \"$DATABASE_URL\" --role reporting --claims '{\"sub\": \"...\"}'
      As any role, with the claims its policies read.
";

const REFS_EXAMPLES: &str = "\
Examples:
  pglens refs supabase/migrations --code .
      Which tables the app in this folder uses, read from its own migrations.
  pglens refs \"$DATABASE_URL\" --code ../web --code ../worker --format json
      Two code bases against the live schema, for a script.

Migrations, vendored and build folders, .gitignored files, lock files and binaries are not
searched. A bare mention (a comment, an identifier) is listed as such: look before dropping.";

const DIFF_EXAMPLES: &str = "\
Examples:
  pglens diff supabase/migrations postgres://me@localhost/app
      What the database has that the migrations do not say, and the reverse.
  pglens diff before.json after.json --format markdown
      Two snapshots, as a review document.";

#[derive(Subcommand)]
pub enum PlanCommand {
    /// Write the plan as Markdown (phases, evidence, risks) and as one SQL script (backups,
    /// merges, drops in dependency order, rollback). pglens never runs the script.
    Export {
        /// What the plan is about (see `pglens --help`); evidence and dependents come from it.
        #[arg(num_args = 0..)]
        source: Vec<String>,
        /// Use the embedded demo schema.
        #[arg(long)]
        demo: bool,
        /// The plan file (default: ./pglens-plan.toml).
        #[arg(long, value_name = "FILE")]
        plan: Option<PathBuf>,
        /// Where to write PLAN.md and PLAN.sql (default: beside the plan file).
        #[arg(short, long, value_name = "DIR")]
        output_dir: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum BaseArg {
    Auto,
    None,
    Supabase,
}

impl From<BaseArg> for pglens::source::sqlfiles::Base {
    fn from(b: BaseArg) -> Self {
        match b {
            BaseArg::Auto => Self::Auto,
            BaseArg::None => Self::None,
            BaseArg::Supabase => Self::Supabase,
        }
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Markdown,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum DiffFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum RlsFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum RefsFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum SeverityArg {
    Info,
    Warning,
    Critical,
}

impl From<SeverityArg> for Severity {
    fn from(s: SeverityArg) -> Self {
        match s {
            SeverityArg::Info => Severity::Info,
            SeverityArg::Warning => Severity::Warning,
            SeverityArg::Critical => Severity::Critical,
        }
    }
}
