//! Who can do what on a relation, as PostgreSQL decides it: the table's grants, a column's
//! grants, PUBLIC's, those of every role a role inherits from, and what overrides them all
//! (ownership, superuser). Row-level security then narrows what the privileges reach; the
//! role attributes that skip it (BYPASSRLS, ownership without FORCE) are said per role.

use serde::{Deserialize, Serialize};

use super::{Catalog, Grant, Relation};

/// The privileges a table can grant, in the order psql's `\dp` prints their letters.
/// `MAINTAIN` exists from PostgreSQL 17.
pub const TABLE_PRIVILEGES: [&str; 8] = [
    "SELECT",
    "INSERT",
    "UPDATE",
    "DELETE",
    "TRUNCATE",
    "REFERENCES",
    "TRIGGER",
    "MAINTAIN",
];

/// A role of the cluster and what widens its reach beyond the grants it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub name: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub superuser: bool,
    /// BYPASSRLS: row-level security never applies to it (Supabase's `service_role`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub bypass_rls: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub login: bool,
    /// Every role whose privileges it has without `SET ROLE`: its memberships with INHERIT,
    /// followed through (`pg_has_role(..., 'USAGE')`), sorted. Empty for superusers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub member_of: Vec<String>,
}

/// Where a privilege comes from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    /// Granted to the role itself.
    Direct,
    /// Granted to PUBLIC, so to every role.
    Public,
    /// Granted to a role this one inherits from.
    Inherited(String),
}

impl Source {
    pub fn label(&self) -> String {
        match self {
            Source::Direct => "direct".into(),
            Source::Public => "PUBLIC".into(),
            Source::Inherited(role) => format!("via {role}"),
        }
    }
}

/// One privilege as a role holds it: on the whole table, on some columns, or not at all.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Held {
    /// Where the table-wide privilege comes from; empty when it is not held table-wide.
    pub table: Vec<Source>,
    /// Columns it is held on without the table-wide privilege, with where each comes from.
    pub columns: Vec<(String, Source)>,
}

impl Held {
    pub fn on_table(&self) -> bool {
        !self.table.is_empty()
    }

    pub fn any(&self) -> bool {
        self.on_table() || !self.columns.is_empty()
    }
}

/// What row-level security does to a role's reads and writes on the relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RlsEffect {
    /// RLS is not enabled: privileges reach every row.
    Disabled,
    /// The role skips RLS: superuser, BYPASSRLS, or the owner of a table without FORCE.
    Bypassed,
    /// RLS applies; this many policies name the role (or PUBLIC, or a role it inherits).
    /// None of them means the role sees no rows at all.
    Policies(usize),
    /// RLS applies and only restrictive policies (this many) name the role: a row must
    /// pass some permissive policy as well, so none does.
    OnlyRestrictive(usize),
}

/// One role's access to a relation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleAccess {
    /// A role name, or `PUBLIC` (what every role holds).
    pub role: String,
    pub owner: bool,
    pub superuser: bool,
    pub bypass_rls: bool,
    /// One entry per [`TABLE_PRIVILEGES`], in that order. An owner or superuser holds all.
    pub held: Vec<Held>,
    pub rls: RlsEffect,
    /// The relation's policies that name the role, PUBLIC or a role it inherits, by index;
    /// they decide its rows when `rls` is [`RlsEffect::Policies`].
    pub policies: Vec<usize>,
}

impl RoleAccess {
    /// The privilege `name` (one of [`TABLE_PRIVILEGES`]).
    pub fn privilege(&self, name: &str) -> Option<&Held> {
        TABLE_PRIVILEGES
            .iter()
            .position(|p| *p == name)
            .and_then(|i| self.held.get(i))
    }

    /// Owner or superuser: every privilege, whatever the grants say.
    pub fn holds_everything(&self) -> bool {
        self.owner || self.superuser
    }

    /// Whether it can do anything at all on the relation.
    pub fn any(&self) -> bool {
        self.holds_everything() || self.held.iter().any(Held::any)
    }

    /// Whether it may change rows (INSERT, UPDATE, DELETE or TRUNCATE), on any column.
    pub fn writes(&self) -> bool {
        self.holds_everything()
            || ["INSERT", "UPDATE", "DELETE", "TRUNCATE"]
                .iter()
                .any(|p| self.privilege(p).is_some_and(Held::any))
    }
}

