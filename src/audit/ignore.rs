//! The ignore file: findings (by key) or whole rules (by id) that a team has decided to live
//! with, each with a reason. Suppressed findings stay in reports, marked, so nothing is
//! silently dropped; entries that match nothing are reported so the file does not rot.
//!
//! ```toml
//! [[ignore]]
//! key = "dual-tenant-scope:table:public.brands"
//! reason = "tenant_id is being removed in the Q3 migration"
//!
//! [[ignore]]
//! rule = "unindexed-foreign-key"
//! reason = "tables are tiny; revisit at 100k rows"
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::Finding;

/// Where pglens looks for an ignore file, in order, relative to the working directory.
pub const DEFAULT_PATHS: [&str; 2] = ["pglens.toml", ".pglens/ignore.toml"];

#[derive(Debug, thiserror::Error)]
pub enum IgnoreError {
    #[error("cannot read ignore file {path}: {detail}")]
    Read { path: String, detail: String },
    #[error("ignore file {path} is not valid: {detail}")]
    Invalid { path: String, detail: String },
    #[error("cannot write ignore file {path}: {detail}")]
    Write { path: String, detail: String },
}

/// The parsed ignore entries.
#[derive(Debug, Clone, Default)]
pub struct IgnoreList {
    pub entries: Vec<IgnoreEntry>,
    /// Where it was read from, for messages.
    pub path: Option<PathBuf>,
}

/// One `[[ignore]]` entry: a finding key or a rule id, and why.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct IgnoreEntry {
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub rule: Option<String>,
    pub reason: String,
}

impl IgnoreEntry {
    fn matches(&self, f: &Finding) -> bool {
        self.key.as_deref() == Some(f.key.as_str()) || self.rule.as_deref() == Some(f.rule)
    }

    /// What the entry names, for messages.
    pub fn target(&self) -> String {
        match (&self.key, &self.rule) {
            (Some(k), _) => format!("key {k}"),
            (None, Some(r)) => format!("rule {r}"),
            (None, None) => "nothing".into(),
        }
    }
}

/// The file's shape. Other top-level sections belong to other features and are left alone.
#[derive(Deserialize)]
struct File {
    #[serde(default)]
    ignore: Vec<IgnoreEntry>,
}

/// Parses ignore entries from TOML text; `path` names the file in errors.
pub fn parse(text: &str, path: &str) -> Result<Vec<IgnoreEntry>, IgnoreError> {
    let file: File = toml::from_str(text).map_err(|e| IgnoreError::Invalid {
        path: path.into(),
        detail: e.to_string(),
    })?;
    for (i, e) in file.ignore.iter().enumerate() {
        if e.key.is_some() == e.rule.is_some() {
            return Err(IgnoreError::Invalid {
                path: path.into(),
                detail: format!(
                    "[[ignore]] entry {} must name exactly one of key or rule",
                    i + 1
                ),
            });
        }
        if e.reason.trim().is_empty() {
            return Err(IgnoreError::Invalid {
                path: path.into(),
                detail: format!("[[ignore]] entry {} ({}) needs a reason", i + 1, e.target()),
            });
        }
    }
    Ok(file.ignore)
}

/// Loads the ignore file at `path`, or the first default one that exists; none is fine.
pub fn load(path: Option<&Path>) -> Result<IgnoreList, IgnoreError> {
    // A default path that exists but is no file (a directory named pglens.toml) is an
    // error, not silently skipped: the user meant something by it.
    let found = match path {
        Some(p) => Some(p.to_path_buf()),
        None => DEFAULT_PATHS.iter().map(PathBuf::from).find(|p| p.exists()),
    };
    let Some(path) = found else {
        return Ok(IgnoreList::default());
    };
    let name = path.display().to_string();
    // A named file that does not exist yet is where `s` will write the first entry.
    if !path.exists() {
        return Ok(IgnoreList {
            entries: Vec::new(),
            path: Some(path),
        });
    }
    if path.is_dir() {
        return Err(IgnoreError::Read {
            path: name,
            detail: "is a directory, not an ignore file".into(),
        });
    }
    let text = std::fs::read_to_string(&path).map_err(|e| IgnoreError::Read {
        path: name.clone(),
        detail: e.to_string(),
    })?;
    Ok(IgnoreList {
        entries: parse(&text, &name)?,
        path: Some(path),
    })
}

