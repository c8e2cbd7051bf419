//! Tables: creation (columns, serial and identity, constraints, partitions) and ALTER TABLE.

use pg_query::protobuf::{self as pb, node::Node as N};

use super::tree::*;
use super::{Applied, Builder};
use crate::model::migrations::StatementTrait;
use crate::model::*;
use crate::source::sqlfiles::{names, types};
use crate::sql::catalog as text;

impl Builder {
    /// `CREATE FOREIGN TABLE`: a table whose rows live on another server.
    pub(super) fn create_foreign_table(
        &mut self,
        s: &pb::CreateStmt,
        q: QualifiedName,
        at: &Location,
    ) -> Applied {
        let existed = self.relation(&q).is_some();
        self.create_table(s, q.clone(), at)?;
        if !existed {
            self.relation_mut(&q)?.kind = RelationKind::ForeignTable;
        }
        Ok(())
    }

    pub(super) fn create_table(
        &mut self,
        s: &pb::CreateStmt,
        q: QualifiedName,
        at: &Location,
    ) -> Applied {
        if self.relation(&q).is_some() {
            return if s.if_not_exists {
                Ok(())
            } else {
                Err(format!("relation {q} already exists"))
            };
        }
        let parent = s.inh_relations.first().and_then(|n| match &n.node {
            Some(N::RangeVar(rv)) => Some(range_var(Some(rv))),
            _ => None,
        });
        let partition_of = match (&parent, &s.partbound) {
            (Some(p), Some(bound)) => Some(PartitionOf {
                parent: p.clone(),
                bound: partition_bound(bound),
            }),
            _ => None,
        };
        let kind = if s.partspec.is_some() {
            RelationKind::PartitionedTable
        } else {
            RelationKind::Table
        };
        let mut table = self.new_relation(&q, kind, at);
        if partition_of.is_none() {
            table.inherits = s
                .inh_relations
                .iter()
                .filter_map(|n| match &n.node {
                    Some(N::RangeVar(rv)) => Some(range_var(Some(rv))),
                    _ => None,
                })
                .collect();
        }
        table.partition_of = partition_of;
        table.partition_key = s.partspec.as_ref().map(partition_key);
        table.options = def_elems(&s.options)
            .map(|(k, v)| format!("{k}={}", v.map(option_value).unwrap_or_default()))
            .collect();
        if let Some(p) = &parent {
            let parent_rel = self
                .relation(p)
                .ok_or_else(|| format!("relation {p} does not exist (yet)"))?;
            table.columns = parent_rel.columns.clone();
        }
        // Columns first, so table constraints can name any of them.
        let mut pending = Vec::new();
        let mut copied_checks = Vec::new();
        for elt in &s.table_elts {
            match &elt.node {
                Some(N::TableLikeClause(like)) => {
                    let source = range_var(like.relation.as_ref());
                    let source = self
                        .relation(&source)
                        .ok_or_else(|| format!("relation {source} does not exist (yet)"))?;
                    let copied = super::like::copy(source, like.options, at);
                    for column in copied.columns {
                        if table.has_column(&column.name) {
                            return Err(format!(
                                "column \"{}\" specified more than once",
                                column.name
                            ));
                        }
                        table.columns.push(column);
                    }
                    pending.extend(copied.keys.into_iter().map(|k| (None, k)));
                    copied_checks.extend(copied.checks);
                }
                Some(N::ColumnDef(cd)) => {
                    let column = self.column(&mut table, cd, at)?;
                    if let Some(existing) = table.columns.iter_mut().find(|c| c.name == column.name)
                    {
                        // A partition may add constraints to an inherited column.
                        existing.not_null |= column.not_null;
                    } else {
                        table.columns.push(column);
                    }
                    for k in column_constraints(cd) {
                        pending.push((Some(cd.colname.clone()), k));
                    }
                }
                Some(N::Constraint(k)) => pending.push((None, (**k).clone())),
                _ => {}
            }
        }
        for c in &s.constraints {
            if let Some(N::Constraint(k)) = &c.node {
                pending.push((None, (**k).clone()));
            }
        }
        drop_redundant_keys(&mut pending);
        renumber(&mut table.columns);
        self.catalog.relations.push(table);
        let added = pending
            .iter()
            .try_for_each(|(column, k)| self.add_constraint(&q, k, column.as_deref()))
            .and_then(|()| {
                (copied_checks.into_iter()).try_for_each(|k| self.push_constraint(&q, k))
            });
        if let Err(e) = added {
            // The server rejects the whole statement.
            self.catalog
                .relations
                .retain(|r| !(r.schema == q.schema && r.name == q.name));
            self.names_changed();
            return Err(e);
        }
        // A partition has its parent's keys and indexes; an INHERITS child has neither.
        if let Some(p) = parent.filter(|_| s.partbound.is_some()) {
            self.inherit_parent_indexes(&q, &p);
        }
        Ok(())
    }

