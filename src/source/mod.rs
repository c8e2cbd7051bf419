//! Where a [`Catalog`] comes from: a live database, a snapshot file, the embedded demo, or
//! migration files read offline. All I/O of the program's inputs lives under here.

pub mod code;
pub mod demo;
pub mod live;
pub mod local_stack;
pub mod snapshot;
pub mod sqlfiles;

use std::path::{Path, PathBuf};

use crate::model::Catalog;

/// A source the user named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceSpec {
    /// A connection string (URL or key=value); empty means "from the PG* environment".
    Live(String),
    Snapshot(PathBuf),
    /// `.sql` files and folders of them, applied in migration order on top of a platform
    /// baseline.
    SqlFiles(Vec<PathBuf>, sqlfiles::Base),
    Demo,
}

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error(transparent)]
    Live(#[from] live::LiveError),
    #[error(transparent)]
    Snapshot(#[from] snapshot::SnapshotError),
    #[error(transparent)]
    SqlFiles(#[from] sqlfiles::SqlFilesError),
    #[error("only .sql files and folders can be combined; \"{0}\" is neither")]
    NotSqlFiles(String),
    #[error(
        "\"{0}\" is neither a file nor a connection string (postgres://... or host=... dbname=...)"
    )]
    Unrecognised(String),
}

impl SourceSpec {
    /// Interprets the command line's SOURCE arguments: one source, or several `.sql` files
    /// and folders applied together.
    pub fn parse_all(args: &[String], demo: bool) -> Result<SourceSpec, SourceError> {
        match args {
            [] => SourceSpec::parse(None, demo),
            [one] => SourceSpec::parse(Some(one), demo),
            many => {
                let mut paths = Vec::new();
                for arg in many {
                    match SourceSpec::parse(Some(arg), false)? {
                        SourceSpec::SqlFiles(p, _) => paths.extend(p),
                        _ => return Err(SourceError::NotSqlFiles(arg.clone())),
                    }
                }
                Ok(SourceSpec::SqlFiles(paths, sqlfiles::Base::Auto))
            }
        }
    }

    /// A label for the source that is safe to show.
    pub fn label(&self) -> String {
        match self {
            SourceSpec::Demo => "demo".into(),
            SourceSpec::Snapshot(p) => p.display().to_string(),
            SourceSpec::SqlFiles(paths, _) => paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(" "),
            SourceSpec::Live(conninfo) => {
                live::conninfo::resolve(conninfo, &live::conninfo::ProcessEnvironment)
                    .map(|p| p.label())
                    .unwrap_or_else(|_| "database".into())
            }
        }
    }

    /// The same source, with migration files read on top of `base` (`--base`).
    pub fn with_base(self, base: sqlfiles::Base) -> SourceSpec {
        match self {
            SourceSpec::SqlFiles(paths, _) => SourceSpec::SqlFiles(paths, base),
            other => other,
        }
    }

    /// Interprets a command-line SOURCE argument.
    pub fn parse(arg: Option<&str>, demo: bool) -> Result<SourceSpec, SourceError> {
        if demo {
            return Ok(SourceSpec::Demo);
        }
        let Some(arg) = arg else {
            return Ok(SourceSpec::Live(String::new()));
        };
        if live::conninfo::looks_like_conninfo(arg) {
            return Ok(SourceSpec::Live(arg.into()));
        }
        let path = Path::new(arg);
        if path.is_dir() || arg.ends_with(".sql") {
            return Ok(SourceSpec::SqlFiles(
                vec![path.into()],
                sqlfiles::Base::Auto,
            ));
        }
        if path.is_file() {
            return Ok(SourceSpec::Snapshot(path.into()));
        }
        Err(SourceError::Unrecognised(arg.into()))
    }
}

/// Loads a catalog. `progress` hears about each step of a live introspection; `warn`
/// receives things the user should know that did not stop the load.
pub async fn load(
    spec: &SourceSpec,
    progress: &mut (dyn FnMut(live::Progress) + Send),
    warn: &mut dyn FnMut(String),
) -> Result<Catalog, SourceError> {
    match spec {
        SourceSpec::Demo => Ok(snapshot::demo()),
        SourceSpec::Snapshot(path) => Ok(snapshot::load(path)?),
        SourceSpec::SqlFiles(paths, base) => {
            Ok(sqlfiles::load_with_progress(paths, *base, progress)?)
        }
        SourceSpec::Live(conninfo) => {
            let params = live::conninfo::resolve(conninfo, &live::conninfo::ProcessEnvironment)
                .map_err(|e| live::LiveError::ConnInfo(e.0))?;
            for w in &params.warnings {
                warn(w.clone());
            }
            progress(live::Progress::CONNECTING);
            let catalog = live::load(&params, progress).await?;
            if let Some(w) = live::introspect::version_warning(&catalog) {
                warn(w);
            }
            Ok(catalog)
        }
    }
}