impl IgnoreList {
    /// Marks matching findings as suppressed; returns the entries that matched nothing.
    pub fn apply(&self, findings: &mut [Finding]) -> Vec<&IgnoreEntry> {
        let mut used = vec![false; self.entries.len()];
        for f in findings.iter_mut() {
            if let Some(i) = self.entries.iter().position(|e| e.matches(f)) {
                f.suppressed = Some(self.entries[i].reason.clone());
                used[i] = true;
            }
        }
        self.entries
            .iter()
            .zip(used)
            .filter(|(_, u)| !u)
            .map(|(e, _)| e)
            .collect()
    }
}

/// What one entry suppresses: a finding by its key, or every finding of a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IgnoreTarget {
    Key(String),
    Rule(String),
}

impl IgnoreTarget {
    /// The entry's field: `key` or `rule`.
    fn field(&self) -> &'static str {
        match self {
            IgnoreTarget::Key(_) => "key",
            IgnoreTarget::Rule(_) => "rule",
        }
    }

    fn value(&self) -> &str {
        match self {
            IgnoreTarget::Key(v) | IgnoreTarget::Rule(v) => v,
        }
    }
}

impl std::fmt::Display for IgnoreTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IgnoreTarget::Key(k) => f.write_str(k),
            IgnoreTarget::Rule(r) => write!(f, "every {r} finding"),
        }
    }
}

/// Adds one `[[ignore]]` entry to the file (creating it), as the explorer's `s` and `S` do.
/// The file is edited in place: its comments, order and other sections stay as they were. A
/// key or rule already suppressed gets the new reason instead of a second entry. A file that
/// does not parse is refused and left untouched, and the write is atomic (`files::write`).
pub fn append_entry(path: &Path, target: &IgnoreTarget, reason: &str) -> Result<(), IgnoreError> {
    let (field, value) = (target.field(), target.value());
    let name = path.display().to_string();
    let invalid = |detail: String| IgnoreError::Invalid {
        path: name.clone(),
        detail,
    };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            return Err(IgnoreError::Read {
                path: name,
                detail: e.to_string(),
            })
        }
    };
    parse(&text, &name)?;
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| invalid(e.to_string()))?;
    let item = doc
        .entry("ignore")
        .or_insert(toml_edit::Item::ArrayOfTables(Default::default()));
    // Written as an inline list (`ignore = [{ key = .., reason = .. }]`): keep that form.
    if let Some(list) = item.as_array_mut() {
        let existing = list
            .iter_mut()
            .filter_map(|v| v.as_inline_table_mut())
            .find(|t| t.get(field).and_then(|v| v.as_str()) == Some(value));
        match existing {
            Some(entry) => {
                entry.insert("reason", reason.into());
            }
            None => {
                let mut entry = toml_edit::InlineTable::new();
                entry.insert(field, value.into());
                entry.insert("reason", reason.into());
                list.push(entry);
            }
        }
        return write_ignore_file(path, &doc, &name);
    }
    let entries = item
        .as_array_of_tables_mut()
        .ok_or_else(|| invalid("`ignore` must be a list of [[ignore]] entries".into()))?;
    let existing = entries
        .iter_mut()
        .find(|t| t.get(field).and_then(|v| v.as_str()) == Some(value));
    match existing {
        Some(entry) => {
            entry["reason"] = toml_edit::value(reason);
        }
        None => {
            let mut entry = toml_edit::Table::new();
            entry[field] = toml_edit::value(value);
            entry["reason"] = toml_edit::value(reason);
            entries.push(entry);
        }
    }
    write_ignore_file(path, &doc, &name)
}

