//! The cleanup review: what the evidence says about each table ([`evidence`]), the
//! decisions a reviewer records about them (this file: the plan and its file), and the plan
//! written out as Markdown and as a SQL script ([`export`]). Everything is pure except
//! [`read`], [`write`] and [`export_files`], which move whole files, as the ignore file's
//! module does.
//!
//! The plan file is TOML, one `[[table]]` per decision, sorted by table so that it diffs
//! well under version control:
//!
//! ```toml
//! [[table]]
//! schema = "public"
//! name = "audit_log"
//! decision = "merge"
//! into = { schema = "public", name = "audit_logs" }
//! note = "legacy writer removed in v2.3"
//!
//! [[table]]
//! schema = "public"
//! name = "brand_assets"
//! decision = "merge"
//! into = { schema = "public", name = "media_assets" }
//! # Values for columns of the kept table that the merged one lacks: SQL over its columns.
//! map = { tenant_id = "(SELECT b.tenant_id FROM public.brands b WHERE b.id = brand_id)" }
//! ```

pub mod evidence;
pub mod export;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::model::{Catalog, QualifiedName};

/// Where the plan is kept unless told otherwise: beside the ignore file, in the directory
/// pglens runs from.
pub const DEFAULT_PLAN_FILE: &str = "pglens-plan.toml";

/// What the reviewer decided about a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Keep,
    Drop,
    /// Copy the rows into another table, then drop this one.
    Merge {
        into: QualifiedName,
        /// Kept-table column -> SQL expression over this table's columns, for columns the
        /// shared-name mapping cannot fill.
        map: BTreeMap<String, String>,
    },
    Investigate,
}

impl Decision {
    pub fn label(&self) -> String {
        match self {
            Decision::Keep => "keep".into(),
            Decision::Drop => "drop".into(),
            Decision::Merge { into, .. } => format!("merge into {into}"),
            Decision::Investigate => "investigate".into(),
        }
    }

    /// A short tag for narrow columns.
    pub fn tag(&self) -> &'static str {
        match self {
            Decision::Keep => "keep",
            Decision::Drop => "drop",
            Decision::Merge { .. } => "merge",
            Decision::Investigate => "investigate",
        }
    }

    /// Whether the table is gone once the plan has run.
    pub fn removes(&self) -> bool {
        matches!(self, Decision::Drop | Decision::Merge { .. })
    }
}

/// A decision and the reviewer's reason for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub decision: Decision,
    pub note: String,
}

