//! Schemas, extensions, enum, domain and composite types, and how a column type is printed.

use pg_query::protobuf::{self as pb, node::Node as N};

use super::tree::*;
use super::{extension_members, Applied, Builder, Outcome, DEFAULT_SCHEMA};
use crate::model::*;
use crate::source::sqlfiles::types;
use crate::sql::catalog as text;

impl Builder {
    pub(super) fn create_schema(&mut self, s: &pb::CreateSchemaStmt) -> Applied {
        if self.catalog.schemas.iter().any(|x| x.name == s.schemaname) {
            return if s.if_not_exists {
                Ok(())
            } else {
                Err(format!("schema {} already exists", s.schemaname))
            };
        }
        self.catalog.schemas.push(SchemaDef {
            name: s.schemaname.clone(),
            owner: String::new(),
            comment: None,
            extension: None,
        });
        Ok(())
    }

    pub(super) fn create_extension(&mut self, s: &pb::CreateExtensionStmt) -> Applied {
        if self.catalog.extensions.iter().any(|e| e.name == s.extname) {
            return if s.if_not_exists {
                Ok(())
            } else {
                Err(format!("extension {} already exists", s.extname))
            };
        }
        let schema = def_elems(&s.options)
            .find(|(name, _)| name == "schema")
            .and_then(|(_, arg)| arg.and_then(string_value))
            .unwrap_or_else(|| DEFAULT_SCHEMA.into());
        for name in extension_members::members(&s.extname).trigger_functions {
            self.catalog
                .functions
                .push(extension_members::trigger_function(
                    &schema, name, &s.extname,
                ));
        }
        self.catalog.extensions.push(Extension {
            name: s.extname.clone(),
            schema,
            installed_version: String::new(),
            default_version: None,
            relocatable: false,
        });
        Ok(())
    }

    pub(super) fn create_enum(
        &mut self,
        s: &pb::CreateEnumStmt,
        at: &Location,
        out: &mut Outcome,
    ) -> Applied {
        let q = qualified(&strings(&s.type_name));
        out.object = Some(q.to_string());
        if self.type_exists(&q) {
            return Err(format!("type {q} already exists"));
        }
        self.catalog.enums.push(EnumType {
            schema: q.schema,
            name: q.name,
            labels: strings(&s.vals),
            comment: None,
            extension: None,
            provenance: defined(at),
        });
        Ok(())
    }

    /// `CREATE TYPE name AS (...)`: its attributes, as columns and functions may use it.
    pub(super) fn create_composite_type(
        &mut self,
        s: &pb::CompositeTypeStmt,
        at: &Location,
        out: &mut Outcome,
    ) -> Applied {
        let q = range_var(s.typevar.as_ref());
        out.object = Some(q.to_string());
        if self.type_exists(&q) {
            return Err(format!("type {q} already exists"));
        }
        let attributes = s
            .coldeflist
            .iter()
            .filter_map(|n| match &n.node {
                Some(N::ColumnDef(c)) => Some(CompositeAttribute {
                    name: c.colname.clone(),
                    type_name: c
                        .type_name
                        .as_ref()
                        .map(|t| self.type_of(t).0)
                        .unwrap_or_default(),
                    comment: None,
                }),
                _ => None,
            })
            .collect();
        self.catalog.composites.push(CompositeType {
            schema: q.schema,
            name: q.name,
            attributes,
            comment: None,
            extension: None,
            provenance: defined(at),
        });
        Ok(())
    }

    /// Whether an enum, domain or composite type of this name exists.
    pub(super) fn type_exists(&self, q: &QualifiedName) -> bool {
        let named = |schema: &str, name: &str| schema == q.schema && name == q.name;
        self.catalog.enums.iter().any(|e| named(&e.schema, &e.name))
            || self
                .catalog
                .domains
                .iter()
                .any(|d| named(&d.schema, &d.name))
            || self
                .catalog
                .composites
                .iter()
                .any(|c| named(&c.schema, &c.name))
    }

    pub(super) fn create_domain(
        &mut self,
        s: &pb::CreateDomainStmt,
        at: &Location,
        out: &mut Outcome,
    ) -> Applied {
        let q = qualified(&strings(&s.domainname));
        out.object = Some(q.to_string());
        if self.type_exists(&q) {
            return Err(format!("type {q} already exists"));
        }
        let base_type = s
            .type_name
            .as_ref()
            .map(|t| self.type_of(t).0)
            .unwrap_or_default();
        let mut domain = Domain {
            schema: q.schema,
            name: q.name,
            base_type,
            not_null: false,
            default: None,
            checks: Vec::new(),
            comment: None,
            provenance: defined(at),
        };
        for c in &s.constraints {
            let Some(N::Constraint(k)) = &c.node else {
                continue;
            };
            match pb::ConstrType::try_from(k.contype) {
                Ok(pb::ConstrType::ConstrNotnull) => domain.not_null = true,
                Ok(pb::ConstrType::ConstrDefault) => {
                    domain.default = k.raw_expr.as_deref().map(expression)
                }
                Ok(pb::ConstrType::ConstrCheck) => {
                    if let Some(e) = k.raw_expr.as_deref() {
                        add_domain_check(&mut domain, &k.conname, e);
                    }
                }
                _ => {}
            }
        }
        self.catalog.domains.push(domain);
        Ok(())
    }

