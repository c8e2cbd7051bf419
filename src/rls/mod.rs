//! RLS as a user: what one user, or `anon`, can read, and whether any of it belongs to
//! someone else.
//!
//! This module is pure. [`scopes`] infers, from the catalog alone, what decides whom each
//! table's rows belong to: a tenant column whose membership table links users to tenants
//! (`workspace_id`, with `workspace_members(workspace_id, user_id)`), or a column that
//! references the users (`user_id` → `auth.users`). The live source
//! (`source::live::rls`) counts, as the user and read only, the rows each table shows and
//! how many of them fall outside the user's scope: those are leaks. [`report`] prints the
//! result.

pub mod findings;
pub mod report;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::audit::TENANT_COLUMN_CANDIDATES;
use crate::model::{Catalog, PolicyCommand, QualifiedName, Relation, RelationKind};
use crate::sql::{ident, literal};

/// Rows counted per table and command, at most: a huge table costs little, and the bound
/// is said.
pub const ROW_BOUND: i64 = 10_000;

/// Who the rows are read as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subject {
    /// The database role the statements run as (`authenticated`, `anon`, or any role).
    pub role: String,
    /// The roles whose policies apply to it: itself, the roles it inherits from, and
    /// PUBLIC, as PostgreSQL picks a policy's roles.
    #[serde(skip)]
    pub acts_as: Vec<String>,
    /// The user's id, when the subject is a user (`auth.users.id`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The JWT claims set for the request, as PostgREST sets them.
    pub claims: serde_json::Value,
    /// The tenants the user belongs to, by membership table (read before the switch).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub tenants: BTreeMap<String, Vec<String>>,
    /// Someone else to try writes for: another user's id (`user`) and, by membership table,
    /// a tenant the user is not in.
    #[serde(skip)]
    pub strangers: BTreeMap<String, String>,
}

/// What decides whom a table's rows belong to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Scope {
    /// A row belongs to the user its `column` names.
    Owner { column: String },
    /// A row belongs to the tenant its `column` names; a user's tenants are the rows of the
    /// membership table that name them.
    Tenant {
        column: String,
        membership: Membership,
    },
}

/// A table that links users to tenants.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Membership {
    pub table: QualifiedName,
    pub user_column: String,
    pub tenant_column: String,
}

impl Membership {
    /// How reports name it: `public.workspace_members(workspace_id, user_id)`.
    pub fn label(&self) -> String {
        format!(
            "{}({}, {})",
            self.table, self.tenant_column, self.user_column
        )
    }
}

impl Scope {
    /// How reports name it: `user_id = the user`, `workspace_id in the user's workspaces`.
    pub fn label(&self) -> String {
        match self {
            Scope::Owner { column } => format!("{column} = the user"),
            Scope::Tenant { column, membership } => format!(
                "{column} in the user's tenants (from {})",
                membership.label()
            ),
        }
    }

    /// A condition that holds for the rows that do not belong to `subject`: all of them for
    /// a subject with no user (`anon`), or a user in no tenant. None when the user's tenants
    /// could not be read: the table cannot be judged.
    pub fn foreign_rows(&self, subject: &Subject) -> Option<String> {
        match self {
            Scope::Owner { column } => Some(match &subject.user_id {
                Some(id) => format!(
                    "{}::pg_catalog.text IS DISTINCT FROM {}",
                    ident(column),
                    literal(id)
                ),
                None => "true".into(),
            }),
            Scope::Tenant { column, membership } => {
                if subject.user_id.is_none() {
                    return Some("true".into());
                }
                let tenants = subject.tenants.get(&membership.table.to_string())?;
                if tenants.is_empty() {
                    return Some("true".into());
                }
                let list: Vec<String> = tenants.iter().map(|t| literal(t)).collect();
                Some(format!(
                    "{}::pg_catalog.text IS NULL OR {}::pg_catalog.text <> ALL (ARRAY[{}]::pg_catalog.text[])",
                    ident(column),
                    ident(column),
                    list.join(", ")
                ))
            }
        }
    }
}

