//! What the migration rules share: the statements of an offline source, and where each
//! table was first created.

use std::collections::HashMap;

use crate::model::migrations::{MigrationStatement, Migrations};
use crate::model::{Catalog, Location};

pub fn migrations(catalog: &Catalog) -> Option<&Migrations> {
    catalog.migrations.as_ref()
}

/// The statement that first created a table (`schema.name`), if a migration did.
/// Where each table was created and the order of the files, looked up by name: rules ask
/// for every ALTER and CREATE INDEX of a folder, which on a big dump is tens of thousands.
pub struct History<'a> {
    created: HashMap<&'a str, &'a MigrationStatement>,
    file_order: HashMap<&'a str, usize>,
}

impl<'a> History<'a> {
    pub fn new(m: &'a Migrations) -> Self {
        let mut created = HashMap::new();
        for s in m.statements.iter().filter(|s| s.command == "CREATE TABLE") {
            if let Some(table) = s.object.as_deref() {
                created.entry(table).or_insert(s);
            }
        }
        let file_order = m
            .files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.as_str(), i))
            .collect();
        History {
            created,
            file_order,
        }
    }

    /// Whether `table` was created in an earlier file than `at` (so it may hold rows).
    pub fn existed_before(&self, table: &str, at: &Location) -> bool {
        let index = |l: &Location| self.file_order.get(l.file.as_str()).copied();
        self.created.get(table).is_some_and(|c| {
            c.location.file != at.file
                && index(&c.location).unwrap_or(usize::MAX) < index(at).unwrap_or(usize::MAX)
        })
    }
}

pub fn place(at: &Location) -> String {
    format!("{}:{}", at.file, at.line)
}
