//! Composite types reshaped after they are made: `ALTER TYPE ... ADD | DROP | ALTER |
//! RENAME ATTRIBUTE`.

use pg_query::protobuf::{self as pb, node::Node as N};

use super::tree::*;
use super::{Applied, Builder};
use crate::model::*;

impl Builder {
    /// `ALTER TYPE t ADD | DROP | ALTER ATTRIBUTE ...` on a composite type, which the
    /// parser hands over as an ALTER TABLE of the type.
    pub(super) fn alter_composite(&mut self, s: &pb::AlterTableStmt, q: &QualifiedName) -> Applied {
        use pb::AlterTableType as T;
        for cmd in &s.cmds {
            let Some(N::AlterTableCmd(c)) = &cmd.node else {
                continue;
            };
            let column = match c.def.as_ref().and_then(|d| d.node.as_ref()) {
                Some(N::ColumnDef(cd)) => Some(cd),
                _ => None,
            };
            let type_name = column
                .and_then(|cd| cd.type_name.as_ref())
                .map(|t| self.type_of(t).0);
            let composite = self.existing_composite(q)?;
            let position = composite.attributes.iter().position(|a| a.name == c.name);
            match T::try_from(c.subtype).map_err(|e| e.to_string())? {
                T::AtAddColumn => {
                    let Some(cd) = column else { continue };
                    if composite.attributes.iter().any(|a| a.name == cd.colname) {
                        return Err(format!(
                            "attribute {} of type {q} already exists",
                            cd.colname
                        ));
                    }
                    composite.attributes.push(CompositeAttribute {
                        name: cd.colname.clone(),
                        type_name: type_name.unwrap_or_default(),
                        comment: None,
                    });
                }
                T::AtDropColumn => match position {
                    Some(i) => {
                        composite.attributes.remove(i);
                    }
                    None if c.missing_ok => {}
                    None => return Err(format!("attribute {} of type {q} does not exist", c.name)),
                },
                T::AtAlterColumnType => {
                    let i = position.ok_or_else(|| {
                        format!("attribute {} of type {q} does not exist", c.name)
                    })?;
                    composite.attributes[i].type_name = type_name.unwrap_or_default();
                }
                // OWNER TO and the like change nothing the model holds.
                _ => {}
            }
        }
        Ok(())
    }

    /// `ALTER TYPE t RENAME ATTRIBUTE a TO b`.
    pub(super) fn rename_attribute(&mut self, s: &pb::RenameStmt) -> Applied {
        let q = range_var(s.relation.as_ref());
        let composite = self.existing_composite(&q)?;
        let attribute = composite
            .attributes
            .iter_mut()
            .find(|a| a.name == s.subname)
            .ok_or_else(|| format!("attribute {} of type {q} does not exist", s.subname))?;
        attribute.name = s.newname.clone();
        Ok(())
    }

    /// The composite type `q`, if there is one.
    pub(super) fn composite_mut(&mut self, q: &QualifiedName) -> Option<&mut CompositeType> {
        (self.catalog.composites.iter_mut()).find(|c| c.schema == q.schema && c.name == q.name)
    }

    fn existing_composite(&mut self, q: &QualifiedName) -> Result<&mut CompositeType, String> {
        self.composite_mut(q)
            .ok_or_else(|| format!("type {q} does not exist (yet)"))
    }
}