/// The users' table: `auth.users` where it exists.
fn users_table(catalog: &Catalog) -> Option<QualifiedName> {
    catalog
        .relation("auth", "users")
        .map(Relation::qualified_name)
}

/// Columns of `t` that reference a user: a single-column key to `auth.users`, or to a
/// table whose own key is one (`profiles.id` → `auth.users.id`).
fn user_columns(catalog: &Catalog, t: &Relation, users: &QualifiedName) -> Vec<String> {
    t.foreign_keys()
        .filter(|(c, fk)| {
            c.columns.len() == 1
                && (&fk.referenced_table == users
                    || catalog
                        .relation(&fk.referenced_table.schema, &fk.referenced_table.name)
                        .is_some_and(|p| is_user_table(p, users)))
        })
        .map(|(c, _)| c.columns[0].clone())
        .collect()
}

/// A table whose primary key is a key to the users (`profiles (id REFERENCES auth.users)`).
fn is_user_table(t: &Relation, users: &QualifiedName) -> bool {
    let Some(pk) = t.primary_key() else {
        return false;
    };
    pk.columns.len() == 1
        && t.foreign_keys()
            .any(|(c, fk)| c.columns == pk.columns && &fk.referenced_table == users)
}

/// Column names that say a row is someone's, best first.
const OWNER_COLUMNS: &[&str] = &[
    "user_id",
    "owner_id",
    "profile_id",
    "author_id",
    "member_id",
];

/// The table that links users to the tenants in `tenant_column`: one with that column and a
/// user column, named like a membership (`*member*`) when several qualify, else the
/// narrowest.
fn membership(catalog: &Catalog, users: &QualifiedName, tenant_column: &str) -> Option<Membership> {
    let mut found: Vec<(bool, usize, Membership)> = catalog
        .tables()
        .filter(|t| t.has_column(tenant_column))
        .filter_map(|t| {
            let user_column = preferred(user_columns(catalog, t, users))?;
            Some((
                !t.name.contains("member"),
                t.columns.len(),
                Membership {
                    table: t.qualified_name(),
                    user_column,
                    tenant_column: tenant_column.to_string(),
                },
            ))
        })
        .collect();
    found.sort();
    found.into_iter().next().map(|(_, _, m)| m)
}

fn preferred(columns: Vec<String>) -> Option<String> {
    OWNER_COLUMNS
        .iter()
        .find(|c| columns.iter().any(|x| x == *c))
        .map(|c| c.to_string())
        .or_else(|| columns.into_iter().next())
}

/// Every table's scope, where one can be inferred; views and materialized views are scoped
/// by their columns as tables are (a view that shows `workspace_id` shows whose rows).
pub fn scopes(catalog: &Catalog) -> BTreeMap<QualifiedName, Scope> {
    let mut out = BTreeMap::new();
    let Some(users) = users_table(catalog) else {
        return out;
    };
    let tenant = TENANT_COLUMN_CANDIDATES
        .iter()
        .filter_map(|c| membership(catalog, &users, c))
        .max_by_key(|m| {
            catalog
                .tables()
                .filter(|t| t.has_column(&m.tenant_column))
                .count()
        });
    // The tenants' own table: what the membership's tenant column references.
    let tenants_table = tenant.as_ref().and_then(|m| {
        let t = catalog.relation(&m.table.schema, &m.table.name)?;
        t.foreign_keys()
            .find(|(c, _)| c.columns == [m.tenant_column.clone()])
            .map(|(_, fk)| fk.referenced_table.clone())
    });
    for r in catalog.relations.iter().filter(|r| scopable(r)) {
        let q = r.qualified_name();
        if q == users {
            continue;
        }
        let scope = match &tenant {
            Some(m) if r.has_column(&m.tenant_column) => Some(Scope::Tenant {
                column: m.tenant_column.clone(),
                membership: m.clone(),
            }),
            Some(m) if tenants_table.as_ref() == Some(&q) && r.has_column("id") => {
                Some(Scope::Tenant {
                    column: "id".into(),
                    membership: m.clone(),
                })
            }
            _ => None,
        }
        .or_else(|| {
            let column = if r.kind.is_view() || r.kind == RelationKind::MaterializedView {
                OWNER_COLUMNS
                    .iter()
                    .find(|c| r.has_column(c))
                    .map(|c| c.to_string())
            } else if is_user_table(r, &users) {
                Some(r.primary_key()?.columns[0].clone())
            } else {
                preferred(user_columns(catalog, r, &users))
            };
            column.map(|column| Scope::Owner { column })
        });
        if let Some(scope) = scope {
            out.insert(q, scope);
        }
    }
    out
}