/// All decisions, by table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub marks: BTreeMap<QualifiedName, Mark>,
    /// The source the plan was made for (`source = "..."`, written with the first mark), so
    /// opening another database with it can say so.
    pub source: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PlanError {
    #[error("plan file {path} is not valid: {detail}")]
    Invalid { path: String, detail: String },
    #[error("cannot read plan file {path}: {detail}")]
    Read { path: String, detail: String },
    #[error("cannot write {path}: {detail}")]
    Write { path: String, detail: String },
    #[error(transparent)]
    Export(#[from] export::ExportError),
}

/// The file's shape: what a person reads and edits (written by `save_mark`, in place).
#[derive(Deserialize, Default)]
struct File {
    #[serde(default)]
    source: Option<String>,
    #[serde(default, rename = "table")]
    tables: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    schema: String,
    name: String,
    decision: String,
    #[serde(default)]
    into: Option<QualifiedName>,
    #[serde(default)]
    map: BTreeMap<String, String>,
    #[serde(default)]
    note: String,
}

const HEADER: &str = "\
# pglens cleanup plan: one [[table]] per decision (keep, drop, merge, investigate).
# Written by the explorer's `m` key; edit freely. `pglens plan export` turns it into a
# Markdown plan and a SQL script.
";

impl Plan {
    /// Parses a plan file; `path` names it in errors.
    pub fn parse(text: &str, path: &str) -> Result<Plan, PlanError> {
        let invalid = |detail: String| PlanError::Invalid {
            path: path.into(),
            detail,
        };
        let file: File = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        let mut plan = Plan {
            source: file.source,
            ..Plan::default()
        };
        for e in file.tables {
            let table = QualifiedName::new(&e.schema, &e.name);
            let decision = match (e.decision.as_str(), e.into) {
                ("keep", None) => Decision::Keep,
                ("drop", None) => Decision::Drop,
                ("investigate", None) => Decision::Investigate,
                ("merge", Some(into)) => Decision::Merge { into, map: e.map },
                ("merge", None) => {
                    return Err(invalid(format!("{table}: merge needs `into`")));
                }
                ("keep" | "drop" | "investigate", Some(_)) => {
                    return Err(invalid(format!(
                        "{table}: `into` only goes with decision = \"merge\""
                    )));
                }
                (other, _) => {
                    return Err(invalid(format!(
                        "{table}: unknown decision \"{other}\" (keep, drop, merge, investigate)"
                    )));
                }
            };
            if plan.marks.contains_key(&table) {
                return Err(invalid(format!("{table} appears twice")));
            }
            plan.marks.insert(
                table,
                Mark {
                    decision,
                    note: e.note,
                },
            );
        }
        Ok(plan)
    }

    /// What does not fit `catalog`: the plan was made for another source, or names tables
    /// this one does not have. None when it fits.
    pub fn mismatch(&self, catalog: &Catalog) -> Option<String> {
        let label = &catalog.meta.source_label;
        let missing: Vec<String> = self
            .marks
            .keys()
            .filter(|q| {
                !catalog
                    .relations
                    .iter()
                    .any(|r| r.schema == q.schema && r.name == q.name)
            })
            .map(ToString::to_string)
            .collect();
        let other = self.source.as_ref().filter(|s| *s != label);
        let absent = match missing.len() {
            0 => String::new(),
            n => format!(
                "{n} of its tables {} not here ({})",
                if n == 1 { "is" } else { "are" },
                crate::text::first_and_more(missing.iter(), 3)
            ),
        };
        match (other, absent.is_empty()) {
            (None, true) => None,
            (Some(s), true) => Some(format!("the plan was made for {s}, not {label}")),
            (Some(s), false) => Some(format!("the plan was made for {s}, not {label}: {absent}")),
            (None, false) => Some(format!("the plan does not fit {label}: {absent}")),
        }
    }

    pub fn mark(&self, table: &QualifiedName) -> Option<&Mark> {
        self.marks.get(table)
    }

    /// Records a decision, or clears it with `None`.
    pub fn set(&mut self, table: QualifiedName, mark: Option<Mark>) {
        match mark {
            Some(m) => {
                self.marks.insert(table, m);
            }
            None => {
                self.marks.remove(&table);
            }
        }
    }

    /// Tables with a given decision tag, in name order.
    pub fn with_tag<'a>(
        &'a self,
        tag: &'a str,
    ) -> impl Iterator<Item = (&'a QualifiedName, &'a Mark)> {
        self.marks
            .iter()
            .filter(move |(_, m)| m.decision.tag() == tag)
    }
}

/// Reads the plan file; a file that does not exist yet is an empty plan.
pub fn read(path: &Path) -> Result<Plan, PlanError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Plan::parse(&text, &path.display().to_string()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Plan::default()),
        Err(e) => Err(PlanError::Read {
            path: path.display().to_string(),
            detail: e.to_string(),
        }),
    }
}

/// Writes a file whole or not at all (see [`crate::files::write`]), so a full disk or a
/// crash never leaves half a plan.
fn write_whole(path: &Path, text: &str) -> Result<(), PlanError> {
    crate::files::write(path, text.as_bytes()).map_err(|e| PlanError::Write {
        path: path.display().to_string(),
        detail: e.to_string(),
    })
}