    /// The type as the server prints it, and its kind.
    pub(super) fn type_of(&self, tn: &pb::TypeName) -> (String, TypeKind) {
        let parts = strings(&tn.names);
        let name = parts.last().cloned().unwrap_or_default();
        let typmods: Vec<String> = tn.typmods.iter().map(expression).collect();
        let array = !tn.array_bounds.is_empty();
        let explicit_schema =
            (parts.len() > 1 && parts[0] != "pg_catalog").then(|| parts[0].clone());
        let base = match (&explicit_schema, types::builtin(&name, &typmods)) {
            (None, Some(builtin)) => builtin,
            _ => {
                let schema = explicit_schema
                    .clone()
                    .unwrap_or_else(|| self.type_schema(&name));
                // format_type prints a non-built-in type's modifiers too: vector(1536).
                let mods = if typmods.is_empty() {
                    String::new()
                } else {
                    format!("({})", typmods.join(","))
                };
                format!(
                    "{}.{}{mods}",
                    crate::sql::ident(&schema),
                    crate::sql::ident(&name)
                )
            }
        };
        let enum_type =
            self.catalog.enums.iter().find(|e| {
                e.name == name && explicit_schema.as_ref().is_none_or(|s| *s == e.schema)
            });
        let domain =
            self.catalog.domains.iter().find(|d| {
                d.name == name && explicit_schema.as_ref().is_none_or(|s| *s == d.schema)
            });
        let kind = if array {
            TypeKind::Array {
                element: base.clone(),
            }
        } else if let Some(d) = domain {
            TypeKind::Domain {
                type_name: QualifiedName::new(&d.schema, &d.name),
                base: d.base_type.clone(),
            }
        } else if let Some(e) = enum_type {
            TypeKind::Enum {
                type_name: QualifiedName::new(&e.schema, &e.name),
            }
        } else if self
            .catalog
            .composites
            .iter()
            .any(|c| c.name == name && explicit_schema.as_ref().is_none_or(|s| *s == c.schema))
        {
            TypeKind::Composite
        } else {
            match base.as_str() {
                "json" => TypeKind::Json,
                "jsonb" => TypeKind::Jsonb,
                _ => TypeKind::Base,
            }
        };
        let printed = if array { format!("{base}[]") } else { base };
        (printed, kind)
    }

    /// Where an unqualified non-built-in type lives: the schema of the enum, domain or
    /// composite type of that name, or of the extension that brings it, else the default
    /// schema.
    pub(super) fn type_schema(&self, name: &str) -> String {
        self.catalog
            .enums
            .iter()
            .find(|e| e.name == name)
            .map(|e| e.schema.clone())
            .or_else(|| {
                self.catalog
                    .domains
                    .iter()
                    .find(|d| d.name == name)
                    .map(|d| d.schema.clone())
            })
            .or_else(|| {
                self.catalog
                    .composites
                    .iter()
                    .find(|c| c.name == name)
                    .map(|c| c.schema.clone())
            })
            .or_else(|| {
                self.catalog
                    .extensions
                    .iter()
                    .find(|e| extension_members::members(&e.name).types.contains(&name))
                    .map(|e| e.schema.clone())
            })
            .unwrap_or_else(|| DEFAULT_SCHEMA.into())
    }
}

/// A CHECK of a domain, named as PostgreSQL names it when the statement does not
/// (`<domain>_check`, then `<domain>_check1`, ...), in the form the catalog lists it.
pub(super) fn add_domain_check(domain: &mut Domain, name: &str, expression: &pb::Node) {
    let name = if name.is_empty() {
        let base = format!("{}_check", domain.name);
        (0..)
            .map(|n| {
                if n == 0 {
                    base.clone()
                } else {
                    format!("{base}{n}")
                }
            })
            .find(|n| domain_check_index(domain, n).is_none())
            .unwrap_or(base)
    } else {
        name.to_string()
    };
    domain.checks.push(format!(
        "CONSTRAINT {} {}",
        crate::sql::ident(&name),
        text::check(&super::tree::expression(expression))
    ));
    // In name order, as the catalog lists them.
    domain.checks.sort();
}

/// Where the domain's check named `name` is.
pub(super) fn domain_check_index(domain: &Domain, name: &str) -> Option<usize> {
    let prefix = format!("CONSTRAINT {} ", crate::sql::ident(name));
    domain.checks.iter().position(|c| c.starts_with(&prefix))
}
