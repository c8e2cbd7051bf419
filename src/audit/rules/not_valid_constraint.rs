//! # not-valid-constraint
//!
//! ## What it finds
//! Check and foreign-key constraints added `NOT VALID` and never validated.
//!
//! ## Why it matters
//! New rows are checked, old rows never were: the constraint promises something about the
//! table that may not be true, and the planner cannot rely on it.
//!
//! ## Example
//! ```sql
//! ALTER TABLE deals ADD CONSTRAINT positive_value CHECK (value >= 0) NOT VALID;
//! ```
//!
//! ## Fix
//! `ALTER TABLE ... VALIDATE CONSTRAINT`, which scans the table without blocking writes. It
//! fails if an old row breaks the rule; fix those rows first.

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
