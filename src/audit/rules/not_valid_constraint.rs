//! # not-valid-constraint
//!
//! ## What it finds
//! Constraints (checks and foreign keys) on the application's tables that were added `NOT VALID`
//! and never validated.
//!
//! ## Why it matters
//! New rows are checked, old rows never were: the constraint promises something about the table
//! that may not be true, and the planner cannot rely on it.
//!
//! ## Example
//! ```sql
//! ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;
//! ```
//!
//! ## Fix
//! `ALTER TABLE ... VALIDATE CONSTRAINT`, which pglens drafts. It checks the existing rows without
//! blocking reads or writes, and fails if one breaks the rule: fix those rows first.
//!
//! ## Fix safety
//! pglens marks this fix safe to paste: validating changes no data, and the constraint either
//! becomes valid or stays as it was.
//! - It fails if an existing row breaks the constraint. Find those rows first with the condition
//!   negated, or for a foreign key with a join that finds the orphans:
//! ```sql
//! SELECT * FROM orders WHERE NOT (total >= 0);
//! SELECT o.* FROM orders o LEFT JOIN customers c ON c.id = o.customer_id
//! WHERE o.customer_id IS NOT NULL AND c.id IS NULL;
//! ```
//! - It reads the whole table (and for a foreign key looks up every row in the referenced table):
//!   long on a big table, with extra I/O. Reads and writes go on; other schema changes, index
//!   builds and vacuums of the table wait until it finishes.

use super::prelude::*;

pub struct NotValidConstraint;

static META: RuleMeta = RuleMeta {
    id: "not-valid-constraint",
    severity: Severity::Warning,
    category: Category::Integrity,
    summary: "Constraint added NOT VALID and never validated",
    counterparts: &["pghero:invalid_constraints"],
};

impl Rule for NotValidConstraint {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for t in cx.user_tables() {
            for c in t.constraints.iter().filter(|c| !c.validated) {
                out.push(
                    META.finding(
                        ObjectRef::part(ObjectKind::Constraint, &t.schema, &t.name, &c.name),
                        format!(
                            "constraint {} on {}.{} was never validated: existing rows may break it",
                            c.name, t.schema, t.name
                        ),
                    )
                    .with_fix(Fix::safe(vec![fix::validate_constraint(t, &c.name)]).note(
                        "Fails if an existing row breaks the constraint; find them with the constraint's condition negated.",
                    )),
                );
            }
        }
    }
}