/// Scopes the user gives where the schema does not say whose rows are whose: `[rls]` in
/// the config file.
///
/// ```toml
/// [rls]
/// membership = "public.org_members(org_id, user_id)"  # links users to tenants
/// [rls.scope]
/// "public.notes" = "created_by"         # a row is the user's this column names
/// "public.invoices" = "tenant:org_id"   # a row is the tenant's this column names
/// "public.countries" = "none"           # shared rows: counted, not judged
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeOverrides {
    /// The membership table for tenant scopes: `schema.table(tenant_column, user_column)`.
    pub membership: Option<String>,
    /// By table (`schema.table`): an owner column, `tenant:column`, or `none`.
    #[serde(default)]
    pub scope: BTreeMap<String, String>,
}

impl ScopeOverrides {
    pub fn is_empty(&self) -> bool {
        self.membership.is_none() && self.scope.is_empty()
    }
}

/// Every table's scope: inferred ([`scopes`]), then as the overrides say. An override
/// that names a table or column the catalog lacks is an error that names it: a typo must
/// not quietly leave a table unjudged.
pub fn scopes_with(
    catalog: &Catalog,
    overrides: &ScopeOverrides,
) -> Result<BTreeMap<QualifiedName, Scope>, String> {
    let mut out = scopes(catalog);
    let membership = match &overrides.membership {
        Some(text) => Some(parse_membership(catalog, text)?),
        None => out.values().find_map(|s| match s {
            Scope::Tenant { membership, .. } => Some(membership.clone()),
            Scope::Owner { .. } => None,
        }),
    };
    // A membership given replaces the inferred one everywhere it was used.
    if overrides.membership.is_some() {
        if let Some(m) = &membership {
            for scope in out.values_mut() {
                if let Scope::Tenant { membership, .. } = scope {
                    *membership = m.clone();
                }
            }
        }
    }
    for (table, value) in &overrides.scope {
        let r = relation_named(catalog, table)
            .ok_or_else(|| format!("[rls.scope] names {table}: no such table or view"))?;
        let q = r.qualified_name();
        if value == "none" {
            out.remove(&q);
            continue;
        }
        let (column, tenant) = match value.strip_prefix("tenant:") {
            Some(column) => (column, true),
            None => (value.as_str(), false),
        };
        if !r.has_column(column) {
            return Err(format!(
                "[rls.scope] {table} = \"{value}\": {q} has no column {column}"
            ));
        }
        let scope = if tenant {
            let membership = membership.clone().ok_or_else(|| {
                format!(
                    "[rls.scope] {table} = \"{value}\": no membership table links users to tenants; name one with [rls] membership = \"schema.table(tenant_column, user_column)\""
                )
            })?;
            Scope::Tenant {
                column: column.to_string(),
                membership,
            }
        } else {
            Scope::Owner {
                column: column.to_string(),
            }
        };
        out.insert(q, scope);
    }
    Ok(out)
}

/// `schema.table` or `table` (in public).
fn relation_named<'c>(catalog: &'c Catalog, name: &str) -> Option<&'c Relation> {
    match name.split_once('.') {
        Some((schema, table)) => catalog.relation(schema, table),
        None => catalog.relation("public", name),
    }
}

