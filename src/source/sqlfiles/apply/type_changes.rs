//! Types changed after they are made: renamed (columns and functions follow) and dropped
//! (refused while used, or with CASCADE, taking what uses them along).

use pg_query::protobuf::{self as pb, node::Node as N};

use super::tree::*;
use super::{Applied, Builder};
use crate::model::*;

/// A type as a statement names it: `schema.name`, or a bare name that a type of that name
/// in any schema answers to (the search path, as far as the model can tell).
struct TypeRef {
    q: QualifiedName,
    qualified: bool,
}

impl TypeRef {
    fn new(names: &[String]) -> Self {
        TypeRef {
            q: qualified(names),
            qualified: names.len() >= 2,
        }
    }

    /// The names of a RENAME statement's object (`ALTER TYPE`, `ALTER DOMAIN`).
    fn of_object(object: Option<&pb::Node>) -> Self {
        let names = match object.and_then(|o| o.node.as_ref()) {
            Some(N::List(l)) => strings(&l.items),
            Some(N::TypeName(t)) => strings(&t.names),
            _ => Vec::new(),
        };
        TypeRef::new(&names)
    }

    fn is(&self, schema: &str, name: &str) -> bool {
        name == self.q.name && (!self.qualified || schema == self.q.schema)
    }

    fn missing(&self) -> String {
        format!("type {} does not exist (yet)", self.q)
    }
}

impl Builder {
    fn domain_named(&mut self, t: &TypeRef) -> Result<&mut Domain, String> {
        (self.catalog.domains.iter_mut())
            .find(|d| t.is(&d.schema, &d.name))
            .ok_or_else(|| t.missing())
    }

    /// `ALTER TYPE e ADD VALUE [IF NOT EXISTS] 'v' [BEFORE | AFTER 'w']` and `ALTER TYPE e
    /// RENAME VALUE 'a' TO 'b'`: the enum's values as the server would hold them.
    pub(super) fn alter_enum(&mut self, s: &pb::AlterEnumStmt, at: &Location) -> Applied {
        let t = TypeRef::new(&strings(&s.type_name));
        let e = (self.catalog.enums.iter_mut())
            .find(|e| t.is(&e.schema, &e.name))
            .ok_or_else(|| t.missing())?;
        let position = |label: &str| e.labels.iter().position(|l| l == label);
        if !s.old_val.is_empty() {
            let i = position(&s.old_val)
                .ok_or_else(|| format!("\"{}\" is not an existing enum label", s.old_val))?;
            if position(&s.new_val).is_some() {
                return Err(format!("enum label \"{}\" already exists", s.new_val));
            }
            e.labels[i] = s.new_val.clone();
        } else if position(&s.new_val).is_some() {
            if !s.skip_if_new_val_exists {
                return Err(format!("enum label \"{}\" already exists", s.new_val));
            }
        } else {
            let at_index = if s.new_val_neighbor.is_empty() {
                e.labels.len()
            } else {
                let i = position(&s.new_val_neighbor).ok_or_else(|| {
                    format!("\"{}\" is not an existing enum label", s.new_val_neighbor)
                })?;
                if s.new_val_is_after {
                    i + 1
                } else {
                    i
                }
            };
            e.labels.insert(at_index, s.new_val.clone());
        }
        e.provenance.altered.push(at.clone());
        Ok(())
    }

    /// `ALTER DOMAIN`: its default, NOT NULL and checks as the server would have them.
    pub(super) fn alter_domain(&mut self, s: &pb::AlterDomainStmt) -> Applied {
        use super::schema_objects::{add_domain_check, domain_check_index};
        let t = TypeRef::new(&strings(&s.type_name));
        let q = t.q.clone();
        let d = self.domain_named(&t)?;
        match s.subtype.as_str() {
            "T" => d.default = s.def.as_deref().map(expression),
            "N" => d.not_null = false,
            "O" => d.not_null = true,
            "C" => match s.def.as_ref().and_then(|n| n.node.as_ref()) {
                Some(N::Constraint(k)) if k.contype == pb::ConstrType::ConstrCheck as i32 => {
                    if let Some(e) = k.raw_expr.as_deref() {
                        add_domain_check(d, &k.conname, e);
                    }
                }
                Some(N::Constraint(k)) if k.contype == pb::ConstrType::ConstrNotnull as i32 => {
                    d.not_null = true
                }
                _ => {}
            },
            "X" => match domain_check_index(d, &s.name) {
                Some(i) => {
                    d.checks.remove(i);
                }
                None if s.missing_ok => {}
                None => {
                    return Err(format!(
                        "constraint \"{}\" of domain {q} does not exist",
                        s.name
                    ))
                }
            },
            // VALIDATE CONSTRAINT changes nothing the model holds.
            _ => {}
        }
        Ok(())
    }

