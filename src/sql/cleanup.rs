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
    // pg_dump's --table takes a pattern in which quoted parts are taken literally.
    let pattern = qualified(&t.schema, &t.name);
    format!(
        "pg_dump --format=custom --table={} --file={} \"$DATABASE_URL\"",
        shell_word(&pattern),
        shell_word(file)
    )
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