/// `schema.table(tenant_column, user_column)`, checked against the catalog.
fn parse_membership(catalog: &Catalog, text: &str) -> Result<Membership, String> {
    let bad = || {
        format!("[rls] membership = \"{text}\": write it as \"schema.table(tenant_column, user_column)\"")
    };
    let (table, columns) = text.trim().split_once('(').ok_or_else(bad)?;
    let columns = columns.strip_suffix(')').ok_or_else(bad)?;
    let (tenant_column, user_column) = columns.split_once(',').ok_or_else(bad)?;
    let (tenant_column, user_column) = (tenant_column.trim(), user_column.trim());
    let r = relation_named(catalog, table.trim())
        .ok_or_else(|| format!("[rls] membership names {}: no such table", table.trim()))?;
    for c in [tenant_column, user_column] {
        if !r.has_column(c) {
            return Err(format!(
                "[rls] membership: {} has no column {c}",
                r.qualified_name()
            ));
        }
    }
    Ok(Membership {
        table: r.qualified_name(),
        user_column: user_column.to_string(),
        tenant_column: tenant_column.to_string(),
    })
}

fn scopable(r: &Relation) -> bool {
    !matches!(r.kind, RelationKind::ForeignTable)
}

/// What one table showed the subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableResult {
    pub schema: String,
    pub table: String,
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<Scope>,
    pub select: CommandResult,
    /// Rows the UPDATE policies admit for the subject, and how many are someone else's.
    pub update: CommandResult,
    pub delete: CommandResult,
    /// Whether the INSERT check admits a row of someone else.
    pub insert: InsertResult,
}

/// INSERT, judged on one probe row of another user or tenant (never inserted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum InsertResult {
    NotGranted,
    /// No scope, or nobody else to try: not judged.
    NotJudged,
    /// The check was evaluated on `row`.
    Probed {
        admits_foreign_row: bool,
        row: serde_json::Value,
    },
    Failed {
        error: String,
    },
}

/// One command's outcome on one table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum CommandResult {
    /// The role holds no privilege for it.
    NotGranted,
    /// Counted: `rows` visible, `foreign` of them outside the subject's scope (None when the
    /// table has no scope), each at most [`ROW_BOUND`] (`bounded` when a count reached it).
    Counted {
        rows: i64,
        #[serde(skip_serializing_if = "Option::is_none")]
        foreign: Option<i64>,
        bounded: bool,
    },
    /// The server refused (a column privilege, a policy error, the timeout), with its words.
    Failed { error: String },
}

/// A row the subject sees that belongs to someone else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Leak {
    pub schema: String,
    pub table: String,
    pub command: &'static str,
    pub rows: i64,
    pub bounded: bool,
    pub scope: String,
    /// The permissive policies that admit rows for this command and role, by name: what to
    /// read first. Empty for a view or a table without row security.
    pub policies: Vec<String>,
    pub why: String,
    /// For INSERT: the row of someone else the check admitted (never inserted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probe_row: Option<serde_json::Value>,
}

/// A way around row security the role can take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bypass {
    pub kind: &'static str,
    pub name: String,
    pub why: String,
}

/// The whole answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RlsReport {
    pub source: String,
    pub subject: Subject,
    pub tables: Vec<TableResult>,
    pub leaks: Vec<Leak>,
    pub bypasses: Vec<Bypass>,
    /// What was not evaluated, in words (the report's limits).
    pub limits: Vec<String>,
}

impl RlsReport {
    /// Whom the report reads as, in a word or two: the user's e-mail or id, else the role.
    pub fn who(&self) -> String {
        let s = &self.subject;
        s.email
            .clone()
            .or_else(|| s.user_id.clone())
            .unwrap_or_else(|| s.role.clone())
    }

    /// What one table or view showed, if it was read.
    pub fn table(&self, schema: &str, name: &str) -> Option<&TableResult> {
        self.tables
            .iter()
            .find(|t| t.schema == schema && t.table == name)
    }
}

