//! Comments, grants, and default privileges.

use pg_query::protobuf::{self as pb, node::Node as N};

use super::tree::*;
use super::{Applied, Builder, TABLE_PRIVILEGES};
use crate::model::*;

/// The privileges `GRANT ALL (columns)` gives: those a column can hold.
const COLUMN_PRIVILEGES: [&str; 4] = ["INSERT", "REFERENCES", "SELECT", "UPDATE"];

impl Builder {
    pub(super) fn comment(&mut self, s: &pb::CommentStmt) -> Applied {
        let text = (!s.comment.is_empty()).then(|| s.comment.clone());
        let object = s.object.as_deref();
        let names = match object.and_then(|o| o.node.as_ref()) {
            Some(N::List(l)) => strings(&l.items),
            Some(N::String(x)) => vec![x.sval.clone()],
            Some(N::TypeName(t)) => strings(&t.names),
            _ => Vec::new(),
        };
        use pb::ObjectType as O;
        match O::try_from(s.objtype).map_err(|e| e.to_string())? {
            O::ObjectTable | O::ObjectView | O::ObjectMatview | O::ObjectForeignTable => {
                self.relation_mut(&qualified(&names))?.comment = text;
            }
            O::ObjectColumn => {
                let (column, table) = names
                    .split_last()
                    .ok_or("column comment without a column")?;
                let q = qualified(table);
                // A composite type's attributes are columns to COMMENT ON COLUMN.
                if self.relation(&q).is_none() {
                    if let Some(c) = self.composite_mut(&q) {
                        let a = (c.attributes.iter_mut())
                            .find(|a| a.name == *column)
                            .ok_or_else(|| format!("column {column} of type {q} does not exist"))?;
                        a.comment = text;
                        return Ok(());
                    }
                }
                let r = self.relation_mut(&q)?;
                column_mut(r, column)?.comment = text;
            }
            O::ObjectSchema => {
                let name = names.first().cloned().unwrap_or_default();
                if let Some(schema) = self.catalog.schemas.iter_mut().find(|x| x.name == name) {
                    schema.comment = text;
                }
            }
            O::ObjectType | O::ObjectDomain => {
                let q = qualified(&names);
                let named = |schema: &str, name: &str| schema == q.schema && name == q.name;
                let catalog = &mut self.catalog;
                if let Some(c) = catalog
                    .composites
                    .iter_mut()
                    .find(|c| named(&c.schema, &c.name))
                {
                    c.comment = text;
                } else if let Some(e) = catalog.enums.iter_mut().find(|e| named(&e.schema, &e.name))
                {
                    e.comment = text;
                } else if let Some(d) = catalog
                    .domains
                    .iter_mut()
                    .find(|d| named(&d.schema, &d.name))
                {
                    d.comment = text;
                }
            }
            O::ObjectFunction => {
                if let Some(N::ObjectWithArgs(o)) = object.and_then(|o| o.node.as_ref()) {
                    for i in self.overloads(o) {
                        self.catalog.functions[i].comment = text.clone();
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    pub(super) fn grant(&mut self, s: &pb::GrantStmt) -> Applied {
        let grantees: Vec<String> = role_names(&s.grantees)
            .into_iter()
            .map(|r| if r == "public" { "PUBLIC".into() } else { r })
            .collect();
        if grantees.is_empty() {
            return Ok(());
        }
        let all_in_schema = s.targtype == pb::GrantTargetType::AclTargetAllInSchema as i32;
        use pb::ObjectType as O;
        match O::try_from(s.objtype).map_err(|e| e.to_string())? {
            O::ObjectTable => {
                let (on_columns, on_table): (Vec<&pb::Node>, Vec<&pb::Node>) = s
                    .privileges
                    .iter()
                    .partition(|p| matches!(&p.node, Some(N::AccessPriv(a)) if !a.cols.is_empty()));
                let targets: Vec<QualifiedName> = if all_in_schema {
                    let schemas = strings(&s.objects);
                    self.catalog
                        .relations
                        .iter()
                        .filter(|r| schemas.contains(&r.schema))
                        .map(Relation::qualified_name)
                        .collect()
                } else {
                    s.objects
                        .iter()
                        .filter_map(|o| match &o.node {
                            Some(N::RangeVar(rv)) => Some(range_var(Some(rv))),
                            _ => None,
                        })
                        .collect()
                };
                // An empty list is ALL PRIVILEGES; a list of only column privileges is not.
                let table_privileges = if on_columns.is_empty() || !on_table.is_empty() {
                    let on_table: Vec<pb::Node> = on_table.into_iter().cloned().collect();
                    privilege_names(&on_table, &TABLE_PRIVILEGES)
                } else {
                    Vec::new()
                };
                for q in targets {
                    let r = self.relation_mut(&q)?;
                    for g in &grantees {
                        if !table_privileges.is_empty() {
                            change_grant(&mut r.grants, g, &table_privileges, s.is_grant);
                            // Revoking a table privilege revokes it on every column too.
                            if !s.is_grant {
                                for c in &mut r.columns {
                                    change_grant(&mut c.grants, g, &table_privileges, false);
                                }
                            }
                        }
                        for p in &on_columns {
                            let Some(N::AccessPriv(a)) = &p.node else {
                                continue;
                            };
                            let privileges = if a.priv_name.is_empty() {
                                COLUMN_PRIVILEGES.iter().map(|p| p.to_string()).collect()
                            } else {
                                vec![a.priv_name.to_uppercase()]
                            };
                            for name in strings(&a.cols) {
                                let c = column_mut(r, &name)?;
                                change_grant(&mut c.grants, g, &privileges, s.is_grant);
                            }
                        }
                    }
                }
            }
            O::ObjectFunction | O::ObjectRoutine | O::ObjectProcedure => {
                // Functions record the API roles' grants only, as a live source reads them.
                let grantees: Vec<&String> = grantees
                    .iter()
                    .filter(|g| API_ROLES.contains(&g.as_str()))
                    .collect();
                let privileges = vec!["EXECUTE".to_string()];
                let named: Vec<&pb::ObjectWithArgs> = s
                    .objects
                    .iter()
                    .filter_map(|o| match &o.node {
                        Some(N::ObjectWithArgs(w)) => Some(w),
                        _ => None,
                    })
                    .collect();
                let schemas = if all_in_schema {
                    strings(&s.objects)
                } else {
                    Vec::new()
                };
                // ALL FUNCTIONS IN SCHEMA is rare and needs the scan; named ones are looked up.
                let mut targets: Vec<usize> =
                    named.iter().flat_map(|w| self.overloads(w)).collect();
                if !schemas.is_empty() {
                    targets.extend(
                        (0..self.catalog.functions.len())
                            .filter(|&i| schemas.contains(&self.catalog.functions[i].schema)),
                    );
                }
                targets.sort_unstable();
                targets.dedup();
                for i in targets {
                    for g in &grantees {
                        change_grant(
                            &mut self.catalog.functions[i].grants,
                            g,
                            &privileges,
                            s.is_grant,
                        );
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    pub(super) fn default_privileges(&mut self, s: &pb::AlterDefaultPrivilegesStmt) -> Applied {
        let Some(action) = &s.action else {
            return Ok(());
        };
        let listed = |option: &str| -> Vec<String> {
            def_elems(&s.options)
                .filter(|(name, _)| name == option)
                .flat_map(|(_, arg)| match arg.and_then(|a| a.node.as_ref()) {
                    Some(N::List(l)) if option == "roles" => role_names(&l.items),
                    Some(N::List(l)) => strings(&l.items),
                    _ => Vec::new(),
                })
                .collect()
        };
        let schemas = listed("schemas");
        let roles = listed("roles");
        use pb::ObjectType as O;
        let (objects, all): (DefaultObjects, &[&str]) =
            match O::try_from(action.objtype).map_err(|e| e.to_string())? {
                O::ObjectTable => (DefaultObjects::Tables, &TABLE_PRIVILEGES),
                O::ObjectFunction | O::ObjectRoutine | O::ObjectProcedure => {
                    (DefaultObjects::Functions, &["EXECUTE"])
                }
                O::ObjectSequence => (DefaultObjects::Sequences, &["SELECT", "UPDATE", "USAGE"]),
                _ => return Ok(()),
            };
        let privileges = privilege_names(&action.privileges, all);
        let schemas: Vec<Option<String>> = if schemas.is_empty() {
            vec![None]
        } else {
            schemas.into_iter().map(Some).collect()
        };
        let roles = if roles.is_empty() {
            vec![String::new()]
        } else {
            roles
        };
        for grantee in role_names(&action.grantees) {
            let grantee = if grantee == "public" {
                "PUBLIC".to_string()
            } else {
                grantee
            };
            for schema in &schemas {
                // The creating role's own entry: it owns what it creates.
                for role in roles.iter().filter(|r| **r != grantee) {
                    let entry = DefaultPrivilege {
                        role: role.clone(),
                        schema: schema.clone(),
                        objects,
                        grantee: grantee.clone(),
                        privileges: privileges.clone(),
                    };
                    change_default(&mut self.catalog.default_privileges, entry, action.is_grant);
                }
            }
        }
        Ok(())
    }

    /// The grants a table (or function) that a migration creates in `schema` receives from
    /// the default privileges: those of the role migrations run as, which is `postgres`
    /// unless they say otherwise (as on Supabase) or the role that runs them (no `FOR
    /// ROLE`). A function records the API roles' grants only, as a live source reads them.
    pub(super) fn default_grants(&self, schema: &str, functions: bool) -> Vec<Grant> {
        let objects = if functions {
            DefaultObjects::Functions
        } else {
            DefaultObjects::Tables
        };
        let mut grants = Vec::new();
        for d in (self.catalog.default_privileges.iter())
            .filter(|d| d.applies_to(objects, MIGRATION_ROLE, schema))
            .filter(|d| {
                !functions || d.grantee == "PUBLIC" || API_ROLES.contains(&d.grantee.as_str())
            })
        {
            change_grant(&mut grants, &d.grantee, &d.privileges, true);
        }
        grants
    }

    pub(super) fn function_grants(&self, schema: &str) -> Vec<Grant> {
        let mut grants = self.default_grants(schema, true);
        change_grant(&mut grants, "PUBLIC", &["EXECUTE".to_string()], true);
        grants
    }
}

/// Adds a default grant's privileges to the matching entry (same role, schema, kind and
/// grantee), or takes them away; an entry left with none is removed.
fn change_default(entries: &mut Vec<DefaultPrivilege>, change: DefaultPrivilege, grant: bool) {
    let same = |d: &DefaultPrivilege| {
        d.role == change.role
            && d.schema == change.schema
            && d.objects == change.objects
            && d.grantee == change.grantee
    };
    match entries.iter_mut().find(|d| same(d)) {
        Some(entry) if grant => {
            for p in change.privileges {
                if !entry.privileges.contains(&p) {
                    entry.privileges.push(p);
                }
            }
            entry.privileges.sort();
        }
        Some(entry) => entry.privileges.retain(|p| !change.privileges.contains(p)),
        None if grant => entries.push(DefaultPrivilege {
            privileges: {
                let mut p = change.privileges.clone();
                p.sort();
                p
            },
            ..change
        }),
        None => {}
    }
    entries.retain(|d| !d.privileges.is_empty());
}