/// Saves one table's decision (`None` removes it) into the plan file as the file is now.
/// The file is read again, since another editor may have changed it since it was loaded;
/// only that table's entry is added, changed or removed, and the user's comments, order
/// and other entries stay as they were. A file that no longer parses is left alone and the
/// error says why. Returns the whole plan the file now holds.
pub fn save_mark(
    path: &Path,
    source: &str,
    table: &QualifiedName,
    mark: Option<&Mark>,
) -> Result<Plan, PlanError> {
    let name = path.display().to_string();
    let invalid = |detail: String| PlanError::Invalid {
        path: name.clone(),
        detail,
    };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => HEADER.to_string(),
        Err(e) => {
            return Err(PlanError::Read {
                path: name,
                detail: e.to_string(),
            })
        }
    };
    Plan::parse(&text, &name)?;
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| invalid(e.to_string()))?;
    // The source it is for, recorded once: a plan made for another database keeps naming
    // that one (the explorer said so when it opened).
    if !doc.contains_key("source") {
        doc["source"] = toml_edit::value(source);
        // In a new file the header comments are the document's trailing text: they go
        // above the source line, which opens the file.
        let trailing = doc.trailing().as_str().unwrap_or_default().to_string();
        if doc.get("table").is_none() {
            if let Some(mut key) = doc.as_table_mut().key_mut("source") {
                key.leaf_decor_mut().set_prefix(trailing);
            }
            doc.set_trailing("\n");
        }
    }
    // In a file without entries the header comments are the document's trailing text,
    // which would end up below a first entry: they go above it instead.
    let header = doc.trailing().as_str().unwrap_or_default().to_string();
    let entries = doc
        .entry("table")
        .or_insert(toml_edit::Item::ArrayOfTables(Default::default()))
        .as_array_of_tables_mut()
        .ok_or_else(|| invalid("`table` must be a list of [[table]] entries".into()))?;
    let is_this = |t: &toml_edit::Table| {
        t.get("schema").and_then(|v| v.as_str()) == Some(table.schema.as_str())
            && t.get("name").and_then(|v| v.as_str()) == Some(table.name.as_str())
    };
    let position = entries.iter().position(is_this);
    match (mark, position) {
        (None, Some(i)) => {
            // Comments above the entry (the file's header, for the first one) stay: they go
            // above the next entry, or to the end of the file when none is left.
            let above = entries
                .get(i)
                .and_then(|t| t.decor().prefix())
                .and_then(|p| p.as_str())
                .unwrap_or_default()
                .to_string();
            entries.remove(i);
            match entries.get_mut(i) {
                Some(next) => {
                    let own = next
                        .decor()
                        .prefix()
                        .and_then(|p| p.as_str())
                        .unwrap_or_default()
                        .to_string();
                    next.decor_mut().set_prefix(above + &own);
                }
                None => {
                    let trailing = doc.trailing().as_str().unwrap_or_default().to_string();
                    doc.set_trailing(above + &trailing);
                }
            }
        }
        (None, None) => {}
        (Some(m), Some(i)) => {
            if let Some(entry) = entries.get_mut(i) {
                fill_entry(entry, table, m);
            }
        }
        (Some(m), None) => {
            let mut entry = toml_edit::Table::new();
            fill_entry(&mut entry, table, m);
            let first = entries.is_empty();
            if first {
                entry.decor_mut().set_prefix(header);
            }
            entries.push(entry);
            if first {
                doc.set_trailing("");
            }
        }
    }
    let out = doc.to_string();
    let plan = Plan::parse(&out, &name)?;
    write_whole(path, &out)?;
    Ok(plan)
}