impl Catalog {
    /// Each role's access to `r`: the owner, every role or PUBLIC a grant names, every role
    /// that inherits from one of those, and on Supabase the API roles even when they hold
    /// nothing (an absence a reviewer wants to see). Superusers are left out: they hold
    /// everything everywhere (see [`Catalog::superusers`]). The owner comes first, then the
    /// API roles, PUBLIC and the rest by name.
    pub fn access(&self, r: &Relation) -> Vec<RoleAccess> {
        let grantees = grantees(r);
        // Migrations may not say who owns a table.
        let mut names: Vec<String> = vec![r.owner.clone()];
        names.retain(|n| !n.is_empty());
        names.extend(grantees.iter().cloned());
        for role in &self.roles {
            if role.member_of.iter().any(|m| grantees.contains(m)) {
                names.push(role.name.clone());
            }
        }
        if self.is_supabase() {
            names.extend(["anon", "authenticated", "service_role"].map(String::from));
        }
        names.retain(|n| !self.role(n).is_some_and(|role| role.superuser) || *n == r.owner);
        names.sort_by_key(|n| (*n != r.owner, rank(n), n.clone()));
        names.dedup();
        names.iter().map(|n| self.role_access(r, n)).collect()
    }

    /// The role named `name`, when the source knows the cluster's roles.
    pub fn role(&self, name: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.name == name)
    }

    /// The cluster's superusers, by name.
    pub fn superusers(&self) -> impl Iterator<Item = &str> {
        self.roles
            .iter()
            .filter(|r| r.superuser)
            .map(|r| r.name.as_str())
    }

    fn role_access(&self, r: &Relation, name: &str) -> RoleAccess {
        let role = self.role(name);
        let owner = name == r.owner;
        let superuser = role.is_some_and(|x| x.superuser);
        let bypass_rls = role.is_some_and(|x| x.bypass_rls);
        let inherited: &[String] = role.map_or(&[], |x| &x.member_of);
        let source = |grantee: &str| -> Option<Source> {
            if grantee == name {
                Some(Source::Direct)
            } else if grantee == "PUBLIC" {
                Some(Source::Public)
            } else if inherited.iter().any(|m| m == grantee) {
                Some(Source::Inherited(grantee.to_string()))
            } else {
                None
            }
        };
        let held = TABLE_PRIVILEGES
            .iter()
            .map(|privilege| {
                let mut table: Vec<Source> = sources(&r.grants, privilege, &source);
                table.sort();
                let columns = if table.is_empty() {
                    r.columns
                        .iter()
                        .flat_map(|c| {
                            sources(&c.grants, privilege, &source)
                                .into_iter()
                                .map(|s| (c.name.clone(), s))
                        })
                        .collect()
                } else {
                    Vec::new()
                };
                Held { table, columns }
            })
            .collect();
        let policies: Vec<usize> = (0..r.policies.len())
            .filter(|&i| {
                r.policies[i]
                    .roles
                    .iter()
                    .any(|pr| pr == "public" || pr == name || inherited.iter().any(|m| m == pr))
            })
            .collect();
        let rls = if !r.rls_enabled {
            RlsEffect::Disabled
        } else if superuser || bypass_rls || (owner && !r.rls_forced) {
            RlsEffect::Bypassed
        } else if !policies.is_empty() && policies.iter().all(|&i| !r.policies[i].permissive) {
            RlsEffect::OnlyRestrictive(policies.len())
        } else {
            RlsEffect::Policies(policies.len())
        };
        RoleAccess {
            role: name.to_string(),
            owner,
            superuser,
            bypass_rls,
            held,
            rls,
            policies,
        }
    }
}

/// Where each grant of `privilege` in `grants` reaches the role `source` describes.
fn sources(
    grants: &[Grant],
    privilege: &str,
    source: &dyn Fn(&str) -> Option<Source>,
) -> Vec<Source> {
    grants
        .iter()
        .filter(|g| g.privileges.iter().any(|p| p == privilege))
        .filter_map(|g| source(&g.grantee))
        .collect()
}

