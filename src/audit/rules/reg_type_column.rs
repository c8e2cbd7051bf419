//! # reg-type-column
//!
//! ## What it finds
//! Table columns of the OID-alias types `regproc`, `regprocedure`, `regoper`,
//! `regoperator`, `regconfig`, `regdictionary`, `regnamespace`, `regrole` and
//! `regcollation` (`regclass` and `regtype` are fine).
//!
//! ## Why it matters
//! They store OIDs, which `pg_upgrade` does not preserve for these object kinds, so it
//! refuses to upgrade a cluster that has them in user tables. Supabase's Postgres upgrades
//! stop on them.
//!
//! ## Example
//! ```sql
//! CREATE TABLE search_settings (config regconfig);
//! ```
//!
//! ## Fix
//! Store the name instead: `ALTER COLUMN ... TYPE text USING config::text`. Casting back
//! (`config::regconfig`) works wherever the OID was needed.

use super::prelude::*;

pub struct RegTypeColumn;

static META: RuleMeta = RuleMeta {
    id: "reg-type-column",
    severity: Severity::Warning,
    category: Category::Maintainability,
    summary: "Column of a reg* type that blocks pg_upgrade",
    counterparts: &["splinter:0019_unsupported_reg_types"],
};

const BLOCKING: &[&str] = &[
    "regproc",
    "regprocedure",
    "regoper",
    "regoperator",
    "regconfig",
    "regdictionary",
    "regnamespace",
    "regrole",
    "regcollation",
];

impl Rule for RegTypeColumn {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for t in cx.user_tables() {
            for c in t
                .columns
                .iter()
                .filter(|c| BLOCKING.contains(&c.data_type.trim_end_matches("[]")))
            {
                let target = if c.data_type.ends_with("[]") {
                    "text[]"
                } else {
                    "text"
                };
                out.push(
                    META.finding(
                        ObjectRef::part(ObjectKind::Column, &t.schema, &t.name, &c.name),
                        format!("{}.{}.{} is {}, which blocks pg_upgrade", t.schema, t.name, c.name, c.data_type),
                    )
                    .with_fix(Fix::review(
                        vec![fix::alter_column_type(t, &c.name, target)],
                        &["Code reading the column gets names instead of OIDs; cast back where an OID is needed."],
                    )),
                );
            }
        }
    }
}