/// The leaks among the results: visible or changeable rows outside the subject's scope,
/// and an INSERT check that admits someone else's row.
pub fn leaks(catalog: &Catalog, subject: &Subject, tables: &[TableResult]) -> Vec<Leak> {
    let mut out = Vec::new();
    for t in tables {
        let (Some(scope), Some(r)) = (t.scope.as_ref(), catalog.relation(&t.schema, &t.table))
        else {
            continue;
        };
        let commands = [
            ("SELECT", PolicyCommand::Select, &t.select),
            ("UPDATE", PolicyCommand::Update, &t.update),
            ("DELETE", PolicyCommand::Delete, &t.delete),
        ];
        for (command, kind, result) in commands {
            let CommandResult::Counted {
                foreign: Some(foreign),
                bounded,
                ..
            } = result
            else {
                continue;
            };
            if *foreign == 0 {
                continue;
            }
            let policies = admitting_policies(r, &subject.acts_as, kind);
            out.push(Leak {
                schema: t.schema.clone(),
                table: t.table.clone(),
                command,
                rows: *foreign,
                bounded: *bounded,
                scope: scope.label(),
                why: why(r, &policies, None),
                policies,
                probe_row: None,
            });
        }
        if let InsertResult::Probed {
            admits_foreign_row: true,
            row,
        } = &t.insert
        {
            let policies = admitting_policies(r, &subject.acts_as, PolicyCommand::Insert);
            out.push(Leak {
                schema: t.schema.clone(),
                table: t.table.clone(),
                command: "INSERT",
                rows: 1,
                bounded: false,
                scope: scope.label(),
                why: why(r, &policies, Some(row)),
                policies,
                probe_row: Some(row.clone()),
            });
        }
    }
    out
}

impl Leak {
    /// The command as a policy names it.
    pub fn policy_command(&self) -> PolicyCommand {
        match self.command {
            "INSERT" => PolicyCommand::Insert,
            "UPDATE" => PolicyCommand::Update,
            "DELETE" => PolicyCommand::Delete,
            _ => PolicyCommand::Select,
        }
    }

    /// Names only the policies seen admitting the rows, when any was: of several that
    /// apply, the one with `USING (true)` is what to read, not its careful neighbours.
    pub fn narrow_to(&mut self, r: &Relation, admitted: Vec<String>) {
        if admitted.is_empty() {
            return;
        }
        self.why = why(r, &admitted, self.probe_row.as_ref());
        self.policies = admitted;
    }
}

fn why(r: &Relation, policies: &[String], probe: Option<&serde_json::Value>) -> String {
    let reason = if !r.kind.is_table() {
        format!("a {} shows them", r.kind.label())
    } else if !r.rls_enabled {
        "row-level security is off".to_string()
    } else if policies.is_empty() {
        "no policy admits them, yet they show (the role bypasses row security?)".to_string()
    } else {
        format!("admitted by {}", policies.join(", "))
    };
    match probe {
        Some(row) => format!("the check admits a row of someone else ({row}); {reason}"),
        None => reason,
    }
}

/// The roles whose policies apply to `role`: itself, every role it has the privileges of
/// (as the catalog records them), and PUBLIC.
pub fn acting_roles(catalog: &Catalog, role: &str) -> Vec<String> {
    let mut roles = vec![role.to_string(), "public".to_string()];
    if let Some(r) = catalog.roles.iter().find(|r| r.name == role) {
        roles.extend(r.member_of.iter().cloned());
    }
    roles
}

/// The policies of `r` for `command` (or ALL) that apply to one of `roles`.
fn applying<'r>(
    r: &'r Relation,
    roles: &'r [String],
    command: PolicyCommand,
) -> impl Iterator<Item = &'r crate::model::Policy> + 'r {
    r.policies
        .iter()
        .filter(move |p| p.command == PolicyCommand::All || p.command == command)
        .filter(move |p| p.roles.iter().any(|x| roles.contains(x)))
}

/// Permissive policies for `command` (or ALL) that apply to `roles`.
fn admitting_policies(r: &Relation, roles: &[String], command: PolicyCommand) -> Vec<String> {
    applying(r, roles, command)
        .filter(|p| p.permissive)
        .map(|p| p.name.clone())
        .collect()
}

/// Each permissive policy that applies, with the condition under which it alone admits a
/// row: its own expression and every restrictive one. What tells, for a leak, which
/// policies let the rows through.
pub fn admitting_conditions(
    r: &Relation,
    roles: &[String],
    command: PolicyCommand,
) -> Vec<(String, String)> {
    let pick = |p: &crate::model::Policy| match command {
        PolicyCommand::Insert => check_of(p),
        _ => p.using.clone(),
    };
    let restrictive: Vec<String> = applying(r, roles, command)
        .filter(|p| !p.permissive)
        .map(|p| format!("({})", pick(p).unwrap_or_else(|| "true".into())))
        .collect();
    applying(r, roles, command)
        .filter(|p| p.permissive)
        .map(|p| {
            let mut all = vec![format!("({})", pick(p).unwrap_or_else(|| "true".into()))];
            all.extend(restrictive.iter().cloned());
            (p.name.clone(), all.join(" AND "))
        })
        .collect()
}

