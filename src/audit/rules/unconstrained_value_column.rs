//! # unconstrained-value-column
//!
//! ## What it finds
//! Columns whose name promises a shape that nothing enforces: e-mail columns with no CHECK
//! (and no domain), `score` / `probability` / `percent` columns with no range check, and
//! money-like columns (`amount`, `price`, `cost`, `value`, `budget`) with no non-negative check.
//!
//! ## Why it matters
//! Validation that lives only in application code is skipped by every other writer: scripts,
//! imports, a second service, the SQL editor. The seeds list exactly these checks.
//!
//! ## Example
//! ```sql
//! CREATE TABLE leads (email text, score integer, ...);
//! ```
//!
//! ## Fix
//! Add the CHECK `NOT VALID` (instant), then `VALIDATE CONSTRAINT` (checks old rows without
//! blocking writes). Validation fails on rows that break it; fix them first.

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
