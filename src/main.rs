//! The `pglens` command line. Parses arguments, loads a source, and hands over to the
//! library; everything interesting lives in `pglens::*`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use pglens::source::{self, SourceSpec};

/// Terminal schema explorer and auditor for PostgreSQL and Supabase.
///
/// SOURCE is a connection string (postgres://user@host/db or "host=... dbname=..."),
/// a snapshot file written by `pglens snapshot`, or empty to connect with the PG*
/// environment variables, as psql does.
#[derive(Parser)]
#[command(name = "pglens", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// What to open.
    source: Option<String>,
    /// Open the embedded demo schema instead of a SOURCE.
    #[arg(long)]
    demo: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Save a source's schema as a JSON snapshot that pglens can open later.
    Snapshot {
        /// What to read (see `pglens --help`).
        source: Option<String>,
        /// Read the embedded demo schema.
        #[arg(long)]
        demo: bool,
        /// Where to write the snapshot.
        #[arg(short, long, value_name = "FILE.json")]
        output: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("pglens: cannot start: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pglens: {e:#}");
            ExitCode::from(2)
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Some(Command::Snapshot {
            source,
            demo,
            output,
        }) => {
            let catalog = load(source.as_deref(), demo).await?;
            source::snapshot::save(&catalog, &output)?;
            eprintln!(
                "pglens: wrote {} ({} relations)",
                output.display(),
                catalog.relations.len()
            );
            Ok(())
        }
        None => {
            let catalog = load(cli.source.as_deref(), cli.demo).await?;
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`pglens | head`) is not an error worth reporting.
            let _ = stdout.write_all(pglens::report::summary(&catalog).as_bytes());
            Ok(())
        }
    }
}

async fn load(source: Option<&str>, demo: bool) -> anyhow::Result<pglens::model::Catalog> {
    let spec = SourceSpec::parse(source, demo)?;
    let interactive = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let mut progress = |p: source::live::Progress| {
        if interactive {
            eprint!(
                "\r\x1b[Kreading {} ({}/{})",
                p.what,
                p.done + 1,
                source::live::introspect::STEPS
            );
        }
    };
    let mut warn = |w: String| eprintln!("pglens: warning: {w}");
    let result = source::load(&spec, &mut progress, &mut warn).await;
    if interactive && matches!(spec, SourceSpec::Live(_)) {
        eprint!("\r\x1b[K");
    }
    Ok(result?)
}