/// Every role or PUBLIC named by a grant on the relation or one of its columns.
fn grantees(r: &Relation) -> Vec<String> {
    let mut names: Vec<String> = r
        .grants
        .iter()
        .chain(r.columns.iter().flat_map(|c| &c.grants))
        .filter(|g| !g.privileges.is_empty())
        .map(|g| g.grantee.clone())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The order roles are listed in after the owner: the API roles as a request meets them,
/// then PUBLIC, then everyone else.
fn rank(name: &str) -> u8 {
    match name {
        "anon" => 0,
        "authenticated" => 1,
        "service_role" => 2,
        "PUBLIC" => 3,
        _ => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::CatalogBuilder;
    use crate::model::PolicyCommand;

    fn grant(grantee: &str, privileges: &[&str]) -> Grant {
        Grant {
            grantee: grantee.into(),
            privileges: privileges.iter().map(|p| p.to_string()).collect(),
        }
    }

    fn role(name: &str, member_of: &[&str]) -> Role {
        Role {
            name: name.into(),
            superuser: false,
            bypass_rls: false,
            login: true,
            member_of: member_of.iter().map(|m| m.to_string()).collect(),
        }
    }

    /// A table owned by `app_owner`: `readers` may SELECT, `clerk` inherits from it,
    /// `auditor` may read one column, PUBLIC may REFERENCES; one policy names `readers`.
    fn catalog() -> Catalog {
        let mut c = CatalogBuilder::plain()
            .table("public.invoices", &[("id", "int"), ("amount", "numeric")])
            .enable_rls("public.invoices")
            .policy(
                "public.invoices",
                "readers read",
                PolicyCommand::Select,
                &["readers"],
                Some("true"),
                None,
            )
            .with("public.invoices", |t| {
                t.owner = "app_owner".into();
                t.grants = vec![
                    grant("readers", &["SELECT"]),
                    grant("PUBLIC", &["REFERENCES"]),
                ];
                t.columns[1].grants = vec![grant("auditor", &["SELECT"])];
            })
            .build();
        c.roles = vec![
            role("app_owner", &[]),
            role("auditor", &[]),
            role("clerk", &["readers"]),
            role("readers", &[]),
            role("stranger", &[]),
            Role {
                superuser: true,
                ..role("postgres", &[])
            },
        ];
        c
    }

    fn access_of(c: &Catalog, name: &str) -> RoleAccess {
        let r = c.relation("public", "invoices").unwrap();
        c.access(r).into_iter().find(|a| a.role == name).unwrap()
    }

    #[test]
    fn roles_are_the_owner_then_grantees_and_their_members_but_not_superusers() {
        let c = catalog();
        let r = c.relation("public", "invoices").unwrap();
        let names: Vec<String> = c.access(r).into_iter().map(|a| a.role).collect();
        assert_eq!(
            names,
            ["app_owner", "PUBLIC", "auditor", "clerk", "readers"]
        );
        assert_eq!(c.superusers().collect::<Vec<_>>(), ["postgres"]);
    }

    #[test]
    fn privileges_say_where_they_come_from() {
        let c = catalog();
        let clerk = access_of(&c, "clerk");
        assert_eq!(
            clerk.privilege("SELECT").unwrap().table,
            [Source::Inherited("readers".into())]
        );
        assert_eq!(
            clerk.privilege("REFERENCES").unwrap().table,
            [Source::Public]
        );
        assert!(!clerk.privilege("INSERT").unwrap().any());
        assert!(!clerk.writes());
        let auditor = access_of(&c, "auditor");
        let select = auditor.privilege("SELECT").unwrap();
        assert!(!select.on_table());
        assert_eq!(select.columns, [("amount".to_string(), Source::Direct)]);
        let owner = access_of(&c, "app_owner");
        assert!(owner.holds_everything() && owner.writes());
    }

    #[test]
    fn rls_counts_the_policies_a_role_reaches_through_membership() {
        let c = catalog();
        assert_eq!(access_of(&c, "clerk").rls, RlsEffect::Policies(1));
        assert_eq!(access_of(&c, "readers").policies, [0]);
        assert_eq!(access_of(&c, "auditor").rls, RlsEffect::Policies(0));
        assert_eq!(access_of(&c, "app_owner").rls, RlsEffect::Bypassed);
        let mut forced = catalog();
        forced.relations[0].rls_forced = true;
        assert_eq!(access_of(&forced, "app_owner").rls, RlsEffect::Policies(0));
        let mut off = catalog();
        off.relations[0].rls_enabled = false;
        assert_eq!(access_of(&off, "clerk").rls, RlsEffect::Disabled);
    }

    /// A restrictive policy narrows what permissive ones admit; alone it admits nothing,
    /// as PostgreSQL decides it.
    #[test]
    fn only_restrictive_policies_leave_no_rows() {
        let mut c = catalog();
        c.relations[0].policies[0].permissive = false;
        assert_eq!(access_of(&c, "clerk").rls, RlsEffect::OnlyRestrictive(1));
        assert_eq!(access_of(&c, "clerk").policies, [0]);
    }

    #[test]
    fn supabase_lists_the_api_roles_even_without_privileges() {
        let c = CatalogBuilder::supabase()
            .table("public.notes", &[("id", "int")])
            .with("public.notes", |t| t.grants.clear())
            .build();
        let r = c.relation("public", "notes").unwrap();
        let access = c.access(r);
        let names: Vec<&str> = access.iter().map(|a| a.role.as_str()).collect();
        assert_eq!(names, ["postgres", "anon", "authenticated", "service_role"]);
        assert!(!access[1].any());
    }
}