/// Combines policy expressions as PostgreSQL does: any permissive one, and every
/// restrictive one; no permissive policy admits nothing. An absent expression admits all.
fn combined(
    r: &Relation,
    roles: &[String],
    command: PolicyCommand,
    pick: impl Fn(&crate::model::Policy) -> Option<String>,
) -> String {
    if !r.rls_enabled {
        return "true".into();
    }
    let expr = |p: &crate::model::Policy| pick(p).unwrap_or_else(|| "true".into());
    let permissive: Vec<String> = applying(r, roles, command)
        .filter(|p| p.permissive)
        .map(|p| format!("({})", expr(p)))
        .collect();
    if permissive.is_empty() {
        return "false".into();
    }
    let mut all = vec![format!("({})", permissive.join(" OR "))];
    all.extend(
        applying(r, roles, command)
            .filter(|p| !p.permissive)
            .map(|p| format!("({})", expr(p))),
    );
    all.join(" AND ")
}

/// The rows UPDATE or DELETE may touch for `roles`: the policies' USING, combined.
pub fn write_condition(r: &Relation, roles: &[String], command: PolicyCommand) -> String {
    combined(r, roles, command, |p| p.using.clone())
}

/// What a new row must satisfy for `roles`: the INSERT policies' WITH CHECK, combined.
pub fn insert_check(r: &Relation, roles: &[String]) -> String {
    combined(r, roles, PolicyCommand::Insert, check_of)
}

/// A policy's check on new rows: its WITH CHECK, or for an ALL policy without one, its
/// USING (as PostgreSQL applies it).
fn check_of(p: &crate::model::Policy) -> Option<String> {
    p.with_check.clone().or_else(|| {
        (p.command == PolicyCommand::All)
            .then(|| p.using.clone())
            .flatten()
    })
}

/// A row that belongs to someone else, for the INSERT probe: another user's id in the
/// owner column, or a tenant the user is not in (with the user as its member, as someone
/// joining a workspace uninvited would write it). None when there is nobody else.
pub fn probe_row(r: &Relation, scope: &Scope, subject: &Subject) -> Option<serde_json::Value> {
    let mut row = serde_json::Map::new();
    match scope {
        Scope::Owner { column } => {
            row.insert(
                column.clone(),
                subject.strangers.get("user")?.clone().into(),
            );
        }
        Scope::Tenant { column, membership } => {
            let other = subject.strangers.get(&membership.table.to_string())?;
            row.insert(column.clone(), other.clone().into());
            if let Some(me) = &subject.user_id {
                if r.has_column(&membership.user_column) && membership.user_column != *column {
                    row.insert(membership.user_column.clone(), me.clone().into());
                }
            }
        }
    }
    Some(serde_json::Value::Object(row))
}