    /// `ALTER DOMAIN d RENAME CONSTRAINT a TO b`.
    pub(super) fn rename_domain_check(&mut self, s: &pb::RenameStmt) -> Applied {
        use super::schema_objects::domain_check_index;
        let t = TypeRef::of_object(s.object.as_deref());
        let q = t.q.clone();
        let d = self.domain_named(&t)?;
        let i = domain_check_index(d, &s.subname)
            .ok_or_else(|| format!("constraint \"{}\" of domain {q} does not exist", s.subname))?;
        let old = format!("CONSTRAINT {} ", crate::sql::ident(&s.subname));
        let new = format!("CONSTRAINT {} ", crate::sql::ident(&s.newname));
        d.checks[i] = d.checks[i].replacen(&old, &new, 1);
        Ok(())
    }

    /// DROP TYPE / DROP DOMAIN: refused while columns use the type, unless CASCADE, which
    /// drops those columns (and what uses them) with it. Whether the type existed.
    pub(super) fn drop_type(&mut self, q: &QualifiedName, cascade: bool) -> Result<bool, String> {
        if !self.type_exists(q) {
            return Ok(false);
        }
        let printed = crate::sql::qualified(&q.schema, &q.name);
        let uses = |c: &Column| match &c.type_kind {
            TypeKind::Enum { type_name } | TypeKind::Domain { type_name, .. } => type_name == q,
            TypeKind::Array { element } => *element == printed,
            _ => c.data_type == printed,
        };
        let users: Vec<(usize, String)> = (self.catalog.relations.iter().enumerate())
            .flat_map(|(i, r)| {
                r.columns
                    .iter()
                    .filter(|c| uses(c))
                    .map(move |c| (i, c.name.clone()))
            })
            .collect();
        if let Some((i, column)) = users.first().filter(|_| !cascade) {
            let r = &self.catalog.relations[*i];
            return Err(format!(
                "cannot drop type {q} because column {column} of {} uses it (CASCADE would drop the column)",
                r.qualified_name()
            ));
        }
        for (i, column) in users {
            super::tables::drop_column(&mut self.catalog.relations[i], &column);
        }
        if cascade {
            self.drop_type_users(q, &printed);
        }
        let named = |schema: &str, name: &str| schema == q.schema && name == q.name;
        self.catalog.enums.retain(|e| !named(&e.schema, &e.name));
        self.catalog.domains.retain(|d| !named(&d.schema, &d.name));
        self.catalog
            .composites
            .retain(|c| !named(&c.schema, &c.name));
        Ok(true)
    }

    /// What else CASCADE takes with a type: functions that take or return it, and policies
    /// whose expressions cast to it (`'admin'::app_permission`) or call those functions.
    fn drop_type_users(&mut self, q: &QualifiedName, printed: &str) {
        let unqualified = crate::sql::ident(&q.name);
        let casts_to_type = |e: &Option<String>| {
            e.as_deref().is_some_and(|e| {
                [printed, unqualified.as_str()].iter().any(|name| {
                    (whole_name_at(e, name).into_iter()).any(|at| e[..at].ends_with("::"))
                })
            })
        };
        let mentions = |text: &str| !whole_name_at(text, printed).is_empty();
        let (dropped, kept): (Vec<Function>, Vec<Function>) =
            std::mem::take(&mut self.catalog.functions)
                .into_iter()
                .partition(|f| mentions(&f.identity_arguments) || mentions(&f.result));
        // A policy that calls a dropped function goes with it (`has_role(auth.uid(), 'admin')`
        // casts to the type only on the server), unless an overload of that name remains.
        let gone: Vec<String> = (dropped.iter())
            .filter(|d| {
                !kept
                    .iter()
                    .any(|k| k.schema == d.schema && k.name == d.name)
            })
            .flat_map(|d| {
                [
                    crate::sql::qualified(&d.schema, &d.name),
                    crate::sql::ident(&d.name),
                ]
            })
            .collect();
        self.catalog.functions = kept;
        let calls_gone = |e: &Option<String>| {
            e.as_deref().is_some_and(|e| {
                gone.iter().any(|call| {
                    (whole_name_at(e, call).into_iter())
                        .any(|at| e[at + call.len()..].starts_with('('))
                })
            })
        };
        for r in &mut self.catalog.relations {
            r.policies.retain(|p| {
                !casts_to_type(&p.using)
                    && !casts_to_type(&p.with_check)
                    && !calls_gone(&p.using)
                    && !calls_gone(&p.with_check)
            });
        }
    }