    /// A partition's copies of its parent's keys and other indexes.
    fn inherit_parent_indexes(&mut self, q: &QualifiedName, parent: &QualifiedName) {
        self.inherit_parent_keys(q, parent);
        let indexes: Vec<Index> = self
            .relation(parent)
            .map(|r| {
                r.indexes
                    .iter()
                    .filter(|i| i.constraint.is_none())
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        for index in indexes {
            self.copy_index_to_partition(&index, q);
        }
    }

    /// A partition gets its own copy of the parent's primary key and unique indexes.
    pub(super) fn inherit_parent_keys(&mut self, q: &QualifiedName, parent: &QualifiedName) {
        let Some(parent_rel) = self.relation(parent).cloned() else {
            return;
        };
        let own: Vec<(ConstraintKind, Vec<String>)> = (self.relation(q).into_iter())
            .flat_map(|r| r.constraints.iter().map(|c| (c.kind, c.columns.clone())))
            .collect();
        for c in parent_rel
            .constraints
            .iter()
            .filter(|c| matches!(c.kind, ConstraintKind::PrimaryKey | ConstraintKind::Unique))
            // A key the partition has already (made before ATTACH) is the one it uses.
            .filter(|c| !own.contains(&(c.kind, c.columns.clone())))
        {
            let label = if c.kind == ConstraintKind::PrimaryKey {
                "pkey"
            } else {
                "key"
            };
            let joined = c.columns.join("_");
            let name2 = (c.kind == ConstraintKind::Unique).then_some(joined.as_str());
            let name = names::choose_name(&q.name, name2, label, &|n| {
                self.name_taken(&q.schema, n) || self.constraint_taken(&q.schema, n)
            });
            let constraint = Constraint {
                name: name.clone(),
                ..c.clone()
            };
            let index = key_index(&name, &constraint);
            if self.push_constraint(q, constraint).is_ok() {
                let _ = self.push_index(q, index);
            }
        }
    }

    /// `ALTER TABLE parent ATTACH PARTITION child FOR VALUES ...`: the child becomes a
    /// partition, with the parent's keys where it has none of its own.
    fn attach_partition(
        &mut self,
        parent: &QualifiedName,
        child: &QualifiedName,
        bound: String,
    ) -> Applied {
        let r = self.relation_mut(child)?;
        if let Some(p) = &r.partition_of {
            return Err(format!("{child} is already a partition of {}", p.parent));
        }
        r.partition_of = Some(PartitionOf {
            parent: parent.clone(),
            bound,
        });
        self.inherit_parent_indexes(child, parent);
        Ok(())
    }

    /// A column from its definition; its constraints are added by the caller.
    pub(super) fn column(
        &mut self,
        table: &mut Relation,
        cd: &pb::ColumnDef,
        at: &Location,
    ) -> Result<Column, String> {
        let tn = cd
            .type_name
            .as_ref()
            .ok_or_else(|| format!("column {} has no type", cd.colname))?;
        let type_word = strings(&tn.names).last().cloned().unwrap_or_default();
        let (data_type, type_kind, mut default) = match types::serial(&type_word) {
            Some(int) => {
                let seq = names::choose_name(&table.name, Some(&cd.colname), "seq", &|n| {
                    self.name_taken(&table.schema, n)
                });
                let seq_q = QualifiedName::new(&table.schema, &seq);
                self.add_sequence(
                    &seq_q,
                    int,
                    Some(ColumnRef {
                        table: table.qualified_name(),
                        column: cd.colname.clone(),
                    }),
                    at,
                );
                let default = format!(
                    "nextval({}::regclass)",
                    crate::sql::literal(&crate::sql::qualified(&table.schema, &seq))
                );
                (int.to_string(), TypeKind::Base, Some(default))
            }
            None => {
                let (t, k) = self.type_of(tn);
                (t, k, None)
            }
        };
        let mut column = Column {
            position: 0,
            name: cd.colname.clone(),
            data_type,
            type_kind,
            not_null: cd.is_not_null || default.is_some(),
            default: None,
            identity: None,
            generated: None,
            collation: None,
            comment: None,
            grants: Vec::new(),
        };
        if let Some(raw) = &cd.raw_default {
            default = stored_default(raw, &column.type_kind);
        }
        for c in &cd.constraints {
            let Some(N::Constraint(k)) = &c.node else {
                continue;
            };
            match pb::ConstrType::try_from(k.contype) {
                Ok(pb::ConstrType::ConstrNotnull) | Ok(pb::ConstrType::ConstrPrimary) => {
                    column.not_null = true
                }
                Ok(pb::ConstrType::ConstrDefault) => {
                    default = k
                        .raw_expr
                        .as_deref()
                        .and_then(|e| stored_default(e, &column.type_kind))
                }
                Ok(pb::ConstrType::ConstrIdentity) => {
                    column.not_null = true;
                    column.identity = Some(if k.generated_when == "a" {
                        Identity::Always
                    } else {
                        Identity::ByDefault
                    });
                }
                Ok(pb::ConstrType::ConstrGenerated) => {
                    column.generated = k.raw_expr.as_deref().map(|e| Generated {
                        kind: if k.generated_kind == "v" {
                            GeneratedKind::Virtual
                        } else {
                            GeneratedKind::Stored
                        },
                        expression: expression(e),
                    });
                }
                _ => {}
            }
        }
        column.default = default;
        if column.identity.is_some() {
            // An identity column's sequence, named as for serial.
            let seq = names::choose_name(&table.name, Some(&cd.colname), "seq", &|n| {
                self.name_taken(&table.schema, n)
            });
            let owner = ColumnRef {
                table: table.qualified_name(),
                column: cd.colname.clone(),
            };
            let data_type = column.data_type.clone();
            self.add_sequence(
                &QualifiedName::new(&table.schema, &seq),
                &data_type,
                Some(owner),
                at,
            );
        }
        Ok(column)
    }

    /// `ALTER SEQUENCE s OWNED BY t.c | NONE`, as a dump ties a serial's sequence to its
    /// column; the other options change nothing the model holds.
    pub(super) fn alter_sequence(&mut self, s: &pb::AlterSeqStmt) -> Applied {
        let q = range_var(s.sequence.as_ref());
        let Some(i) = self.sequence_index(&q) else {
            return if s.missing_ok {
                Ok(())
            } else {
                Err(format!("sequence {q} does not exist (yet)"))
            };
        };
        for (name, arg) in def_elems(&s.options) {
            if name != "owned_by" {
                continue;
            }
            let owner = match arg.and_then(|a| a.node.as_ref()) {
                Some(N::List(l)) => strings(&l.items),
                _ => Vec::new(),
            };
            self.catalog.sequences[i].owned_by = match owner.split_last() {
                Some((column, table)) if !table.is_empty() => Some(ColumnRef {
                    table: qualified(table),
                    column: column.clone(),
                }),
                _ => None,
            };
        }
        Ok(())
    }

    pub(super) fn add_sequence(
        &mut self,
        q: &QualifiedName,
        data_type: &str,
        owned_by: Option<ColumnRef>,
        at: &Location,
    ) {
        let max = match data_type {
            "integer" => i64::from(i32::MAX),
            "smallint" => i64::from(i16::MAX),
            _ => i64::MAX,
        };
        self.catalog.sequences.push(Sequence {
            schema: q.schema.clone(),
            name: q.name.clone(),
            data_type: data_type.into(),
            start: 1,
            increment: 1,
            min_value: 1,
            max_value: max,
            cycle: false,
            last_value: None,
            unreadable: false,
            owned_by,
            provenance: defined(at),
        });
    }

    /// Adds a table or column constraint, naming it as the server would.
    pub(super) fn add_constraint(
        &mut self,
        q: &QualifiedName,
        k: &pb::Constraint,
        column: Option<&str>,
    ) -> Applied {
        let contype = pb::ConstrType::try_from(k.contype).map_err(|e| e.to_string())?;
        // `PRIMARY KEY USING INDEX i` (as `supabase db diff` writes keys): the constraint
        // takes the existing unique index, and its columns.
        let adopted: Option<Vec<String>> = if k.indexname.is_empty() {
            None
        } else {
            let index = (self.relation(q))
                .and_then(|r| r.indexes.iter().find(|i| i.name == k.indexname))
                .ok_or_else(|| format!("index \"{}\" of {q} does not exist (yet)", k.indexname))?;
            Some(
                index
                    .keys
                    .iter()
                    .filter_map(|key| key.column.clone())
                    .collect(),
            )
        };
        let own_column = |keys: &[pb::Node]| -> Vec<String> {
            let listed = strings(keys);
            if listed.is_empty() {
                column.map(|c| vec![c.to_string()]).unwrap_or_default()
            } else {
                listed
            }
        };
        let (kind, columns, definition, foreign_key, label) = match contype {
            pb::ConstrType::ConstrPrimary => {
                let cols = adopted.clone().unwrap_or_else(|| own_column(&k.keys));
                (
                    ConstraintKind::PrimaryKey,
                    cols.clone(),
                    text::primary_key(&cols),
                    None,
                    "pkey",
                )
            }
            pb::ConstrType::ConstrUnique => {
                let cols = adopted.clone().unwrap_or_else(|| own_column(&k.keys));
                let def = text::unique(&cols, k.nulls_not_distinct);
                (ConstraintKind::Unique, cols, def, None, "key")
            }
            pb::ConstrType::ConstrCheck => {
                let expr = k.raw_expr.as_deref().map(expression).unwrap_or_default();
                // The table's columns the expression names, in table order, as conkey lists
                // them on a live server.
                let named = crate::sql::mentions::bare_names(&expr);
                let mut cols: Vec<String> = self
                    .relation(q)
                    .map(|r| {
                        r.columns
                            .iter()
                            .filter(|c| named.contains(&c.name))
                            .map(|c| c.name.clone())
                            .collect()
                    })
                    .unwrap_or_default();
                if let Some(c) = column.filter(|c| !cols.iter().any(|x| x == c)) {
                    cols.push(c.to_string());
                }
                (
                    ConstraintKind::Check,
                    cols,
                    text::check(&expr),
                    None,
                    "check",
                )
            }
            pb::ConstrType::ConstrForeign => {
                let cols = own_column(&k.fk_attrs);
                let target = range_var(k.pktable.as_ref());
                if self.relation(&target).is_none() && self.may_assume(&target.schema) {
                    let types: Vec<String> = (cols.iter())
                        .map(|c| {
                            (self
                                .relation(q)
                                .and_then(|r| r.columns.iter().find(|x| &x.name == c)))
                            .map_or_else(|| "uuid".to_string(), |x| x.data_type.clone())
                        })
                        .collect();
                    self.assume_table(&target, &strings(&k.pk_attrs), &types);
                }
                let target_rel = self
                    .relation(&target)
                    .ok_or_else(|| format!("relation {target} does not exist (yet)"))?;
                let mut target_cols = strings(&k.pk_attrs);
                if target_cols.is_empty() {
                    target_cols = target_rel
                        .primary_key()
                        .map(|pk| pk.columns.clone())
                        .ok_or_else(|| format!("{target} has no primary key to reference"))?;
                }
                let (on_update, on_delete) =
                    (fk_action(&k.fk_upd_action), fk_action(&k.fk_del_action));
                let def = text::foreign_key(&cols, &target, &target_cols, on_update, on_delete);
                let fk = ForeignKey {
                    referenced_table: target,
                    referenced_columns: target_cols,
                    on_delete,
                    on_update,
                };
                (ConstraintKind::ForeignKey, cols, def, Some(fk), "fkey")
            }
            pb::ConstrType::ConstrExclusion => {
                return Err(crate::model::migrations::not_modelled(
                    "an EXCLUDE constraint",
                ));
            }
            // NOT NULL, DEFAULT, identity and generated are column properties.
            _ => return Ok(()),
        };
        let name = if k.conname.is_empty() {
            let joined = columns.join("_");
            // A check is named after its column only when it reads exactly one
            // (`t_price_check`); one over several columns is `t_check`.
            let named_after_columns = match kind {
                ConstraintKind::PrimaryKey => false,
                ConstraintKind::Check => columns.len() == 1,
                _ => !joined.is_empty(),
            };
            let name2 = named_after_columns.then_some(joined.as_str());
            // Index-backed constraints share the relation namespace.
            let schema = q.schema.clone();
            names::choose_name(&q.name, name2, label, &|n| {
                self.constraint_taken(&schema, n) || self.name_taken(&schema, n)
            })
        } else {
            k.conname.clone()
        };
        let constraint = Constraint {
            name: name.clone(),
            kind,
            columns: columns.clone(),
            // In the order pg_get_constraintdef prints them.
            definition: format!(
                "{definition}{}{}{}",
                if k.deferrable { " DEFERRABLE" } else { "" },
                if k.initdeferred {
                    " INITIALLY DEFERRED"
                } else {
                    ""
                },
                if k.skip_validation { " NOT VALID" } else { "" },
            ),
            validated: !k.skip_validation,
            deferrable: k.deferrable,
            initially_deferred: k.initdeferred,
            foreign_key,
            provenance: Provenance::default(),
        };
        let table = self.relation_mut(q)?;
        if table.constraints.iter().any(|c| c.name == name) {
            return Err(format!("constraint {name} on {q} already exists"));
        }
        for col in &columns {
            if !table.has_column(col) {
                return Err(format!("column {col} of {q} does not exist"));
            }
        }
        if kind == ConstraintKind::PrimaryKey {
            for c in table
                .columns
                .iter_mut()
                .filter(|c| columns.contains(&c.name))
            {
                c.not_null = true;
            }
        }
        if matches!(kind, ConstraintKind::PrimaryKey | ConstraintKind::Unique) {
            let backing = key_index(&name, &constraint);
            if adopted.is_some() {
                // The index becomes the constraint's, renamed after it.
                let table = self.relation_mut(q)?;
                if let Some(index) = table.indexes.iter_mut().find(|i| i.name == k.indexname) {
                    index.name = backing.name;
                    index.primary = backing.primary;
                    index.constraint = backing.constraint;
                }
                self.names_changed();
            } else {
                self.push_index(q, backing)?;
            }
        }
        self.push_constraint(q, constraint)
    }

    pub(super) fn alter_table(
        &mut self,
        s: &pb::AlterTableStmt,
        q: QualifiedName,
        at: &Location,
    ) -> Applied {
        if self.relation(&q).is_none() {
            // ALTER SEQUENCE ... OWNER TO (which changes nothing the model holds) and
            // ALTER TYPE ... ADD ATTRIBUTE (a composite type) arrive as ALTER TABLE.
            if self.sequence_index(&q).is_some() {
                return Ok(());
            }
            if self.composite_mut(&q).is_some() {
                return self.alter_composite(s, &q);
            }
            return if s.missing_ok {
                Ok(())
            } else {
                Err(format!("relation {q} does not exist (yet)"))
            };
        }
        for cmd in &s.cmds {
            let Some(N::AlterTableCmd(c)) = &cmd.node else {
                continue;
            };
            self.alter_table_cmd(&q, c, at)?;
        }
        if let Ok(r) = self.relation_mut(&q) {
            r.provenance.altered.push(at.clone());
        }
        Ok(())
    }

    /// Whether `t` is an `ALTER COLUMN ... TYPE` that PostgreSQL makes in the catalog alone,
    /// as the column's type is now: a `varchar` or `numeric` widened, `varchar` to `text`.
    /// Such a change rewrites nothing, so it is not a trait the migration rules judge.
    pub(super) fn changes_type_without_rewrite(
        &self,
        q: &QualifiedName,
        s: &pb::AlterTableStmt,
        t: &StatementTrait,
    ) -> bool {
        let StatementTrait::ChangesColumnType(column) = t else {
            return false;
        };
        let Some(old) = self.relation(q).and_then(|r| r.column(column)) else {
            return false;
        };
        let change = s.cmds.iter().find_map(|cmd| match &cmd.node {
            Some(N::AlterTableCmd(c)) if c.name == *column => {
                match c.def.as_ref().and_then(|d| d.node.as_ref()) {
                    Some(N::ColumnDef(cd)) => Some(cd),
                    _ => None,
                }
            }
            _ => None,
        });
        // A USING clause (held as the definition's default) computes every value again.
        change
            .filter(|cd| cd.raw_default.is_none())
            .and_then(|cd| cd.type_name.as_ref())
            .is_some_and(|t| types::widens_in_place(&old.data_type, &self.type_of(t).0))
    }

    pub(super) fn alter_table_cmd(
        &mut self,
        q: &QualifiedName,
        c: &pb::AlterTableCmd,
        at: &Location,
    ) -> Applied {
        use pb::AlterTableType as T;
        let subtype = T::try_from(c.subtype).map_err(|e| e.to_string())?;
        match subtype {
            T::AtAddColumn => {
                let Some(N::ColumnDef(cd)) = c.def.as_ref().and_then(|d| d.node.as_ref()) else {
                    return Ok(());
                };
                let mut table = self.relation(q).cloned().ok_or("relation vanished")?;
                if table.has_column(&cd.colname) {
                    return if c.missing_ok {
                        Ok(())
                    } else {
                        Err(format!("column {} of {q} already exists", cd.colname))
                    };
                }
                let column = self.column(&mut table, cd, at)?;
                let r = self.relation_mut(q)?;
                r.columns.push(column);
                renumber(&mut r.columns);
                for k in column_constraints(cd) {
                    self.add_constraint(q, &k, Some(&cd.colname))?;
                }
            }
            T::AtDropColumn => {
                let r = self.relation_mut(q)?;
                if !r.has_column(&c.name) {
                    return if c.missing_ok {
                        Ok(())
                    } else {
                        Err(format!("column {} of {q} does not exist", c.name))
                    };
                }
                drop_column(r, &c.name);
                self.names_changed();
            }
            T::AtAlterColumnType => {
                let Some(N::ColumnDef(cd)) = c.def.as_ref().and_then(|d| d.node.as_ref()) else {
                    return Ok(());
                };
                let tn = cd.type_name.as_ref().ok_or("no type")?;
                let (t, k) = self.type_of(tn);
                let col = column_mut(self.relation_mut(q)?, &c.name)?;
                col.data_type = t;
                col.type_kind = k;
            }
            T::AtSetNotNull => column_mut(self.relation_mut(q)?, &c.name)?.not_null = true,
            T::AtDropNotNull => column_mut(self.relation_mut(q)?, &c.name)?.not_null = false,
            T::AtColumnDefault => {
                let col = column_mut(self.relation_mut(q)?, &c.name)?;
                col.default = c
                    .def
                    .as_deref()
                    .and_then(|e| stored_default(e, &col.type_kind));
            }
            T::AtAddConstraint => {
                if let Some(N::Constraint(k)) = c.def.as_ref().and_then(|d| d.node.as_ref()) {
                    self.add_constraint(q, k, None)?;
                }
            }
            T::AtDropConstraint => {
                let r = self.relation_mut(q)?;
                let before = r.constraints.len();
                r.constraints.retain(|k| k.name != c.name);
                r.indexes
                    .retain(|i| i.constraint.as_deref() != Some(&c.name));
                let dropped = r.constraints.len() != before;
                if dropped {
                    self.names_changed();
                } else if !c.missing_ok {
                    return Err(format!("constraint {} of {q} does not exist", c.name));
                }
            }
            T::AtValidateConstraint => {
                let r = self.relation_mut(q)?;
                let k = r
                    .constraints
                    .iter_mut()
                    .find(|k| k.name == c.name)
                    .ok_or_else(|| format!("constraint {} of {q} does not exist", c.name))?;
                k.validated = true;
                k.definition = k.definition.trim_end_matches(" NOT VALID").to_string();
            }
            T::AtEnableRowSecurity => self.relation_mut(q)?.rls_enabled = true,
            T::AtDisableRowSecurity => self.relation_mut(q)?.rls_enabled = false,
            T::AtForceRowSecurity => self.relation_mut(q)?.rls_forced = true,
            T::AtNoForceRowSecurity => self.relation_mut(q)?.rls_forced = false,
            T::AtSetRelOptions | T::AtResetRelOptions => {
                let set = subtype == T::AtSetRelOptions;
                let items: Vec<(String, String)> =
                    match c.def.as_ref().and_then(|d| d.node.as_ref()) {
                        Some(N::List(l)) => def_elems(&l.items)
                            .map(|(k, v)| (k, v.map(option_value).unwrap_or_else(|| "true".into())))
                            .collect(),
                        _ => Vec::new(),
                    };
                let r = self.relation_mut(q)?;
                for (key, value) in items {
                    r.options.retain(|o| o.split('=').next() != Some(&key));
                    if set {
                        r.options.push(format!("{key}={value}"));
                    }
                }
            }
            T::AtEnableTrig | T::AtDisableTrig | T::AtEnableAlwaysTrig | T::AtEnableReplicaTrig => {
                let state = match subtype {
                    T::AtDisableTrig => TriggerEnabled::Disabled,
                    T::AtEnableAlwaysTrig => TriggerEnabled::Always,
                    T::AtEnableReplicaTrig => TriggerEnabled::Replica,
                    _ => TriggerEnabled::Origin,
                };
                let r = self.relation_mut(q)?;
                let t = r
                    .triggers
                    .iter_mut()
                    .find(|t| t.name == c.name)
                    .ok_or_else(|| format!("trigger {} on {q} does not exist", c.name))?;
                t.enabled = state;
            }
            T::AtAddIdentity => {
                column_mut(self.relation_mut(q)?, &c.name)?.identity = Some(Identity::ByDefault);
            }
            T::AtDropIdentity => column_mut(self.relation_mut(q)?, &c.name)?.identity = None,
            T::AtAttachPartition | T::AtDetachPartition | T::AtDetachPartitionFinalize => {
                let Some(N::PartitionCmd(cmd)) = c.def.as_ref().and_then(|d| d.node.as_ref())
                else {
                    return Ok(());
                };
                let child = range_var(cmd.name.as_ref());
                if subtype == T::AtAttachPartition {
                    let bound = cmd.bound.as_ref().map(partition_bound).unwrap_or_default();
                    self.attach_partition(q, &child, bound)?;
                } else if subtype == T::AtDetachPartition {
                    let r = self.relation_mut(&child)?;
                    if r.partition_of.as_ref().is_none_or(|p| p.parent != *q) {
                        return Err(format!("relation {child} is not a partition of {q}"));
                    }
                    r.partition_of = None;
                }
            }
            // Ownership, storage and statistics settings do not shape the model.
            T::AtChangeOwner
            | T::AtSetStatistics
            | T::AtSetStorage
            | T::AtSetCompression
            | T::AtClusterOn
            | T::AtDropCluster
            | T::AtReplicaIdentity
            | T::AtSetOptions
            | T::AtResetOptions => {}
            other => {
                let name = format!("{other:?}");
                return Err(crate::model::migrations::not_modelled(&format!(
                    "ALTER TABLE {}",
                    name.strip_prefix("At").unwrap_or(&name)
                )));
            }
        }
        Ok(())
    }
}

/// A default as the server keeps it: `DEFAULT NULL`, cast or not, is no default at all
/// (PostgreSQL stores nothing for it), except on a domain, whose own default it overrides.
fn stored_default(raw: &pb::Node, kind: &TypeKind) -> Option<String> {
    let on_domain = matches!(kind, TypeKind::Domain { .. });
    (on_domain || !is_null_constant(raw)).then(|| expression(raw))
}

fn is_null_constant(node: &pb::Node) -> bool {
    match &node.node {
        Some(N::AConst(c)) => c.isnull,
        Some(N::TypeCast(t)) => t.arg.as_deref().is_some_and(is_null_constant),
        _ => false,
    }
}

/// A column's constraints, each with its attributes: for `PRIMARY KEY DEFERRABLE` the
/// grammar gives `DEFERRABLE` as a constraint of its own, meant for the one before it.
fn column_constraints(cd: &pb::ColumnDef) -> Vec<pb::Constraint> {
    let mut out: Vec<pb::Constraint> = Vec::new();
    for c in &cd.constraints {
        let Some(N::Constraint(k)) = &c.node else {
            continue;
        };
        match out.last_mut() {
            Some(prior) if is_attribute(k) => apply_attribute(prior, k),
            _ => out.push((**k).clone()),
        }
    }
    out
}

/// `DEFERRABLE`, `NOT DEFERRABLE`, `INITIALLY DEFERRED` / `IMMEDIATE` after a column's
/// constraint.
fn is_attribute(k: &pb::Constraint) -> bool {
    use pb::ConstrType as C;
    [
        C::ConstrAttrDeferrable,
        C::ConstrAttrNotDeferrable,
        C::ConstrAttrDeferred,
        C::ConstrAttrImmediate,
    ]
    .iter()
    .any(|&t| k.contype == t as i32)
}

fn apply_attribute(prior: &mut pb::Constraint, attribute: &pb::Constraint) {
    use pb::ConstrType as C;
    match C::try_from(attribute.contype) {
        Ok(C::ConstrAttrDeferrable) => prior.deferrable = true,
        Ok(C::ConstrAttrNotDeferrable) => prior.deferrable = false,
        Ok(C::ConstrAttrDeferred) => {
            prior.initdeferred = true;
            // INITIALLY DEFERRED implies DEFERRABLE.
            prior.deferrable = true;
        }
        Ok(C::ConstrAttrImmediate) => prior.initdeferred = false,
        _ => {}
    }
}

/// As the server does within one `CREATE TABLE`: a `UNIQUE` on the same columns, with the same
/// options, as the primary key or an earlier `UNIQUE` is the same index, so it is dropped (the
/// kept one takes its name if it had none). `id uuid UNIQUE, PRIMARY KEY (id)` makes one
/// index, the primary key's.
fn drop_redundant_keys(pending: &mut Vec<(Option<String>, pb::Constraint)>) {
    use pb::ConstrType as C;
    let is = |k: &pb::Constraint, t: C| k.contype == t as i32;
    let key = |(column, k): &(Option<String>, pb::Constraint)| {
        let columns = match column {
            Some(c) if k.keys.is_empty() => vec![c.clone()],
            _ => strings(&k.keys),
        };
        (
            columns,
            strings(&k.including),
            k.nulls_not_distinct,
            k.deferrable,
            k.initdeferred,
        )
    };
    // The primary key first, then the unique constraints in order.
    let mut order: Vec<usize> = (0..pending.len())
        .filter(|&i| is(&pending[i].1, C::ConstrPrimary))
        .collect();
    order.extend((0..pending.len()).filter(|&i| is(&pending[i].1, C::ConstrUnique)));
    let mut kept: Vec<usize> = Vec::new();
    let mut redundant: Vec<usize> = Vec::new();
    for i in order {
        match kept.iter().find(|&&k| key(&pending[k]) == key(&pending[i])) {
            Some(&prior) => {
                if pending[prior].1.conname.is_empty() {
                    pending[prior].1.conname = pending[i].1.conname.clone();
                }
                redundant.push(i);
            }
            None => kept.push(i),
        }
    }
    let mut i = 0;
    pending.retain(|_| {
        i += 1;
        !redundant.contains(&(i - 1))
    });
}

/// Drops a column as the server does: with the constraints and indexes that use it.
pub(super) fn drop_column(r: &mut Relation, name: &str) {
    r.columns.retain(|col| col.name != name);
    r.constraints
        .retain(|k| !k.columns.iter().any(|c| c == name));
    r.indexes
        .retain(|i| !i.keys.iter().any(|k| k.column.as_deref() == Some(name)));
}
