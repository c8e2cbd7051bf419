//! # missing-tenant-column
//!
//! ## What it finds
//! Tables without the tenant column whose foreign-key parent is scoped by it (the parent's tenant
//! column references the tenant table): child rows that cannot say which tenant they belong to. The
//! tenant column is the one of `workspace_id`, `tenant_id`, `organization_id`, `org_id`,
//! `company_id`, `account_id` and `team_id` that most tables have (at least two). Not reported:
//! the tenant table itself; tables whose own policies scope rows to their user (`user_id =
//! auth.uid()`); link tables (only foreign keys and bookkeeping columns); parents reached through
//! a bookkeeping column (one most tables have, such as an ORM's `create_uid`) or through an
//! optional key (a nullable column: a link to the parent, not ownership); parents whose
//! tenant column may be null (rows shared across tenants) or has no foreign key to the tenant
//! table.
//!
//! Critical when the API reaches the table and the schema's policies filter on the tenant
//! column (evidence that it is the security boundary); a warning otherwise.
//!
//! ## Why it matters
//! Row-level security on the child then needs a join to the parent on every row, or is skipped and
//! the table leaks across tenants: a member of one tenant can read or change another tenant's rows
//! through it.
//!
//! ## Example
//! ```sql
//! CREATE TABLE projects (id uuid PRIMARY KEY, workspace_id uuid NOT NULL REFERENCES workspaces);
//! CREATE TABLE tasks (id uuid PRIMARY KEY, project_id uuid NOT NULL REFERENCES projects);
//! -- tasks is reported: it has no workspace_id, though its parent projects has one
//! ```
//!
//! ## Fix
//! Add the column, with the parent's type and referencing the same tenant table (with the same
//! `ON DELETE` action); backfill it from the parent through the foreign key; make it NOT NULL; and
//! index it. pglens drafts these four statements. Then add row-level security policies that use the
//! new column.
//!
//! ## Fix safety
//! pglens marks this fix for review: it changes every row, and inserts must supply the new column
//! afterwards.
//! - `SET NOT NULL` is drafted only when this table's key to the parent is itself NOT NULL;
//!   otherwise some rows have no tenant to copy and the column stays nullable. Rows whose parent
//!   is gone keep a NULL tenant, and `SET NOT NULL` then fails, which is the point: settle those
//!   rows first.
//! - The new key to the tenant table does not cascade deletes, even when the parent's does:
//!   whether deleting a tenant should delete these rows is a decision the fix leaves to you.
//! - After `SET NOT NULL`, every insert into the table must supply the tenant column. Change the
//!   application (or add a trigger that copies it from the parent) before that step, or inserts
//!   fail.
//! - Rows inserted between the backfill and `SET NOT NULL` have no tenant: run the backfill again
//!   right before it.
//! - The backfill is one `UPDATE` of every row: on a large table it runs long, locks rows, fires
//!   update triggers and bloats the table. Batch it there.
//! - `SET NOT NULL` reads the whole table under an exclusive lock, blocking reads and writes while
//!   it runs. Adding a column that references the tenant table also locks that table for a moment.
//! - `CREATE INDEX CONCURRENTLY` cannot run inside a transaction block: run it on its own.
//! - The column protects nothing until policies use it.

use super::prelude::*;

pub struct MissingTenantColumn;

static META: RuleMeta = RuleMeta {
    id: "missing-tenant-column",
    severity: Severity::Critical,
    category: Category::Security,
    summary: "Table lacks the tenant column its foreign-key parent has",
    counterparts: &[],
};

/// Tables of people: a key to one says who a row is about, not which tenant owns it.
const USER_TABLES: &[&str] = &["users", "res_users", "profiles", "members", "accounts_user"];

/// Whether `text` names `word` as a whole word (an identifier, not part of a longer one).
fn mentions_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        let ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        !ident(before) && !ident(after)
    })
}

/// A table that only links rows of others: two or more foreign keys, and no column of its
/// own besides them and bookkeeping (`chat_files`, `res_groups_users_rel`).
fn is_link_table(t: &Relation, bookkeeping: &std::collections::BTreeSet<&str>) -> bool {
    let keys: Vec<&String> = t.foreign_keys().flat_map(|(c, _)| &c.columns).collect();
    t.foreign_keys().count() >= 2
        && t.columns.iter().all(|c| {
            keys.contains(&&c.name)
                || bookkeeping.contains(c.name.as_str())
                || matches!(c.name.as_str(), "id" | "created_at" | "updated_at")
        })
}

/// Whether the table's own policies scope rows to the calling user: a user column compared
/// with `auth.uid()`.
fn scoped_to_user(t: &Relation) -> bool {
    t.policies.iter().any(|p| {
        [p.using.as_deref(), p.with_check.as_deref()]
            .into_iter()
            .flatten()
            .any(|e| {
                e.contains("auth.uid()")
                    && (mentions_word(e, "user_id") || mentions_word(e, "owner_id"))
            })
    })
}