/// The limits every report states.
pub const LIMITS: &[&str] = &[
    "SELECT is counted as the subject. UPDATE and DELETE count the rows the command's policies admit (their USING, evaluated with the subject's claims as the connecting role, without the SELECT policies a filtered request would add). INSERT evaluates the check on one probe row of someone else; nothing is inserted.",
    "Whose rows are whose is inferred from the schema (scope per table); tables without a scope are counted but not judged.",
    "Counts stop at 10,000 rows per table.",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::CatalogBuilder;

    fn catalog() -> Catalog {
        CatalogBuilder::supabase()
            .table("public.workspaces", &[("id", "uuid"), ("name", "text")])
            .primary_key("public.workspaces", &["id"])
            .table(
                "public.workspace_members",
                &[
                    ("workspace_id", "uuid"),
                    ("user_id", "uuid"),
                    ("role", "text"),
                ],
            )
            .foreign_key(
                "public.workspace_members",
                &["workspace_id"],
                "public.workspaces",
                &["id"],
            )
            .foreign_key(
                "public.workspace_members",
                &["user_id"],
                "auth.users",
                &["id"],
            )
            .table(
                "public.projects",
                &[("id", "uuid"), ("workspace_id", "uuid")],
            )
            .foreign_key(
                "public.projects",
                &["workspace_id"],
                "public.workspaces",
                &["id"],
            )
            .table("public.profiles", &[("id", "uuid"), ("bio", "text")])
            .primary_key("public.profiles", &["id"])
            .foreign_key("public.profiles", &["id"], "auth.users", &["id"])
            .table(
                "public.notes",
                &[("id", "uuid"), ("author_id", "uuid"), ("body", "text")],
            )
            .foreign_key("public.notes", &["author_id"], "public.profiles", &["id"])
            .table("public.countries", &[("code", "text")])
            .table("public.org_members", &[("org", "uuid"), ("member", "uuid")])
            .build()
    }

    #[test]
    fn scopes_come_from_tenants_memberships_and_user_keys() {
        let scopes = scopes(&catalog());
        let label = |t: &str| {
            scopes
                .get(&QualifiedName::new("public", t))
                .map(Scope::label)
        };
        let tenant = "in the user's tenants (from public.workspace_members(workspace_id, user_id))";
        assert_eq!(label("projects"), Some(format!("workspace_id {tenant}")));
        assert_eq!(
            label("workspace_members"),
            Some(format!("workspace_id {tenant}"))
        );
        assert_eq!(label("workspaces"), Some(format!("id {tenant}")));
        assert_eq!(label("profiles").as_deref(), Some("id = the user"));
        assert_eq!(label("notes").as_deref(), Some("author_id = the user"));
        assert_eq!(label("countries"), None);
    }

    #[test]
    fn the_config_overrides_scopes_and_names_what_it_cannot_find() {
        let catalog = catalog();
        let overrides = ScopeOverrides {
            membership: None,
            scope: [
                ("public.notes".to_string(), "id".to_string()),
                ("countries".to_string(), "tenant:code".to_string()),
                ("public.profiles".to_string(), "none".to_string()),
            ]
            .into(),
        };
        let scopes = scopes_with(&catalog, &overrides).expect("valid overrides");
        let label = |t: &str| {
            scopes
                .get(&QualifiedName::new("public", t))
                .map(Scope::label)
        };
        assert_eq!(label("notes").as_deref(), Some("id = the user"));
        assert_eq!(
            label("countries").as_deref(),
            Some(
                "code in the user's tenants (from public.workspace_members(workspace_id, user_id))"
            )
        );
        assert_eq!(label("profiles"), None, "none: counted, not judged");

        let mut given = overrides.clone();
        given.membership = Some("public.org_members(org, member)".into());
        let scopes = scopes_with(&catalog, &given).expect("valid membership");
        assert_eq!(
            scopes[&QualifiedName::new("public", "projects")].label(),
            "workspace_id in the user's tenants (from public.org_members(org, member))"
        );

        let error = |scope: (&str, &str), membership: Option<&str>| {
            scopes_with(
                &catalog,
                &ScopeOverrides {
                    membership: membership.map(String::from),
                    scope: [(scope.0.to_string(), scope.1.to_string())].into(),
                },
            )
            .expect_err("refused")
        };
        assert!(error(("public.nope", "id"), None).contains("public.nope: no such table"));
        assert!(error(("notes", "owner"), None).contains("public.notes has no column owner"));
        assert!(error(("notes", "id"), Some("org_members(org)")).contains("write it as"));
        assert!(error(("notes", "id"), Some("org_members(org, who)"))
            .contains("public.org_members has no column who"));
    }

    #[test]
    fn foreign_rows_are_everything_for_anon_and_a_user_without_tenants() {
        let scopes = scopes(&catalog());
        let anon = Subject {
            role: "anon".into(),
            acts_as: vec!["anon".into(), "public".into()],
            user_id: None,
            email: None,
            claims: serde_json::json!({}),
            tenants: BTreeMap::new(),
            strangers: BTreeMap::new(),
        };
        let projects = &scopes[&QualifiedName::new("public", "projects")];
        assert_eq!(projects.foreign_rows(&anon).as_deref(), Some("true"));
        let mut unknown = anon.clone();
        unknown.user_id = Some("u1".into());
        assert_eq!(projects.foreign_rows(&unknown), None, "tenants not read");
        let mut user = anon.clone();
        user.user_id = Some("u1".into());
        user.tenants.insert(
            "public.workspace_members".into(),
            vec!["w1".into(), "w'2".into()],
        );
        assert_eq!(
            projects.foreign_rows(&user).as_deref(),
            Some("workspace_id::pg_catalog.text IS NULL OR workspace_id::pg_catalog.text <> ALL (ARRAY['w1', 'w''2']::pg_catalog.text[])")
        );
        let notes = &scopes[&QualifiedName::new("public", "notes")];
        assert_eq!(
            notes.foreign_rows(&user).as_deref(),
            Some("author_id::pg_catalog.text IS DISTINCT FROM 'u1'")
        );
    }

    #[test]
    fn policies_combine_as_postgresql_combines_them() {
        use crate::model::Policy;
        let policy = |name: &str, command, permissive, using: Option<&str>| Policy {
            name: name.into(),
            command,
            permissive,
            roles: vec!["authenticated".into()],
            using: using.map(String::from),
            with_check: None,
            provenance: Default::default(),
        };
        let authenticated = ["authenticated".to_string(), "public".to_string()];
        let anon = ["anon".to_string(), "public".to_string()];
        let mut r = Relation::empty("public", "projects", RelationKind::Table);
        assert_eq!(
            write_condition(&r, &authenticated, PolicyCommand::Update),
            "true"
        );
        r.rls_enabled = true;
        assert_eq!(
            write_condition(&r, &authenticated, PolicyCommand::Update),
            "false"
        );
        r.policies = vec![
            policy("read", PolicyCommand::Select, true, Some("a")),
            policy("edit", PolicyCommand::Update, true, Some("b")),
            policy("all", PolicyCommand::All, true, Some("d")),
            policy("only live", PolicyCommand::All, false, Some("e")),
        ];
        r.policies[1].with_check = Some("c".into());
        assert_eq!(
            write_condition(&r, &authenticated, PolicyCommand::Update),
            "((b) OR (d)) AND (e)"
        );
        assert_eq!(write_condition(&r, &anon, PolicyCommand::Update), "false");
        assert_eq!(insert_check(&r, &authenticated), "((d)) AND (e)");
        assert_eq!(
            admitting_conditions(&r, &authenticated, PolicyCommand::Update),
            [
                ("edit".to_string(), "(b) AND (e)".to_string()),
                ("all".to_string(), "(d) AND (e)".to_string())
            ]
        );
        assert_eq!(
            admitting_conditions(&r, &authenticated, PolicyCommand::Insert),
            [("all".to_string(), "(d) AND (e)".to_string())],
            "an ALL policy without WITH CHECK checks new rows with its USING"
        );
    }

    #[test]
    fn policies_for_a_role_it_inherits_apply_to_it() {
        use crate::model::Role;
        let mut catalog = catalog();
        catalog.roles.push(Role {
            name: "authenticated".into(),
            superuser: false,
            bypass_rls: false,
            login: false,
            member_of: vec!["app_users".into()],
        });
        let roles = acting_roles(&catalog, "authenticated");
        assert_eq!(roles, ["authenticated", "public", "app_users"]);
        let mut r = Relation::empty("public", "projects", RelationKind::Table);
        r.rls_enabled = true;
        r.policies = vec![crate::model::Policy {
            name: "members".into(),
            command: PolicyCommand::Select,
            permissive: true,
            roles: vec!["app_users".into()],
            using: Some("mine".into()),
            with_check: None,
            provenance: Default::default(),
        }];
        assert_eq!(
            admitting_policies(&r, &roles, PolicyCommand::Select),
            ["members"]
        );
        assert!(
            admitting_policies(&r, &acting_roles(&catalog, "anon"), PolicyCommand::Select)
                .is_empty()
        );
    }
}