    /// `ALTER TYPE x RENAME TO y` (an enum) or `ALTER DOMAIN`: columns follow the type, as
    /// on a server, where they hold it by its oid. `supabase db diff` changes an enum this
    /// way: the old one renamed aside, a new one made, columns moved over, the old dropped.
    pub(super) fn rename_type(&mut self, s: &pb::RenameStmt) -> Applied {
        let t = TypeRef::of_object(s.object.as_deref());
        let catalog = &mut self.catalog;
        let name = t.q.name.clone();
        let schema = if let Some(e) = catalog.enums.iter_mut().find(|e| t.is(&e.schema, &e.name)) {
            e.name = s.newname.clone();
            e.schema.clone()
        } else if let Some(d) = (catalog.domains.iter_mut()).find(|d| t.is(&d.schema, &d.name)) {
            d.name = s.newname.clone();
            d.schema.clone()
        } else if let Some(c) = (catalog.composites.iter_mut()).find(|c| t.is(&c.schema, &c.name)) {
            c.name = s.newname.clone();
            c.schema.clone()
        } else {
            return Err(t.missing());
        };
        let old = crate::sql::qualified(&schema, &name);
        let new = crate::sql::qualified(&schema, &s.newname);
        for c in self
            .catalog
            .relations
            .iter_mut()
            .flat_map(|r| r.columns.iter_mut())
        {
            if c.data_type == old {
                c.data_type = new.clone();
            } else if c.data_type.strip_suffix("[]") == Some(old.as_str()) {
                c.data_type = format!("{new}[]");
            }
            match &mut c.type_kind {
                TypeKind::Enum { type_name }
                    if type_name.schema == schema && type_name.name == name =>
                {
                    type_name.name = s.newname.clone();
                }
                TypeKind::Array { element } if *element == old => *element = new.clone(),
                _ => {}
            }
        }
        // Functions hold their argument and result types by oid too, and print the new name.
        for f in &mut self.catalog.functions {
            for text in [&mut f.arguments, &mut f.identity_arguments, &mut f.result] {
                *text = renamed_type_in(text, &old, &new);
            }
        }
        // So do expressions that cast to it: `'admin'::app_role` in a policy, a default or
        // a check prints the new name.
        let casts = [
            (format!("::{old}"), format!("::{new}")),
            (
                format!("::{}", crate::sql::ident(&name)),
                format!("::{}", crate::sql::ident(&s.newname)),
            ),
        ];
        let recast = |text: &mut String| {
            for (from, to) in &casts {
                *text = renamed_type_in(text, from, to);
            }
        };
        for r in &mut self.catalog.relations {
            for p in &mut r.policies {
                p.using
                    .iter_mut()
                    .chain(p.with_check.iter_mut())
                    .for_each(recast);
            }
            r.columns
                .iter_mut()
                .filter_map(|c| c.default.as_mut())
                .for_each(recast);
            r.constraints
                .iter_mut()
                .for_each(|c| recast(&mut c.definition));
        }
        Ok(())
    }
}

/// Where `name` stands in `text` as a whole name, not as part of a longer one
/// (`app.money` in `app.money[]`, not in `app.money_pair` or `xapp.money`).
fn whole_name_at(text: &str, name: &str) -> Vec<usize> {
    let continues_name =
        |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || "_.\"$".contains(c));
    text.match_indices(name)
        .map(|(at, _)| at)
        .filter(|&at| {
            !continues_name(text[..at].chars().last())
                && !continues_name(text[at + name.len()..].chars().next())
        })
        .collect()
}

/// `text` (a function's argument list or result) with the type `old` printed as `new`.
fn renamed_type_in(text: &str, old: &str, new: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for at in whole_name_at(text, old) {
        out.push_str(&text[copied..at]);
        out.push_str(new);
        copied = at + old.len();
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::renamed_type_in;

    #[test]
    fn a_renamed_type_is_replaced_as_a_whole_name_only() {
        assert_eq!(
            renamed_type_in("i app.money, x app.money[]", "app.money", "app.amount"),
            "i app.amount, x app.amount[]"
        );
        assert_eq!(
            renamed_type_in("x app.money_pair, y xapp.money", "app.money", "app.amount"),
            "x app.money_pair, y xapp.money"
        );
    }
}