/// Sets an entry's fields to a mark, keeping whatever else the entry carries (its
/// comments, a key pglens does not know is refused by parse before this).
fn fill_entry(entry: &mut toml_edit::Table, table: &QualifiedName, mark: &Mark) {
    use toml_edit::{value, InlineTable};
    entry["schema"] = value(table.schema.as_str());
    entry["name"] = value(table.name.as_str());
    entry["decision"] = value(mark.decision.tag());
    match &mark.decision {
        Decision::Merge { into, map } => {
            let mut target = InlineTable::new();
            target.insert("schema", into.schema.as_str().into());
            target.insert("name", into.name.as_str().into());
            entry["into"] = value(target);
            if map.is_empty() {
                entry.remove("map");
            } else {
                let mut columns = InlineTable::new();
                for (column, sql) in map {
                    columns.insert(column, sql.as_str().into());
                }
                entry["map"] = value(columns);
            }
        }
        _ => {
            entry.remove("into");
            entry.remove("map");
        }
    }
    if mark.note.is_empty() {
        entry.remove("note");
    } else {
        entry["note"] = value(mark.note.as_str());
    }
}

/// The source an existing export beside the plan file (or in `dir`) was written for, read
/// from its Markdown's title; None when there is none.
pub fn exported_for(plan_path: &Path, dir: Option<&Path>) -> Option<String> {
    let (md, _) = export_paths(plan_path, dir);
    let text = std::fs::read_to_string(md).ok()?;
    let title = text.lines().next()?;
    title
        .strip_prefix(export::MARKDOWN_TITLE)
        .map(|s| s.trim().to_string())
}

/// Where `export_files` writes: `<plan>.md` and `<plan>.sql`.
fn export_paths(plan_path: &Path, dir: Option<&Path>) -> (PathBuf, PathBuf) {
    let stem = plan_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "pglens-plan".into());
    let dir = dir
        .map(Path::to_path_buf)
        .or_else(|| plan_path.parent().map(Path::to_path_buf))
        .unwrap_or_default();
    (
        dir.join(format!("{stem}.md")),
        dir.join(format!("{stem}.sql")),
    )
}

