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
            let policies = admitting_policies(r, &subject.role, kind);
            out.push(Leak {
                schema: t.schema.clone(),
                table: t.table.clone(),
                command,
                rows: *foreign,
                bounded: *bounded,
                scope: scope.label(),
                why: why(r, &policies),
                policies,
            });
        }
        if let InsertResult::Probed {
            admits_foreign_row: true,
            row,
        } = &t.insert
        {
            let policies = admitting_policies(r, &subject.role, PolicyCommand::Insert);
            out.push(Leak {
                schema: t.schema.clone(),
                table: t.table.clone(),
                command: "INSERT",
                rows: 1,
                bounded: false,
                scope: scope.label(),
                why: format!(
                    "the check admits a row of someone else ({row}); {}",
                    why(r, &policies)
                ),
                policies,
            });
        }
    }
    out
}

fn why(r: &Relation, policies: &[String]) -> String {
    if !r.kind.is_table() {
        format!("a {} shows them", r.kind.label())
    } else if !r.rls_enabled {
        "row-level security is off".to_string()
    } else if policies.is_empty() {
        "no policy admits them, yet they show (the role bypasses row security?)".to_string()
    } else {
        format!("admitted by {}", policies.join(", "))
    }
}

/// The policies of `r` for `command` (or ALL) that apply to `role`.
fn applying<'r>(
    r: &'r Relation,
    role: &'r str,
    command: PolicyCommand,
) -> impl Iterator<Item = &'r crate::model::Policy> + 'r {
    r.policies
        .iter()
        .filter(move |p| p.command == PolicyCommand::All || p.command == command)
        .filter(move |p| p.roles.iter().any(|x| x == "public" || x == role))
}

/// Permissive policies for `command` (or ALL) that apply to `role`.
fn admitting_policies(r: &Relation, role: &str, command: PolicyCommand) -> Vec<String> {
    applying(r, role, command)
        .filter(|p| p.permissive)
        .map(|p| p.name.clone())
        .collect()
}

/// Combines policy expressions as PostgreSQL does: any permissive one, and every
/// restrictive one; no permissive policy admits nothing. An absent expression admits all.
fn combined(
    r: &Relation,
    role: &str,
    command: PolicyCommand,
    pick: impl Fn(&crate::model::Policy) -> Option<String>,
) -> String {
    if !r.rls_enabled {
        return "true".into();
    }
    let expr = |p: &crate::model::Policy| pick(p).unwrap_or_else(|| "true".into());
    let permissive: Vec<String> = applying(r, role, command)
        .filter(|p| p.permissive)
        .map(|p| format!("({})", expr(p)))
        .collect();
    if permissive.is_empty() {
        return "false".into();
    }
    let mut all = vec![format!("({})", permissive.join(" OR "))];
    all.extend(
        applying(r, role, command)
            .filter(|p| !p.permissive)
            .map(|p| format!("({})", expr(p))),
    );
    all.join(" AND ")
}

/// The rows UPDATE or DELETE may touch for `role`: the policies' USING, combined.
pub fn write_condition(r: &Relation, role: &str, command: PolicyCommand) -> String {
    combined(r, role, command, |p| p.using.clone())
}

/// What a new row must satisfy for `role`: the INSERT policies' WITH CHECK (an ALL policy
/// without one checks with its USING), combined.
pub fn insert_check(r: &Relation, role: &str) -> String {
    combined(r, role, PolicyCommand::Insert, |p| {
        p.with_check.clone().or_else(|| {
            (p.command == PolicyCommand::All)
                .then(|| p.using.clone())
                .flatten()
        })
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
    fn foreign_rows_are_everything_for_anon_and_a_user_without_tenants() {
        let scopes = scopes(&catalog());
        let anon = Subject {
            role: "anon".into(),
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
        let mut r = Relation::empty("public", "projects", RelationKind::Table);
        assert_eq!(
            write_condition(&r, "authenticated", PolicyCommand::Update),
            "true"
        );
        r.rls_enabled = true;
        assert_eq!(
            write_condition(&r, "authenticated", PolicyCommand::Update),
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
            write_condition(&r, "authenticated", PolicyCommand::Update),
            "((b) OR (d)) AND (e)"
        );
        assert_eq!(write_condition(&r, "anon", PolicyCommand::Update), "false");
        assert_eq!(insert_check(&r, "authenticated"), "((d)) AND (e)");
    }
}
