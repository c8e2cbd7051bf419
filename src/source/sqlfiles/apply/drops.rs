//! DROP and RENAME.

use pg_query::protobuf::{self as pb, node::Node as N};

use super::tree::*;
use super::{Applied, Builder, Outcome};
use crate::model::*;

impl Builder {
    pub(super) fn drop(&mut self, s: &pb::DropStmt, out: &mut Outcome) -> Applied {
        use pb::ObjectType as O;
        let kind = O::try_from(s.remove_type).map_err(|e| e.to_string())?;
        for object in &s.objects {
            let names = match &object.node {
                Some(N::List(l)) => strings(&l.items),
                Some(N::String(x)) => vec![x.sval.clone()],
                Some(N::ObjectWithArgs(w)) => strings(&w.objname),
                Some(N::TypeName(t)) => strings(&t.names),
                _ => Vec::new(),
            };
            out.object = Some(match kind {
                O::ObjectPolicy
                | O::ObjectTrigger
                | O::ObjectTable
                | O::ObjectView
                | O::ObjectIndex => {
                    let (name, table) = match names.split_last() {
                        Some((n, t)) => (n.as_str(), t),
                        None => ("", &[][..]),
                    };
                    if matches!(kind, O::ObjectPolicy | O::ObjectTrigger) {
                        format!("{}.{name}", qualified(table))
                    } else {
                        qualified(&names).to_string()
                    }
                }
                O::ObjectFunction
                | O::ObjectProcedure
                | O::ObjectRoutine
                | O::ObjectMatview
                | O::ObjectType
                | O::ObjectDomain => qualified(&names).to_string(),
                _ => names.join("."),
            });
            let found = match kind {
                O::ObjectTable | O::ObjectView | O::ObjectMatview | O::ObjectForeignTable => {
                    let q = qualified(&names);
                    let before = self.catalog.relations.len();
                    self.catalog.relations.retain(|r| r.qualified_name() != q);
                    before != self.catalog.relations.len()
                }
                O::ObjectIndex => {
                    let q = qualified(&names);
                    let mut found = false;
                    for r in self
                        .catalog
                        .relations
                        .iter_mut()
                        .filter(|r| r.schema == q.schema)
                    {
                        let before = r.indexes.len();
                        r.indexes.retain(|i| i.name != q.name);
                        found |= before != r.indexes.len();
                    }
                    found
                }
                O::ObjectPolicy | O::ObjectTrigger => {
                    let (name, table) = names.split_last().ok_or("nothing to drop")?;
                    match self.relation_mut(&qualified(table)) {
                        Ok(r) if kind == O::ObjectPolicy => {
                            let before = r.policies.len();
                            r.policies.retain(|p| &p.name != name);
                            before != r.policies.len()
                        }
                        Ok(r) => {
                            let before = r.triggers.len();
                            r.triggers.retain(|t| &t.name != name);
                            before != r.triggers.len()
                        }
                        Err(_) => false,
                    }
                }
                O::ObjectFunction | O::ObjectProcedure | O::ObjectRoutine => {
                    // Only the overload the argument types name, if they are given.
                    let targets = match &object.node {
                        Some(N::ObjectWithArgs(w)) => self.overloads(w),
                        _ => Vec::new(),
                    };
                    let mut position = 0;
                    self.catalog.functions.retain(|_| {
                        position += 1;
                        !targets.contains(&(position - 1))
                    });
                    !targets.is_empty()
                }
                O::ObjectType | O::ObjectDomain => self.drop_type(
                    &qualified(&names),
                    s.behavior == pb::DropBehavior::DropCascade as i32,
                )?,
                O::ObjectSchema => {
                    let name = names.first().cloned().unwrap_or_default();
                    let before = self.catalog.schemas.len();
                    self.catalog.schemas.retain(|x| x.name != name);
                    before != self.catalog.schemas.len()
                }
                O::ObjectExtension => {
                    let name = names.first().cloned().unwrap_or_default();
                    let before = self.catalog.extensions.len();
                    self.catalog.extensions.retain(|x| x.name != name);
                    before != self.catalog.extensions.len()
                }
                O::ObjectSequence => {
                    let q = qualified(&names);
                    let before = self.catalog.sequences.len();
                    self.catalog
                        .sequences
                        .retain(|x| !(x.schema == q.schema && x.name == q.name));
                    before != self.catalog.sequences.len()
                }
                O::ObjectPublication => {
                    let name = names.first().cloned().unwrap_or_default();
                    let before = self.catalog.publications.len();
                    self.catalog.publications.retain(|x| x.name != name);
                    before != self.catalog.publications.len()
                }
                _ => return Err(crate::model::migrations::not_modelled(&out.command)),
            };
            if found {
                self.names_changed();
            }
            if !found && !s.missing_ok {
                return Err(format!("{} does not exist", names.join(".")));
            }
        }
        Ok(())
    }

