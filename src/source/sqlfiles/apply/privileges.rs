//! Comments, grants, and default privileges.

use pg_query::protobuf::{self as pb, node::Node as N};

use super::tree::*;
use super::{Applied, Builder, DefaultGrant, TABLE_PRIVILEGES};
use crate::model::*;

impl Builder {
    pub(super) fn comment(&mut self, s: &pb::CommentStmt) -> Applied {
        let text = (!s.comment.is_empty()).then(|| s.comment.clone());
        let object = s.object.as_deref();
        let names = match object.and_then(|o| o.node.as_ref()) {
            Some(N::List(l)) => strings(&l.items),
            Some(N::String(x)) => vec![x.sval.clone()],
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
                let r = self.relation_mut(&qualified(table))?;
                column_mut(r, column)?.comment = text;
            }
            O::ObjectSchema => {
                let name = names.first().cloned().unwrap_or_default();
                if let Some(schema) = self.catalog.schemas.iter_mut().find(|x| x.name == name) {
                    schema.comment = text;
                }
            }
            O::ObjectFunction => {
                if let Some(N::ObjectWithArgs(o)) = object.and_then(|o| o.node.as_ref()) {
                    let q = qualified(&strings(&o.objname));
                    for i in self.functions_named(&q) {
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
            .filter(|r| API_ROLES.contains(&r.as_str()))
            .collect();
        if grantees.is_empty() {
            return Ok(());
        }
        let all_in_schema = s.targtype == pb::GrantTargetType::AclTargetAllInSchema as i32;
        use pb::ObjectType as O;
        match O::try_from(s.objtype).map_err(|e| e.to_string())? {
            O::ObjectTable => {
                let privileges = privilege_names(&s.privileges, &TABLE_PRIVILEGES);
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
                for q in targets {
                    let r = self.relation_mut(&q)?;
                    for g in &grantees {
                        change_grant(&mut r.grants, g, &privileges, s.is_grant);
                    }
                }
            }
            O::ObjectFunction | O::ObjectRoutine | O::ObjectProcedure => {
                let privileges = vec!["EXECUTE".to_string()];
                let names: Vec<QualifiedName> = s
                    .objects
                    .iter()
                    .filter_map(|o| match &o.node {
                        Some(N::ObjectWithArgs(w)) => Some(qualified(&strings(&w.objname))),
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
                    names.iter().flat_map(|q| self.functions_named(q)).collect();
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
        let schemas: Vec<String> = def_elems(&s.options)
            .filter(|(name, _)| name == "schemas")
            .flat_map(|(_, arg)| match arg.and_then(|a| a.node.as_ref()) {
                Some(N::List(l)) => strings(&l.items),
                _ => Vec::new(),
            })
            .collect();
        let functions = action.objtype == pb::ObjectType::ObjectFunction as i32;
        let tables = action.objtype == pb::ObjectType::ObjectTable as i32;
        if !functions && !tables {
            return Ok(());
        }
        let all: &[&str] = if functions {
            &["EXECUTE"]
        } else {
            &TABLE_PRIVILEGES
        };
        let privileges = privilege_names(&action.privileges, all);
        for grantee in role_names(&action.grantees) {
            let grantee = if grantee == "public" {
                "PUBLIC".to_string()
            } else {
                grantee
            };
            for schema in schemas
                .iter()
                .map(|s| Some(s.clone()))
                .chain(schemas.is_empty().then_some(None))
            {
                if action.is_grant {
                    self.defaults.push(DefaultGrant {
                        schema,
                        functions,
                        grantee: grantee.clone(),
                        privileges: privileges.clone(),
                    });
                } else {
                    self.defaults.retain(|d| {
                        !(d.schema == schema && d.functions == functions && d.grantee == grantee)
                    });
                }
            }
        }
        Ok(())
    }

    pub(super) fn default_grants(&self, schema: &str, functions: bool) -> Vec<Grant> {
        let mut grants = Vec::new();
        for d in self
            .defaults
            .iter()
            .filter(|d| d.functions == functions && d.schema.as_deref().is_none_or(|s| s == schema))
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