impl Rule for MissingTenantColumn {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(tenant) = cx.tenant_column else {
            return;
        };
        let tenant_tables = cx.tenant_tables();
        // Evidence that the column is a security boundary: some policy filters on it.
        let policies_scope_by_tenant = cx
            .user_relations()
            .flat_map(|r| &r.policies)
            .flat_map(|p| [p.using.as_deref(), p.with_check.as_deref()])
            .flatten()
            .any(|e| mentions_word(e, tenant));
        // A key every table has (`create_uid` to the users table) says who wrote a row,
        // not what it belongs to.
        let bookkeeping = &cx.bookkeeping;
        for t in cx.user_tables() {
            if t.has_column(tenant) || tenant_tables.contains(&t.qualified_name()) {
                continue;
            }
            // Rows scoped to their user (`user_id = auth.uid()`) do not need the tenant, nor
            // does a link table, which is scoped by the rows it links.
            if scoped_to_user(t) || is_link_table(t, bookkeeping) {
                continue;
            }
            // The first parent (by constraint name) whose tenant column really scopes it: a
            // foreign key to a tenant table. A text `workspace_id` with no key is no scope.
            let parent = t.foreign_keys().find_map(|(c, fk)| {
                if c.columns
                    .iter()
                    .any(|col| bookkeeping.contains(col.as_str()))
                {
                    return None;
                }
                // An optional reference (`sale_id ... ON DELETE SET NULL`, a nullable
                // `destination_account_id`) links rows; only a key every row has says what
                // the row belongs to.
                if c.columns
                    .iter()
                    .any(|col| t.column(col).is_none_or(|x| !x.not_null))
                {
                    return None;
                }
                let p = cx.relation(&fk.referenced_table)?;
                // People are not what a row belongs to: a row's user says who, not which
                // tenant's.
                if USER_TABLES.contains(&p.name.as_str()) {
                    return None;
                }
                // A parent whose tenant may be null is shared across tenants at times: its
                // children need not carry one.
                let col = p.column(tenant).filter(|c| c.not_null)?;
                let scoped = p.foreign_keys().any(|(pc, pfk)| {
                    pc.columns.len() == 1
                        && pc.columns[0] == tenant
                        && tenant_tables.contains(&pfk.referenced_table)
                });
                scoped.then_some((c, fk, p, col))
            });
            let Some((through, fk, parent, parent_col)) = parent else {
                continue;
            };
            // Where the parent's tenant column points, so the new one points there too.
            let target = parent
                .foreign_keys()
                .find(|(c, _)| c.columns.len() == 1 && c.columns[0] == tenant)
                .map(|(_, pfk)| pfk);
            // The new key does not copy a cascade: whether deleting a tenant should delete
            // these rows too is a decision, not a consequence.
            let cascades =
                target.is_some_and(|pfk| pfk.on_delete == crate::model::FkAction::Cascade);
            let references = target.and_then(|pfk| {
                Some((
                    &pfk.referenced_table,
                    pfk.referenced_columns.first()?.as_str(),
                    crate::model::FkAction::NoAction,
                ))
            });
            // The backfill follows the key the parent was found through, not the first key
            // to that table (which may be a bookkeeping `create_uid`).
            let child_keys: Vec<String> = through.columns.clone();
            let mut statements = vec![
                fix::add_column(t, tenant, &parent_col.data_type, references),
                fix::backfill_from_parent(
                    t,
                    tenant,
                    &parent.qualified_name(),
                    tenant,
                    &child_keys,
                    &fk.referenced_columns,
                ),
            ];
            let mut notes = vec![
                "Then add row-level security on the new column.",
                "CREATE INDEX CONCURRENTLY cannot run inside a transaction block.",
            ];
            // NOT NULL only where the parent's column is: a child of a row without a
            // tenant has none to copy.
            let child_key_nullable = child_keys
                .iter()
                .any(|k| t.column(k).is_some_and(|c| !c.not_null));
            if parent_col.not_null && !child_key_nullable {
                statements.push(fix::set_not_null(t, tenant));
                notes.insert(0, "Backfill before SET NOT NULL: rows whose parent is missing keep NULL and make it fail; settle them first.");
            } else {
                notes.insert(0, "Not made NOT NULL: the parent's tenant or this table's key to it may be null, so some rows have no tenant to copy.");
            }
            if cascades {
                notes.push("The parent's key to the tenant cascades deletes; this one does not: add ON DELETE CASCADE if these rows should go with their tenant.");
            }
            statements.push(fix::create_index(
                t,
                &fix::index_name(t, &[tenant]),
                "btree",
                &[fix::KeySpec::asc(tenant)],
            ));
            let fix = Fix::review(statements, &notes);
            // Critical only with evidence of a leak: the API reaches the table and the
            // schema's policies scope rows by the tenant. Without either, the missing
            // column is an inconsistency to review, not an open door.
            let exposed = cx.is_exposed(&t.schema);
            let severity = if exposed && policies_scope_by_tenant {
                Severity::Critical
            } else {
                Severity::Warning
            };
            out.push(
                META.finding(
                    ObjectRef::relation(ObjectKind::Table, &t.schema, &t.name),
                    format!(
                        "{}.{} has no {tenant} though its parent {}.{} does",
                        t.schema, t.name, parent.schema, parent.name
                    ),
                )
                .with_severity(severity)
                .with_fix(fix),
            );
        }
    }
}
