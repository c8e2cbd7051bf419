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
                    let q = qualified(&names);
                    let before = self.catalog.functions.len();
                    self.catalog
                        .functions
                        .retain(|f| !(f.schema == q.schema && f.name == q.name));
                    before != self.catalog.functions.len()
                }
                O::ObjectType => {
                    let q = qualified(&names);
                    let before = self.catalog.enums.len();
                    self.catalog
                        .enums
                        .retain(|e| !(e.schema == q.schema && e.name == q.name));
                    before != self.catalog.enums.len()
                }
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
                _ => return Err(format!("{} is not modelled by pglens", out.command)),
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
                let new = QualifiedName::new(&q.schema, &s.newname);
                if self.relation(&q).is_none() {
                    return if s.missing_ok {
                        Ok(())
                    } else {
                        Err(format!("relation {q} does not exist (yet)"))
                    };
                }
                for r in &mut self.catalog.relations {
                    if r.qualified_name() == q {
                        r.name = s.newname.clone();
                        r.provenance.altered.push(at.clone());
                    }
                    for c in &mut r.constraints {
                        if let Some(fk) =
                            c.foreign_key.as_mut().filter(|fk| fk.referenced_table == q)
                        {
                            fk.referenced_table = new.clone();
                        }
                    }
                    for read in r.reads.iter_mut().filter(|x| **x == q) {
                        *read = new.clone();
                    }
                }
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
            other => return Err(format!("renaming a {other:?} is not modelled by pglens")),
        }
        self.names_changed();
        Ok(())
    }

    /// `ALTER TYPE x RENAME TO y` (an enum) or `ALTER DOMAIN`: columns follow the type, as
    /// on a server, where they hold it by its oid. `supabase db diff` changes an enum this
    /// way: the old one renamed aside, a new one made, columns moved over, the old dropped.
    fn rename_type(&mut self, s: &pb::RenameStmt) -> Applied {
        let names = match s.object.as_deref().and_then(|o| o.node.as_ref()) {
            Some(N::List(l)) => strings(&l.items),
            Some(N::TypeName(t)) => strings(&t.names),
            _ => Vec::new(),
        };
        let q = qualified(&names);
        let (schema, name) = if let Some(e) = self
            .catalog
            .enums
            .iter_mut()
            .find(|e| e.name == q.name && (names.len() < 2 || e.schema == q.schema))
        {
            e.name = s.newname.clone();
            (e.schema.clone(), q.name.clone())
        } else if let Some(d) = self
            .catalog
            .domains
            .iter_mut()
            .find(|d| d.name == q.name && (names.len() < 2 || d.schema == q.schema))
        {
            d.name = s.newname.clone();
            (d.schema.clone(), q.name.clone())
        } else {
            return Err(format!("type {q} does not exist (yet)"));
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
        Ok(())
    }
}