    pub(super) fn rename(&mut self, s: &pb::RenameStmt, at: &Location) -> Applied {
        use pb::ObjectType as O;
        let q = range_var(s.relation.as_ref());
        match O::try_from(s.rename_type).map_err(|e| e.to_string())? {
            O::ObjectTable | O::ObjectView | O::ObjectMatview => {
                let Some(i) = self.relation_index(&q) else {
                    return if s.missing_ok {
                        Ok(())
                    } else {
                        Err(format!("relation {q} does not exist (yet)"))
                    };
                };
                let r = &mut self.catalog.relations[i];
                r.name = s.newname.clone();
                r.provenance.altered.push(at.clone());
                self.retarget_references(&q, &QualifiedName::new(&q.schema, &s.newname));
            }
            O::ObjectColumn => {
                let r = self.relation_mut(&q)?;
                column_mut(r, &s.subname)?.name = s.newname.clone();
                for c in &mut r.constraints {
                    for col in c.columns.iter_mut().filter(|c| **c == s.subname) {
                        *col = s.newname.clone();
                    }
                }
                for i in &mut r.indexes {
                    for k in i
                        .keys
                        .iter_mut()
                        .filter(|k| k.column.as_deref() == Some(&s.subname))
                    {
                        k.column = Some(s.newname.clone());
                    }
                }
                r.provenance.altered.push(at.clone());
            }
            O::ObjectIndex => {
                for r in self
                    .catalog
                    .relations
                    .iter_mut()
                    .filter(|r| r.schema == q.schema)
                {
                    for i in r.indexes.iter_mut().filter(|i| i.name == q.name) {
                        i.name = s.newname.clone();
                    }
                }
            }
            O::ObjectPolicy => {
                let r = self.relation_mut(&q)?;
                let p = r
                    .policies
                    .iter_mut()
                    .find(|p| p.name == s.subname)
                    .ok_or_else(|| format!("policy \"{}\" for {q} does not exist", s.subname))?;
                p.name = s.newname.clone();
            }
            O::ObjectTabconstraint => {
                let r = self.relation_mut(&q)?;
                let c = r
                    .constraints
                    .iter_mut()
                    .find(|c| c.name == s.subname)
                    .ok_or_else(|| format!("constraint {} of {q} does not exist", s.subname))?;
                c.name = s.newname.clone();
            }
            O::ObjectType | O::ObjectDomain => self.rename_type(s)?,
            O::ObjectAttribute => self.rename_attribute(s)?,
            O::ObjectDomconstraint => self.rename_domain_check(s)?,
            O::ObjectFunction | O::ObjectProcedure | O::ObjectRoutine => self.rename_function(s)?,
            O::ObjectTrigger => {
                let r = self.relation_mut(&q)?;
                let t = r
                    .triggers
                    .iter_mut()
                    .find(|t| t.name == s.subname)
                    .ok_or_else(|| format!("trigger \"{}\" for {q} does not exist", s.subname))?;
                t.name = s.newname.clone();
            }
            other => {
                return Err(crate::model::migrations::not_modelled(&format!(
                    "renaming {}",
                    object_kind_name(other)
                )))
            }
        }
        self.names_changed();
        Ok(())
    }

    /// What names a relation that was renamed or moved, by oid on a server: foreign keys
    /// to it and what views read.
    fn retarget_references(&mut self, old: &QualifiedName, new: &QualifiedName) {
        for r in &mut self.catalog.relations {
            for fk in r
                .constraints
                .iter_mut()
                .filter_map(|c| c.foreign_key.as_mut())
                .filter(|fk| fk.referenced_table == *old)
            {
                fk.referenced_table = new.clone();
            }
            for read in r.reads.iter_mut().filter(|x| *x == old) {
                *read = new.clone();
            }
        }
    }