/// Exports the plan next to its file (or into `dir`): `<plan>.md` and `<plan>.sql`. Returns
/// the two paths written.
pub fn export_files(
    catalog: &Catalog,
    plan: &Plan,
    plan_path: &Path,
    dir: Option<&Path>,
) -> Result<(PathBuf, PathBuf), PlanError> {
    let written = export::export(catalog, plan, &plan_path.display().to_string())?;
    let (md, sql) = export_paths(plan_path, dir);
    write_whole(&md, &written.markdown)?;
    write_whole(&sql, &written.sql)?;
    Ok((md, sql))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_round_trip_through_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.toml");
        let mut plan = Plan::default();
        let marks = [
            (
                QualifiedName::new("public", "z_old"),
                Mark {
                    decision: Decision::Drop,
                    note: "no reads since March".into(),
                },
            ),
            (
                QualifiedName::new("public", "a \"quoted\" table"),
                Mark {
                    decision: Decision::Merge {
                        into: QualifiedName::new("public", "kept"),
                        map: BTreeMap::from([("tenant_id".into(), "'x'".into())]),
                    },
                    note: String::new(),
                },
            ),
        ];
        for (table, mark) in marks {
            save_mark(&path, "test", &table, Some(&mark)).unwrap();
            plan.set(table, Some(mark));
        }
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# pglens cleanup plan"), "{text}");
        assert!(text.contains("\nsource = \"test\"\n\n[[table]]"), "{text}");
        plan.source = Some("test".into());
        assert_eq!(read(&path).unwrap(), plan);
        assert_eq!(Plan::parse("", "p.toml").unwrap(), Plan::default());
        // The first source recorded stays.
        save_mark(&path, "another", &QualifiedName::new("public", "b"), None).unwrap();
        assert_eq!(read(&path).unwrap().source.as_deref(), Some("test"));
    }

    /// An export says whose plan it holds, so the next one can ask before writing over it.
    #[test]
    fn an_export_names_the_source_it_was_written_for() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.toml");
        assert_eq!(exported_for(&path, None), None);
        let catalog = crate::source::snapshot::demo();
        export_files(&catalog, &Plan::default(), &path, None).unwrap();
        assert_eq!(exported_for(&path, None).as_deref(), Some("demo"));
    }

    /// A plan says when it does not fit the source it is opened with.
    #[test]
    fn a_plan_for_another_source_says_so() {
        let mut catalog = crate::source::snapshot::demo();
        catalog.meta.source_label = "postgres://me@staging/app".into();
        let plan = Plan::parse(
            "source = \"postgres://me@prod/app\"\n[[table]]\nschema = \"public\"\nname = \"leads\"\ndecision = \"keep\"\n[[table]]\nschema = \"public\"\nname = \"gone\"\ndecision = \"drop\"\n",
            "p.toml",
        )
        .unwrap();
        assert_eq!(
            plan.mismatch(&catalog).as_deref(),
            Some("the plan was made for postgres://me@prod/app, not postgres://me@staging/app: 1 of its tables is not here (public.gone)")
        );
        catalog.meta.source_label = "postgres://me@prod/app".into();
        assert_eq!(
            plan.mismatch(&catalog).as_deref(),
            Some("the plan does not fit postgres://me@prod/app: 1 of its tables is not here (public.gone)")
        );
        let fits = Plan::parse("source = \"postgres://me@prod/app\"\n", "p.toml").unwrap();
        assert_eq!(fits.mismatch(&catalog), None);
        assert_eq!(Plan::default().mismatch(&catalog), None);
    }

    #[test]
    fn saving_a_mark_keeps_comments_and_entries_added_meanwhile() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.toml");
        let keep = |note: &str| Mark {
            decision: Decision::Keep,
            note: note.into(),
        };
        let a = QualifiedName::new("public", "a");
        save_mark(&path, "test", &a, Some(&keep("first"))).unwrap();
        // Someone edits the file by hand: a comment, and an entry of their own.
        let edited = std::fs::read_to_string(&path).unwrap()
            + "\n# reviewed with the data team\n[[table]]\nschema = \"public\"\nname = \"b\"\ndecision = \"drop\" # gone in v3\n";
        std::fs::write(&path, edited).unwrap();
        let merge = Mark {
            decision: Decision::Merge {
                into: QualifiedName::new("public", "b"),
                map: BTreeMap::from([("x".into(), "1".into())]),
            },
            note: String::new(),
        };
        let plan = save_mark(&path, "test", &a, Some(&merge)).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("# reviewed with the data team") && text.contains("# gone in v3"),
            "{text}"
        );
        assert_eq!(
            plan.mark(&QualifiedName::new("public", "b"))
                .unwrap()
                .decision,
            Decision::Drop
        );
        assert_eq!(plan.mark(&a), Some(&merge));
        assert_eq!(Plan::parse(&text, "p").unwrap(), plan);
        let plan = save_mark(&path, "test", &a, None).unwrap();
        assert!(plan.mark(&a).is_none() && plan.marks.len() == 1);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("# pglens cleanup plan"),
            "the header stays: {text}"
        );
        let plan = save_mark(&path, "test", &QualifiedName::new("public", "b"), None).unwrap();
        assert!(plan.marks.is_empty());
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("# pglens cleanup plan") && !text.contains("# gone in v3"),
            "{text}"
        );
        // A file broken meanwhile is not overwritten.
        std::fs::write(&path, "[[table]\n").unwrap();
        assert!(save_mark(&path, "test", &a, Some(&keep("x"))).is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "[[table]\n");
    }

    #[test]
    fn errors_name_the_file_and_the_table() {
        let e = Plan::parse(
            "[[table]]\nschema = \"public\"\nname = \"t\"\ndecision = \"merge\"\n",
            "p.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("p.toml") && e.contains("public.t") && e.contains("into"),
            "{e}"
        );
        let e = Plan::parse(
            "[[table]]\nschema = \"public\"\nname = \"t\"\ndecision = \"delete\"\n",
            "p.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("unknown decision \"delete\""), "{e}");
        let e = Plan::parse("[[table]]\nschema = \"public\"\n", "p.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("p.toml"), "{e}");
    }
}
