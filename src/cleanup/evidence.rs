//! What the source says about a table before anyone decides its fate: how much it holds,
//! whether anything reads or writes it (and for how long statistics have been counting),
//! and what depends on it.

use std::collections::HashMap;

use crate::model::{Catalog, ObjectId, QualifiedName, Relation, RelationKind, TableStats};
use crate::sql::mentions::{in_function, in_sql, Mention};

/// A timestamp cut to the minute: `2026-11-22 03:40`.
pub fn short_time(ts: &str) -> String {
    ts.chars().take(16).collect()
}

/// `1.5 MB`, in powers of 1024 as `pg_size_pretty` does.
pub fn human_bytes(b: i64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut v = b as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{b} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// `12.3k`, `4.1M`: counts that fit a narrow column.
pub fn human_count(n: i64) -> String {
    match n {
        n if n.abs() < 10_000 => n.to_string(),
        n if n.abs() < 1_000_000 => format!("{:.1}k", n as f64 / 1e3),
        n if n.abs() < 1_000_000_000 => format!("{:.1}M", n as f64 / 1e6),
        n => format!("{:.1}G", n as f64 / 1e9),
    }
}

/// How long statistics have been counting, in words: "12 days", "3 hours".
pub fn age_words(seconds: f64) -> String {
    let s = seconds.max(0.0);
    if s < 60.0 {
        return "under a minute".into();
    }
    let (value, unit) = if s >= 2.0 * 86_400.0 {
        (s / 86_400.0, "day")
    } else if s >= 2.0 * 3_600.0 {
        (s / 3_600.0, "hour")
    } else {
        (s / 60.0, "minute")
    };
    let n = value.floor() as i64;
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// One line on whether the table is in use: what a reviewer reads first.
pub fn usage_summary(catalog: &Catalog, r: &Relation) -> String {
    let Some(a) = r.stats.as_ref().and_then(TableStats::activity) else {
        return "no statistics in this source".into();
    };
    let window = match catalog.meta.statistics_window() {
        Some((age, false)) => format!("in {} of statistics", age_words(age)),
        Some((age, true)) => format!("in at least {} of statistics", age_words(age)),
        None => "since statistics were last reset".into(),
    };
    match (a.reads, a.writes) {
        (0, 0) => format!("not read or written {window}"),
        (0, w) => format!("written ({}) but never read {window}", human_count(w)),
        (r, 0) => format!("read ({}) but never written {window}", human_count(r)),
        (r, w) => format!(
            "{} reads, {} writes {window}",
            human_count(r),
            human_count(w)
        ),
    }
}

/// What depends on a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DependentKind {
    /// Another table's foreign key points at it.
    ForeignKey,
    /// A view or materialized view reads it.
    View,
    /// Another table's policy reads it in its condition.
    Policy,
    /// A trigger: on the table itself (dropped with it), or on another table whose trigger
    /// function mentions it.
    Trigger,
    /// A function whose body mentions it.
    Function,
}

impl DependentKind {
    pub fn label(self) -> &'static str {
        match self {
            DependentKind::ForeignKey => "foreign key",
            DependentKind::View => "view",
            DependentKind::Policy => "policy",
            DependentKind::Trigger => "trigger",
            DependentKind::Function => "function",
        }
    }
}

/// Something that uses a table and must be dealt with before the table goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependent {
    pub kind: DependentKind,
    /// Where the explorer jumps to see it.
    pub object: ObjectId,
    /// What it is, named: `public.posts.posts_brand_id_fkey (brand_id)`.
    pub label: String,
    /// PostgreSQL refuses `DROP TABLE` (without CASCADE) while this exists; the others break
    /// only when they run.
    pub blocks_drop: bool,
    /// The table's own trigger: it goes with the table and needs nothing done.
    pub goes_with_table: bool,
}

/// Everything that uses each table: incoming foreign keys, views reading it, other tables'
/// policies and trigger functions that mention it, functions whose bodies mention it, and
/// its own triggers. Built once per model (every text is read once), then looked up.
///
/// Function bodies and policy conditions are read with PostgreSQL's parser (see
/// [`crate::sql::mentions`]); only SQL built at run time escapes it.
#[derive(Debug, Default)]
pub struct Dependents {
    by_table: HashMap<QualifiedName, Vec<Dependent>>,
}

impl Dependents {
    pub fn build(catalog: &Catalog) -> Self {
        crate::sql::parse::with_deep_stack(|| Self::build_here(catalog))
    }

