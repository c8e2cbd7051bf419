//! # unconstrained-value-column
//!
//! ## What it finds
//! Columns whose name promises a shape that nothing enforces: e-mail columns (`text` or
//! `varchar` named `email` or `..._email`) with no CHECK; numeric `score`, `probability`,
//! `percent`, `percentage` or `..._score` columns with no range check; and numeric
//! money-like columns (`amount`, `price`, `cost`, `value`, `budget`, `revenue`, alone or as
//! the first or last word: `total_amount`, `price_cents`) with no non-negative check. Any
//! CHECK constraint that involves the column counts, and columns typed with a domain or an
//! enum are left alone.
//!
//! ## Why it matters
//! Validation that lives only in application code is skipped by every other writer: scripts,
//! imports, a second service, the SQL editor. A CHECK constraint holds for all of them, and
//! bad values are refused when written instead of discovered in a report months later.
//!
//! ## Example
//! ```sql
//! CREATE TABLE leads (id uuid PRIMARY KEY, email text, score integer, budget numeric);
//! ```
//!
//! ## Fix
//! Add the CHECK `NOT VALID` (instant), then `VALIDATE CONSTRAINT` (checks old rows without
//! blocking writes). pglens drafts an e-mail pattern (`email ~* '^[A-Za-z0-9._%+-]+@...'`),
//! a 0-100 range for scores (`score >= 0 AND score <= 100`) and `amount >= 0` for money.
//!
//! ## Fix safety
//! Marked for review: the rule is a guess from the column's name. The e-mail pattern rejects
//! some real addresses (non-ASCII ones, for instance) and the empty string (NULL passes); a
//! score may legitimately go above 100, the 0-100 range lets a 0-1 probability through
//! unchecked, and a `value` or `cost` may legitimately be negative (refunds, adjustments).
//!
//! Adding the constraint takes a brief exclusive lock, and from then on every insert and
//! update must satisfy it: code that writes a breaking value starts failing at once, before
//! any validation. `VALIDATE CONSTRAINT` then fails on the first old row that breaks the
//! rule, leaving the constraint in place but not validated.
//!
//! Check first: query for the rows that break the rule, fix them, and confirm that no writer
//! still produces such values.

use super::prelude::*;

pub struct UnconstrainedValueColumn;

static META: RuleMeta = RuleMeta {
    id: "unconstrained-value-column",
    severity: Severity::Info,
    category: Category::Integrity,
    summary: "E-mail, score or amount column without a CHECK constraint",
    counterparts: &[],
};

enum Shape {
    Email,
    Percentage,
    NonNegative,
}

fn is_numeric(data_type: &str) -> bool {
    [
        "integer",
        "bigint",
        "smallint",
        "numeric",
        "real",
        "double precision",
    ]
    .iter()
    .any(|t| data_type.starts_with(t))
}

fn shape_of(c: &Column) -> Option<Shape> {
    let name = c.name.as_str();
    let text = c.data_type == "text" || c.data_type.starts_with("character varying");
    if text && (name == "email" || name.ends_with("_email")) {
        return Some(Shape::Email);
    }
    if !is_numeric(&c.data_type) {
        return None;
    }
    if matches!(name, "score" | "probability" | "percent" | "percentage")
        || name.ends_with("_score")
    {
        return Some(Shape::Percentage);
    }
    let money = ["amount", "price", "cost", "value", "budget", "revenue"];
    if money.iter().any(|m| {
        name == *m || name.starts_with(&format!("{m}_")) || name.ends_with(&format!("_{m}"))
    }) {
        return Some(Shape::NonNegative);
    }
    None
}

impl Rule for UnconstrainedValueColumn {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for t in cx.user_tables() {
            for c in &t.columns {
                let Some(shape) = shape_of(c) else { continue };
                let checked = t
                    .constraints
                    .iter()
                    .any(|k| k.kind == ConstraintKind::Check && k.columns.contains(&c.name));
                if checked || matches!(c.type_kind, TypeKind::Domain { .. } | TypeKind::Enum { .. })
                {
                    continue;
                }
                let (expression, what) = match shape {
                    Shape::Email => (fix::email_check(&c.name), "an e-mail format check"),
                    Shape::Percentage => (fix::range_check(&c.name, 0, 100), "a 0-100 range check"),
                    Shape::NonNegative => {
                        (fix::non_negative_check(&c.name), "a non-negative check")
                    }
                };
                let name = fix::object_name(&[&t.name, &c.name, "check"]);
                let fix = Fix::review(
                    vec![
                        fix::add_check(t, &name, &expression),
                        fix::validate_constraint(t, &name),
                    ],
                    &["VALIDATE fails on existing rows that break the rule; fix them first."],
                );
                out.push(
                    META.finding(
                        ObjectRef::part(ObjectKind::Column, &t.schema, &t.name, &c.name),
                        format!(
                            "{}.{}.{} has no CHECK constraint; it wants {what}",
                            t.schema, t.name, c.name
                        ),
                    )
                    .with_fix(fix),
                );
            }
        }
    }
}