fn write_ignore_file(
    path: &Path,
    doc: &toml_edit::DocumentMut,
    name: &str,
) -> Result<(), IgnoreError> {
    let failed = |e: std::io::Error| IgnoreError::Write {
        path: name.to_string(),
        detail: e.to_string(),
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(failed)?;
    }
    crate::files::write(path, doc.to_string().as_bytes()).map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_ignore_file_is_accepted_and_a_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("new.toml");
        let list = load(Some(&new)).unwrap();
        assert_eq!(list.path.as_deref(), Some(new.as_path()));
        assert!(list.entries.is_empty());
        let e = load(Some(dir.path())).unwrap_err().to_string();
        assert!(e.contains("is a directory"), "{e}");
    }

    fn key(k: &str) -> IgnoreTarget {
        IgnoreTarget::Key(k.into())
    }

    #[test]
    fn appended_entries_read_back_exactly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("pglens.toml");
        let weird = "rule:table:public.\"we\\ird\"\ttable";
        append_entry(&path, &key(weird), "line one\nline \"two\"").unwrap();
        append_entry(&path, &key("b"), "c").unwrap();
        let entries = parse(&std::fs::read_to_string(&path).unwrap(), "f").unwrap();
        assert_eq!(entries[0].key.as_deref(), Some(weird));
        assert_eq!(entries[0].reason, "line one\nline \"two\"");
        assert_eq!(entries[1].key.as_deref(), Some("b"));
    }

    #[test]
    fn suppressing_edits_the_file_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pglens.toml");
        let original = "# Reviewed by the platform team.\n\n[[ignore]]\nrule = \"unused-index\" # stats reset weekly\nreason = \"young statistics\"\n\n[explorer]\ntheme = \"light\"\n";
        std::fs::write(&path, original).unwrap();
        append_entry(&path, &key("a:table:public.t"), "first").unwrap();
        append_entry(&path, &key("a:table:public.t"), "second thoughts").unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("# Reviewed by the platform team.")
                && text.contains("# stats reset weekly")
                && text.contains("[explorer]\ntheme = \"light\""),
            "comments and other sections stay:\n{text}"
        );
        let entries = parse(&text, "f").unwrap();
        assert_eq!(entries.len(), 2, "one entry per key:\n{text}");
        assert_eq!(entries[1].reason, "second thoughts");
        // A whole rule: the rule's entry gets the new reason, and keys are left alone.
        let rule = IgnoreTarget::Rule("unused-index".into());
        append_entry(&path, &rule, "weekly resets").unwrap();
        append_entry(&path, &IgnoreTarget::Rule("a".into()), "all of a").unwrap();
        let entries = parse(&std::fs::read_to_string(&path).unwrap(), "f").unwrap();
        assert_eq!(entries.len(), 3);
        assert_eq!(
            (entries[0].rule.as_deref(), entries[0].reason.as_str()),
            (Some("unused-index"), "weekly resets")
        );
        assert_eq!(entries[1].key.as_deref(), Some("a:table:public.t"));
        assert_eq!(
            (entries[2].rule.as_deref(), entries[2].key.as_deref()),
            (Some("a"), None)
        );

        // A file that does not parse is refused, not made worse.
        std::fs::write(&path, "[[ignore]\nkey = \"x\"\n").unwrap();
        let e = append_entry(&path, &key("b"), "c").unwrap_err().to_string();
        assert!(e.contains("not valid"), "{e}");
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "[[ignore]\nkey = \"x\"\n"
        );
        // An inline list stays inline.
        std::fs::write(&path, "ignore = [{ rule = \"x\", reason = \"y\" }]\n").unwrap();
        append_entry(&path, &key("b"), "c").unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(parse(&text, "f").unwrap().len(), 2, "{text}");
        assert!(text.starts_with("ignore = ["), "{text}");
        // One whose `ignore` is something else is refused.
        std::fs::write(&path, "ignore = 3\n").unwrap();
        assert!(append_entry(&path, &key("b"), "c").is_err());
    }

    #[test]
    fn entries_need_one_target_and_a_reason() {
        let ok = parse(
            "[[ignore]]\nrule = \"x\"\nreason = \"because\"\n[other]\nanything = 1\n",
            "f",
        )
        .unwrap();
        assert_eq!(ok.len(), 1);
        let both = parse(
            "[[ignore]]\nrule = \"x\"\nkey = \"y\"\nreason = \"r\"\n",
            "f",
        )
        .unwrap_err();
        assert!(both.to_string().contains("exactly one"), "{both}");
        let no_reason = parse("[[ignore]]\nrule = \"x\"\nreason = \" \"\n", "f").unwrap_err();
        assert!(
            no_reason.to_string().contains("needs a reason"),
            "{no_reason}"
        );
        let typo = parse("[[ignore]]\nrule = \"x\"\nreasn = \"r\"\n", "pglens.toml").unwrap_err();
        assert!(
            typo.to_string().contains("pglens.toml") && typo.to_string().contains("reasn"),
            "{typo}"
        );
    }
}
