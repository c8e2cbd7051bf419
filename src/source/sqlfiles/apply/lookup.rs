//! Indexes over the model being built, so that a statement finds what it names without
//! scanning the whole catalog: a pg_dump applies in time linear in its size, where a scan
//! per statement made 100,000 tables quadratic (minutes).
//!
//! Appends are cheap to follow: relations pushed since the last look are indexed on the
//! next one, and new index, constraint and sequence names are recorded where they are
//! added (`note_*`). Anything that removes or renames calls [`Lookup::invalidate`], and
//! the next look rebuilds from the catalog. Debug builds check every answer against a scan
//! of the catalog, so a mutation that forgets to say so fails the tests.

use std::collections::{HashMap, HashSet};

use crate::model::{Catalog, QualifiedName};

#[derive(Debug, Default)]
pub(super) struct Lookup {
    /// Position of each relation in `catalog.relations`.
    relations: HashMap<QualifiedName, usize>,
    /// Names taken in each schema's relation namespace: relations, indexes, sequences.
    taken: HashSet<QualifiedName>,
    /// Constraint names by schema (unique per schema for the names PostgreSQL chooses).
    constraints: HashSet<QualifiedName>,
    /// Position of each sequence in `catalog.sequences`.
    sequences: HashMap<QualifiedName, usize>,
    /// Positions of the functions of each name (overloads share one).
    functions: HashMap<QualifiedName, Vec<usize>>,
    /// How many relations, sequences and functions have been indexed.
    indexed_relations: usize,
    indexed_sequences: usize,
    indexed_functions: usize,
    stale: bool,
}

impl Lookup {
    /// Forget everything: the next look rebuilds from the catalog.
    pub fn invalidate(&mut self) {
        self.stale = true;
    }

    /// Brings the indexes up to date with `catalog` (cheap unless invalidated).
    pub fn refresh(&mut self, catalog: &Catalog) {
        if self.stale {
            *self = Lookup::default();
        }
        for (i, r) in catalog
            .relations
            .iter()
            .enumerate()
            .skip(self.indexed_relations)
        {
            self.relations.insert(r.qualified_name(), i);
            self.taken.insert(r.qualified_name());
            for index in &r.indexes {
                self.taken
                    .insert(QualifiedName::new(&r.schema, &index.name));
            }
            for c in &r.constraints {
                self.constraints
                    .insert(QualifiedName::new(&r.schema, &c.name));
            }
        }
        self.indexed_relations = catalog.relations.len();
        for (i, s) in (catalog.sequences.iter().enumerate()).skip(self.indexed_sequences) {
            let q = QualifiedName::new(&s.schema, &s.name);
            self.taken.insert(q.clone());
            self.sequences.insert(q, i);
        }
        self.indexed_sequences = catalog.sequences.len();
        for (i, f) in catalog
            .functions
            .iter()
            .enumerate()
            .skip(self.indexed_functions)
        {
            let q = QualifiedName::new(&f.schema, &f.name);
            self.functions.entry(q).or_default().push(i);
        }
        self.indexed_functions = catalog.functions.len();
    }

    /// Records an index added to a relation already indexed.
    pub fn note_index(&mut self, schema: &str, name: &str) {
        self.taken.insert(QualifiedName::new(schema, name));
    }

    /// Records a constraint added to a relation already indexed.
    pub fn note_constraint(&mut self, schema: &str, name: &str) {
        self.constraints.insert(QualifiedName::new(schema, name));
    }

    pub fn relation(&self, q: &QualifiedName) -> Option<usize> {
        self.relations.get(q).copied()
    }

    pub fn sequence(&self, q: &QualifiedName) -> Option<usize> {
        self.sequences.get(q).copied()
    }

    pub fn functions(&self, q: &QualifiedName) -> &[usize] {
        self.functions.get(q).map_or(&[], Vec::as_slice)
    }

    pub fn name_taken(&self, schema: &str, name: &str) -> bool {
        self.taken.contains(&QualifiedName::new(schema, name))
    }

    pub fn constraint_taken(&self, schema: &str, name: &str) -> bool {
        self.constraints.contains(&QualifiedName::new(schema, name))
    }
}
