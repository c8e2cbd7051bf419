//! Statements of the cleanup script (`pglens plan export`): moving rows from a merged table
//! into the kept one while recording which rows moved, detaching and restoring foreign keys,
//! dropping views and tables, and putting a dropped table's rows back from its backup.
//! Each builder returns one statement without the trailing semicolon.

use super::{ident, qualified, qualified_name};
use crate::model::{QualifiedName, Relation};

fn columns(names: &[&str]) -> String {
    names
        .iter()
        .map(|c| ident(c))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `CREATE TABLE keys AS SELECT <key> FROM keep WITH NO DATA`: an empty table shaped like
/// the kept table's primary key, to record the rows a merge adds.
pub fn key_ledger(keep: &Relation, key: &[&str], ledger: &QualifiedName) -> String {
    format!(
        "CREATE TABLE {} AS SELECT {} FROM {} WITH NO DATA",
        qualified_name(ledger),
        columns(key),
        qualified(&keep.schema, &keep.name)
    )
}

/// One target column of a merge and the SQL that fills it from the merged table.
pub enum MergeValue<'a> {
    /// A column of the same name, cast to the kept table's type.
    Column { name: &'a str, data_type: &'a str },
    /// An expression the reviewer wrote in the plan file, used as written.
    Expression { target: &'a str, sql: &'a str },
}

impl MergeValue<'_> {
    fn target(&self) -> &str {
        match self {
            MergeValue::Column { name, .. } => name,
            MergeValue::Expression { target, .. } => target,
        }
    }

    fn source(&self) -> String {
        match self {
            MergeValue::Column { name, data_type } => {
                format!("CAST({} AS {data_type})", ident(name))
            }
            MergeValue::Expression { sql, .. } => format!("({sql})"),
        }
    }
}

/// `INSERT INTO keep (...) SELECT ... FROM from`, and when `ledger` is given, the new rows'
/// keys recorded there in the same statement so the rollback can remove exactly them.
pub fn merge_rows(
    from: &Relation,
    keep: &Relation,
    values: &[MergeValue<'_>],
    ledger: Option<(&QualifiedName, &[&str])>,
) -> String {
    let targets: Vec<&str> = values.iter().map(MergeValue::target).collect();
    let sources: Vec<String> = values.iter().map(MergeValue::source).collect();
    let insert = format!(
        "INSERT INTO {} ({})\nSELECT {}\nFROM {}",
        qualified(&keep.schema, &keep.name),
        columns(&targets),
        sources.join(", "),
        qualified(&from.schema, &from.name)
    );
    match ledger {
        None => insert,
        Some((ledger, key)) => format!(
            "WITH moved AS (\n{insert}\nRETURNING {})\nINSERT INTO {} SELECT * FROM moved",
            columns(key),
            qualified_name(ledger)
        ),
    }
}

/// Removes the rows a merge added, by the keys it recorded.
pub fn unmerge_rows(keep: &Relation, ledger: &QualifiedName, key: &[&str]) -> String {
    format!(
        "DELETE FROM {} WHERE ({}) IN (SELECT {} FROM {})",
        qualified(&keep.schema, &keep.name),
        columns(key),
        columns(key),
        qualified_name(ledger)
    )
}

/// `ALTER TABLE t ADD CONSTRAINT name <definition>`: puts back a constraint exactly as the
/// server printed it.
pub fn add_constraint(t: &Relation, name: &str, definition: &str) -> String {
    format!(
        "ALTER TABLE {} ADD CONSTRAINT {} {definition}",
        qualified(&t.schema, &t.name),
        ident(name)
    )
}

/// `DROP VIEW` / `DROP MATERIALIZED VIEW`, without CASCADE.
pub fn drop_view(v: &Relation) -> String {
    let kind = if v.kind == crate::model::RelationKind::MaterializedView {
        "MATERIALIZED VIEW"
    } else {
        "VIEW"
    };
    format!("DROP {kind} IF EXISTS {}", qualified(&v.schema, &v.name))
}

/// Copies a table's rows back from its backup, column by column (generated columns are
/// computed again; identity values are kept as they were).
pub fn restore_rows(t: &Relation, backup: &QualifiedName) -> String {
    let names: Vec<&str> = t
        .columns
        .iter()
        .filter(|c| c.generated.is_none())
        .map(|c| c.name.as_str())
        .collect();
    let overriding = if t
        .columns
        .iter()
        .any(|c| c.identity == Some(crate::model::Identity::Always))
    {
        " OVERRIDING SYSTEM VALUE"
    } else {
        ""
    };
    format!(
        "INSERT INTO {} ({}){overriding} SELECT {} FROM {}",
        qualified(&t.schema, &t.name),
        columns(&names),
        columns(&names),
        qualified_name(backup)
    )
}

/// The `pg_dump` command that saves one table, schema and data, in custom format.
pub fn pg_dump_command(t: &Relation, file: &str) -> String {
    let pattern = format!("{}.{}", dump_pattern(&t.schema), dump_pattern(&t.name));
    format!(
        "pg_dump --format=custom --table={} --file={} \"$DATABASE_URL\"",
        shell_word(&pattern),
        shell_word(file)
    )
}

/// One part of a pg_dump `--table` pattern. Quoted parts are taken literally (so case,
/// spaces, `*` and `.` stay as they are); a control or invisible character, which must not
/// appear raw in the plan, becomes the `?` wildcard outside the quotes.
fn dump_pattern(name: &str) -> String {
    if ident(name) == name {
        return name.to_string();
    }
    let mut out = String::from("\"");
    for c in name.chars() {
        match c {
            '"' => out.push_str("\"\""),
            c if crate::text::is_unsafe(c) => out.push_str("\"?\""),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A file name for a table's dump: the backup name with anything a file name should not
/// hold (`/`, spaces, control characters) replaced, and a hash of the exact name when
/// something was, so two tables never share a file.
pub fn dump_file_name(backup_name: &str) -> String {
    let safe: String = backup_name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let safe = safe.trim_start_matches('.');
    if safe == backup_name {
        format!("{safe}.dump")
    } else {
        format!(
            "{safe}_{:08x}.dump",
            super::fix::fnv1a(backup_name.as_bytes())
        )
    }
}

/// A word for a POSIX shell: single-quoted unless it is plainly safe.
fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-/".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::shell_word;

    #[test]
    fn shell_words_survive_quotes() {
        assert_eq!(shell_word("public.audit_log"), "public.audit_log");
        assert_eq!(shell_word("public.\"it's\""), "'public.\"it'\\''s\"'");
    }
}