    /// `ALTER FUNCTION f(args) RENAME TO g`: triggers hold their function by oid, so those
    /// that ran `f` run `g`.
    fn rename_function(&mut self, s: &pb::RenameStmt) -> Applied {
        let Some(N::ObjectWithArgs(w)) = s.object.as_deref().and_then(|o| o.node.as_ref()) else {
            return Err("ALTER FUNCTION RENAME names no function".into());
        };
        let targets = self.overloads(w);
        let Some(&first) = targets.first() else {
            let q = qualified(&strings(&w.objname));
            return Err(format!("function {q} does not exist (yet)"));
        };
        let f = &self.catalog.functions[first];
        let old = QualifiedName::new(&f.schema, &f.name);
        let new = QualifiedName::new(&f.schema, &s.newname);
        let runs_triggers = f.identity_arguments.is_empty() && f.result == "trigger";
        for i in targets {
            self.catalog.functions[i].name = s.newname.clone();
        }
        if runs_triggers {
            for r in &mut self.catalog.relations {
                for t in r.triggers.iter_mut().filter(|t| t.function == old) {
                    t.function = new.clone();
                }
            }
        }
        Ok(())
    }

    /// `ALTER TABLE / VIEW / FUNCTION / TYPE ... SET SCHEMA s`.
    pub(super) fn set_schema(&mut self, s: &pb::AlterObjectSchemaStmt) -> Applied {
        use pb::ObjectType as O;
        let kind = O::try_from(s.object_type).map_err(|e| e.to_string())?;
        if !self.catalog.schemas.iter().any(|x| x.name == s.newschema) {
            return Err(format!("schema {} does not exist (yet)", s.newschema));
        }
        match kind {
            O::ObjectTable | O::ObjectView | O::ObjectMatview | O::ObjectForeignTable => {
                let q = range_var(s.relation.as_ref());
                let Some(i) = self.relation_index(&q) else {
                    return if s.missing_ok {
                        Ok(())
                    } else {
                        Err(format!("relation {q} does not exist (yet)"))
                    };
                };
                let new = QualifiedName::new(&s.newschema, &q.name);
                self.catalog.relations[i].schema = s.newschema.clone();
                self.retarget_references(&q, &new);
                // The table's own sequences (serial, identity) move with it.
                let mut moved = Vec::new();
                for seq in &mut self.catalog.sequences {
                    if let Some(owner) = seq.owned_by.as_mut().filter(|o| o.table == q) {
                        owner.table = new.clone();
                        let old = crate::sql::qualified(&seq.schema, &seq.name);
                        seq.schema = s.newschema.clone();
                        moved.push((old, crate::sql::qualified(&seq.schema, &seq.name)));
                    }
                }
                // Defaults name their sequence by oid, and print its new schema.
                for c in &mut self.catalog.relations[i].columns {
                    for (old, new) in &moved {
                        if let Some(d) = c.default.as_mut() {
                            *d = d.replace(&crate::sql::literal(old), &crate::sql::literal(new));
                        }
                    }
                }
            }
            O::ObjectFunction | O::ObjectProcedure | O::ObjectRoutine => {
                let Some(N::ObjectWithArgs(w)) = s.object.as_deref().and_then(|o| o.node.as_ref())
                else {
                    return Err("SET SCHEMA names no function".into());
                };
                let targets = self.overloads(w);
                if targets.is_empty() && !s.missing_ok {
                    let q = qualified(&strings(&w.objname));
                    return Err(format!("function {q} does not exist (yet)"));
                }
                for i in targets {
                    self.catalog.functions[i].schema = s.newschema.clone();
                }
            }
            other => {
                return Err(crate::model::migrations::not_modelled(&format!(
                    "moving {} to another schema",
                    object_kind_name(other)
                )))
            }
        }
        self.names_changed();
        Ok(())
    }
}

/// How SQL names a kind of object: `ObjectMatview` is "a materialized view".
pub(super) fn object_kind_name(kind: pb::ObjectType) -> String {
    let name = format!("{kind:?}");
    let name = name.strip_prefix("Object").unwrap_or(&name);
    let words = match name {
        "Matview" => "materialized view".to_string(),
        "Tabconstraint" => "table constraint".to_string(),
        "Domconstraint" => "domain constraint".to_string(),
        "Fdw" => "foreign data wrapper".to_string(),
        "Opclass" => "operator class".to_string(),
        other => words_of(other),
    };
    let article = if words.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {words}")
}
