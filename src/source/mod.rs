//! Where a [`Catalog`] comes from: a live database, a snapshot file, the embedded demo, or
//! (later) a folder of migration files. All I/O of the program's inputs lives under here.

pub mod demo;
pub mod live;
pub mod snapshot;

use std::path::{Path, PathBuf};

use crate::model::Catalog;

/// A source the user named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceSpec {
    /// A connection string (URL or key=value); empty means "from the PG* environment".
    Live(String),
    Snapshot(PathBuf),
    SqlFiles(PathBuf),
    Demo,
}

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error(transparent)]
    Live(#[from] live::LiveError),
    #[error(transparent)]
    Snapshot(#[from] snapshot::SnapshotError),
    #[error("{0}: reading migration files is not supported yet; apply them to a scratch database and point pglens at it")]
    SqlFilesUnsupported(String),
    #[error(
        "\"{0}\" is neither a file nor a connection string (postgres://... or host=... dbname=...)"
    )]
    Unrecognised(String),
}

impl SourceSpec {
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
            return Ok(SourceSpec::SqlFiles(path.into()));
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
    progress: &mut dyn FnMut(live::Progress),
    warn: &mut dyn FnMut(String),
) -> Result<Catalog, SourceError> {
    match spec {
        SourceSpec::Demo => Ok(snapshot::demo()),
        SourceSpec::Snapshot(path) => Ok(snapshot::load(path)?),
        SourceSpec::SqlFiles(path) => {
            Err(SourceError::SqlFilesUnsupported(path.display().to_string()))
        }
        SourceSpec::Live(conninfo) => {
            let params = live::conninfo::resolve(conninfo, &live::conninfo::ProcessEnvironment)
                .map_err(|e| live::LiveError::ConnInfo(e.0))?;
            for w in &params.warnings {
                warn(w.clone());
            }
            let catalog = live::load(&params, progress).await?;
            if let Some(w) = live::introspect::version_warning(&catalog) {
                warn(w);
            }
            Ok(catalog)
        }
    }
}