    fn build_here(catalog: &Catalog) -> Self {
        let mut by_name: HashMap<&str, Vec<QualifiedName>> = HashMap::new();
        for r in &catalog.relations {
            by_name.entry(&r.name).or_default().push(r.qualified_name());
        }
        // The tables a text names, resolved against the catalog.
        let resolve = |mentions: Vec<Mention>| -> Vec<QualifiedName> {
            let mut found: Vec<QualifiedName> = mentions
                .into_iter()
                .flat_map(|(schema, name)| {
                    by_name
                        .get(name.as_str())
                        .into_iter()
                        .flatten()
                        .filter(move |q| schema.as_ref().is_none_or(|s| *s == q.schema))
                        .cloned()
                })
                .collect();
            found.sort();
            found.dedup();
            found
        };
        let function_mentions: HashMap<QualifiedName, Vec<QualifiedName>> = catalog
            .functions
            .iter()
            .filter(|f| f.extension.is_none())
            .filter(|f| f.body.is_some())
            .map(|f| {
                (
                    QualifiedName::new(&f.schema, &f.name),
                    resolve(in_function(f)),
                )
            })
            .collect();
        let mut out = Dependents::default();
        for other in &catalog.relations {
            out.add_relation_dependents(other, &resolve, &function_mentions);
        }
        for f in catalog.functions.iter().filter(|f| f.extension.is_none()) {
            let key = QualifiedName::new(&f.schema, &f.name);
            for table in function_mentions.get(&key).cloned().unwrap_or_default() {
                out.push(
                    table,
                    Dependent {
                        kind: DependentKind::Function,
                        object: f.object_id(),
                        label: format!("{}.{}", f.schema, f.signature()),
                        blocks_drop: false,
                        goes_with_table: false,
                    },
                );
            }
        }
        for list in out.by_table.values_mut() {
            list.sort_by(|a, b| (a.kind, &a.label).cmp(&(b.kind, &b.label)));
            list.dedup();
        }
        out
    }

    /// What `other` contributes: its foreign keys, what it reads, its policies' and
    /// triggers' mentions, and its own triggers.
    fn add_relation_dependents(
        &mut self,
        other: &Relation,
        resolve: &dyn Fn(Vec<Mention>) -> Vec<QualifiedName>,
        function_mentions: &HashMap<QualifiedName, Vec<QualifiedName>>,
    ) {
        let me = other.qualified_name();
        let elsewhere = |q: &QualifiedName| *q != me;
        let dependent = |kind, label: String, blocks_drop, goes_with_table| Dependent {
            kind,
            object: ObjectId::Relation(me.clone()),
            label,
            blocks_drop,
            goes_with_table,
        };
        for (c, fk) in other
            .foreign_keys()
            .filter(|(_, fk)| elsewhere(&fk.referenced_table))
        {
            let label = format!("{me}.{} ({})", c.name, c.columns.join(", "));
            self.push(
                fk.referenced_table.clone(),
                dependent(DependentKind::ForeignKey, label, true, false),
            );
        }
        for read in &other.reads {
            let label = match other.kind {
                RelationKind::View => me.to_string(),
                kind => format!("{me} ({})", kind.label()),
            };
            self.push(
                read.clone(),
                dependent(DependentKind::View, label, true, false),
            );
        }
        for p in &other.policies {
            let texts = [&p.using, &p.with_check].into_iter().flatten();
            let mut tables: Vec<QualifiedName> = texts
                .flat_map(|t| resolve(in_sql(t)))
                .filter(elsewhere)
                .collect();
            tables.sort();
            tables.dedup();
            for table in tables {
                let label = format!("\"{}\" on {me}", p.name);
                self.push(table, dependent(DependentKind::Policy, label, true, false));
            }
        }
        for t in &other.triggers {
            let own = format!("{} (dropped with the table)", t.name);
            self.push(
                me.clone(),
                dependent(DependentKind::Trigger, own, false, true),
            );
            for table in function_mentions
                .get(&t.function)
                .into_iter()
                .flatten()
                .filter(|q| elsewhere(q))
            {
                let label = format!("{} on {me} calls {}()", t.name, t.function);
                self.push(
                    table.clone(),
                    dependent(DependentKind::Trigger, label, false, false),
                );
            }
        }
    }

    fn push(&mut self, table: QualifiedName, d: Dependent) {
        self.by_table.entry(table).or_default().push(d);
    }

    /// The dependents of one table, by kind then name.
    pub fn of(&self, table: &QualifiedName) -> &[Dependent] {
        self.by_table.get(table).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Dependents other than the table's own triggers: what a reviewer must act on.
    pub fn count_outside(&self, table: &QualifiedName) -> usize {
        self.of(table).iter().filter(|d| !d.goes_with_table).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Activity;

    #[test]
    fn summaries_read_against_the_statistics_window() {
        assert_eq!(age_words(3.0 * 86_400.0 + 5.0), "3 days");
        assert_eq!(age_words(90.0), "1 minute");
        assert_eq!(human_count(12_345), "12.3k");
        assert_eq!(human_bytes(1536), "1.5 kB");
        let stats = TableStats {
            seq_scans: Some(0),
            index_scans: Some(0),
            inserts: Some(3),
            updates: Some(0),
            deletes: Some(0),
            ..TableStats::default()
        };
        assert_eq!(
            stats.activity(),
            Some(Activity {
                reads: 0,
                writes: 3
            })
        );
        assert_eq!(TableStats::default().activity(), None);
    }
}
