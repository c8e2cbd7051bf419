//! What the migration rules share: the statements of an offline source, and where each
//! table was first created.

use crate::model::migrations::{MigrationStatement, Migrations};
use crate::model::{Catalog, Location};

pub fn migrations(catalog: &Catalog) -> Option<&Migrations> {
    catalog.migrations.as_ref()
}

/// The statement that first created a table (`schema.name`), if a migration did.
pub fn created_at<'a>(m: &'a Migrations, table: &str) -> Option<&'a MigrationStatement> {
    m.statements
        .iter()
        .find(|s| s.command == "CREATE TABLE" && s.object.as_deref() == Some(table))
}

/// Whether `table` was created by an earlier file than the statement at `at`: a table
/// that may already hold rows when the statement runs.
pub fn existed_before(m: &Migrations, table: &str, at: &Location) -> bool {
    created_at(m, table).is_some_and(|c| {
        c.location.file != at.file && file_index(m, &c.location) < file_index(m, at)
    })
}

fn file_index(m: &Migrations, at: &Location) -> usize {
    m.files
        .iter()
        .position(|f| *f == at.file)
        .unwrap_or(usize::MAX)
}

/// `file:line`.
pub fn place(at: &Location) -> String {
    format!("{}:{}", at.file, at.line)
}
