//! Leaks as findings, so that the explorer marks them where it marks every finding: on the
//! table in the tree, on the policy that let the rows through in the Policies tab, and in
//! the findings list with the criticals.

use super::{Leak, RlsReport};
use crate::audit::{Category, Finding, ObjectKind, ObjectRef, RuleMeta, Severity};
use crate::model::{Catalog, RelationKind};

/// Read as one user (or `anon`), a table shows, or lets change, rows of another user or
/// tenant. Not a rule of `pglens audit`: it comes from reading rows as the user
/// (`pglens rls`, or `U` in the explorer), never from the schema alone.
pub static LEAK: RuleMeta = RuleMeta {
    id: "rls-leak",
    severity: Severity::Critical,
    category: Category::Security,
    summary: "read as one user, rows of another user or tenant are visible or changeable",
    counterparts: &[],
};

/// One finding per leak and policy that admitted its rows (on the policy), or per leak on
/// its table or view when no policy did (row security off, a view).
pub fn findings(report: &RlsReport, catalog: &Catalog) -> Vec<Finding> {
    let who = report.who();
    let mut out = Vec::new();
    for leak in &report.leaks {
        let Some(r) = catalog.relation(&leak.schema, &leak.table) else {
            continue;
        };
        let rows = super::report::leak_rows(leak);
        if leak.policies.is_empty() || !r.kind.is_table() {
            let object = ObjectRef::relation(object_kind(r.kind), &leak.schema, &leak.table);
            let message = format!(
                "As {who}, {} reaches {rows} ({}): {}",
                leak.command, leak.scope, leak.why
            );
            out.push(keyed(LEAK.finding(object, message), leak));
            continue;
        }
        for policy in &leak.policies {
            let object = ObjectRef::part(ObjectKind::Policy, &leak.schema, &leak.table, policy);
            let message = format!(
                "As {who}, {} reaches {rows} ({}) through this policy",
                leak.command, leak.scope
            );
            out.push(keyed(LEAK.finding(object, message), leak));
        }
    }
    out
}

/// Keys name the command too: one ALL policy can leak to SELECT and to UPDATE.
fn keyed(mut f: Finding, leak: &Leak) -> Finding {
    f.key = format!("{}:{}", f.key, leak.command.to_ascii_lowercase());
    f
}

fn object_kind(kind: RelationKind) -> ObjectKind {
    match kind {
        RelationKind::View => ObjectKind::View,
        RelationKind::MaterializedView => ObjectKind::MaterializedView,
        RelationKind::ForeignTable => ObjectKind::ForeignTable,
        _ => ObjectKind::Table,
    }
}
