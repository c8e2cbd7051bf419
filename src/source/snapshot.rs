//! Snapshots: a [`Catalog`] saved as versioned JSON, and the embedded demo, which is one.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::model::{Catalog, SourceKind, SNAPSHOT_FORMAT_VERSION};

/// The marker every snapshot file carries, so a random JSON file is refused clearly.
const FORMAT_NAME: &str = "pglens-snapshot";

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("cannot read snapshot {path}: {detail}")]
    Read { path: String, detail: String },
    #[error("cannot write snapshot {path}: {detail}")]
    Write { path: String, detail: String },
    #[error("{path} is not a pglens snapshot: {detail}")]
    NotASnapshot { path: String, detail: String },
    #[error("{path} is a version {found} snapshot; this pglens reads version {supported} (upgrade pglens or re-take the snapshot)")]
    Version {
        path: String,
        found: u32,
        supported: u32,
    },
}

#[derive(Serialize, Deserialize)]
struct Envelope<C> {
    format: String,
    version: u32,
    pglens_version: String,
    catalog: C,
}

#[derive(Deserialize)]
struct Header {
    format: String,
    version: u32,
}

/// Serializes a catalog as a snapshot document.
pub fn to_json(catalog: &Catalog) -> String {
    let envelope = Envelope {
        format: FORMAT_NAME.into(),
        version: SNAPSHOT_FORMAT_VERSION,
        pglens_version: env!("CARGO_PKG_VERSION").into(),
        catalog,
    };
    // Serializing plain data with string keys cannot fail.
    serde_json::to_string_pretty(&envelope).unwrap_or_default() + "\n"
}

/// Parses a snapshot document. `name` is used in error messages.
pub fn from_json(text: &str, name: &str) -> Result<Catalog, SnapshotError> {
    let header: Header = serde_json::from_str(text).map_err(|e| SnapshotError::NotASnapshot {
        path: name.into(),
        detail: e.to_string(),
    })?;
    if header.format != FORMAT_NAME {
        return Err(SnapshotError::NotASnapshot {
            path: name.into(),
            detail: format!("its format is \"{}\"", header.format),
        });
    }
    if header.version != SNAPSHOT_FORMAT_VERSION {
        return Err(SnapshotError::Version {
            path: name.into(),
            found: header.version,
            supported: SNAPSHOT_FORMAT_VERSION,
        });
    }
    let envelope: Envelope<Catalog> =
        serde_json::from_str(text).map_err(|e| SnapshotError::NotASnapshot {
            path: name.into(),
            detail: e.to_string(),
        })?;
    Ok(envelope.catalog)
}

/// Loads a snapshot file; the catalog is marked as coming from a snapshot.
pub fn load(path: &Path) -> Result<Catalog, SnapshotError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| SnapshotError::Read {
        path: name.clone(),
        detail: e.to_string(),
    })?;
    let mut catalog = from_json(&text, &name)?;
    catalog.meta.source = SourceKind::Snapshot;
    if catalog.meta.source_label.is_empty() {
        catalog.meta.source_label = name;
    }
    Ok(catalog)
}

/// Writes a snapshot file, atomically: a half-written file never replaces a good one.
pub fn save(catalog: &Catalog, path: &Path) -> Result<(), SnapshotError> {
    let name = path.display().to_string();
    let err = |e: std::io::Error| SnapshotError::Write {
        path: name.clone(),
        detail: e.to_string(),
    };
    crate::files::write(path, to_json(catalog).as_bytes()).map_err(err)
}

/// The embedded demo schema, with its made-up usage statistics (see `demo.rs`).
pub fn demo() -> Catalog {
    super::demo::catalog()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_refusals() {
        let demo = demo();
        assert!(demo.relations.len() >= 60, "embedded demo is loaded");
        let back = from_json(&to_json(&demo), "x").unwrap();
        assert_eq!(back, demo);

        let err = from_json("{\"a\":1}", "f.json").unwrap_err();
        assert!(err.to_string().contains("not a pglens snapshot"), "{err}");
        let err = from_json(
            r#"{"format":"pglens-snapshot","version":999,"pglens_version":"9","catalog":{}}"#,
            "f.json",
        )
        .unwrap_err();
        assert!(err.to_string().contains("version 999"), "{err}");
    }
}
