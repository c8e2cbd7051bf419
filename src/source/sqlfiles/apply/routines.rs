//! Functions and triggers.

use pg_query::protobuf::{self as pb, node::Node as N};

use super::tree::*;
use super::{Applied, Builder, Outcome};
use crate::model::*;
use crate::sql::catalog as text;

impl Builder {
    pub(super) fn create_function(
        &mut self,
        s: &pb::CreateFunctionStmt,
        at: &Location,
        out: &mut Outcome,
    ) -> Applied {
        let q = qualified(&strings(&s.funcname));
        let mut identity = Vec::new();
        let mut arguments = Vec::new();
        let mut table_columns = Vec::new();
        let mut out_types = Vec::new();
        for p in &s.parameters {
            let Some(N::FunctionParameter(fp)) = &p.node else {
                continue;
            };
            let t = fp
                .arg_type
                .as_ref()
                .map(|t| without_modifiers(&self.type_of(t).0))
                .unwrap_or_default();
            let mode = pb::FunctionParameterMode::try_from(fp.mode)
                .unwrap_or(pb::FunctionParameterMode::FuncParamIn);
            let named = if fp.name.is_empty() {
                t.clone()
            } else {
                format!("{} {t}", crate::sql::ident(&fp.name))
            };
            match mode {
                pb::FunctionParameterMode::FuncParamTable => table_columns.push(named),
                // pg_get_function_identity_arguments lists OUT parameters too.
                pb::FunctionParameterMode::FuncParamOut => {
                    identity.push(format!("OUT {named}"));
                    arguments.push(format!("OUT {named}"));
                    out_types.push(t.clone());
                }
                _ => {
                    let prefix = match mode {
                        pb::FunctionParameterMode::FuncParamInout => "INOUT ",
                        pb::FunctionParameterMode::FuncParamVariadic => "VARIADIC ",
                        _ => "",
                    };
                    // pg_get_function_identity_arguments keeps names: `target uuid`.
                    identity.push(format!("{prefix}{named}"));
                    let default = fp
                        .defexpr
                        .as_deref()
                        .map(|d| format!(" DEFAULT {}", expression(d)))
                        .unwrap_or_default();
                    arguments.push(format!("{prefix}{named}{default}"));
                }
            }
        }
        let result = if !table_columns.is_empty() {
            format!("TABLE({})", table_columns.join(", "))
        } else {
            s.return_type
                .as_ref()
                .map(|t| {
                    let printed = without_modifiers(&self.type_of(t).0);
                    if t.setof {
                        format!("SETOF {printed}")
                    } else {
                        printed
                    }
                })
                // Without RETURNS: the one OUT parameter's type, a record for several.
                .unwrap_or_else(|| match out_types.as_slice() {
                    [] => "void".into(),
                    [one] => one.clone(),
                    _ => "record".into(),
                })
        };
        let mut function = Function {
            schema: q.schema.clone(),
            name: q.name.clone(),
            identity_arguments: identity.join(", "),
            arguments: arguments.join(", "),
            result,
            kind: if s.is_procedure {
                FunctionKind::Procedure
            } else {
                FunctionKind::Function
            },
            language: "sql".into(),
            security_definer: false,
            volatility: Volatility::Volatile,
            config: Vec::new(),
            owner: String::new(),
            extension: None,
            body: s.sql_body.as_deref().map(statement_text),
            comment: None,
            grants: Vec::new(),
            provenance: defined(at),
        };
        for (name, arg) in def_elems(&s.options) {
            match name.as_str() {
                "language" => function.language = arg.and_then(string_value).unwrap_or_default(),
                "as" => {
                    if let Some(N::List(l)) = arg.and_then(|a| a.node.as_ref()) {
                        function.body = l.items.first().and_then(string_value);
                    }
                }
                "volatility" => {
                    function.volatility = match arg.and_then(string_value).as_deref() {
                        Some("immutable") => Volatility::Immutable,
                        Some("stable") => Volatility::Stable,
                        _ => Volatility::Volatile,
                    }
                }
                "security" => function.security_definer = arg.is_some_and(boolean_value),
                "set" => {
                    if let Some(N::VariableSetStmt(v)) = arg.and_then(|a| a.node.as_ref()) {
                        let values: Vec<String> = v.args.iter().map(config_value).collect();
                        function
                            .config
                            .push(format!("{}={}", v.name, values.join(", ")));
                    }
                }
                _ => {}
            }
        }
        function.grants = self.function_grants(&q.schema);
        out.object = Some(format!("{q}({})", function.identity_arguments));
        let existing = self
            .functions_named(&q)
            .into_iter()
            .find(|&i| self.catalog.functions[i].identity_arguments == function.identity_arguments);
        match existing {
            Some(i) if s.replace => {
                function.provenance = self.catalog.functions[i].provenance.clone();
                function.provenance.altered.push(at.clone());
                function.grants = self.catalog.functions[i].grants.clone();
                self.catalog.functions[i] = function;
            }
            Some(_) => {
                return Err(format!(
                    "function {q}({}) already exists",
                    function.identity_arguments
                ))
            }
            None => self.catalog.functions.push(function),
        }
        Ok(())
    }

    /// Positions of the functions `f(types)` names: the overload whose argument types are
    /// those, or every overload when no argument list is given (`DROP FUNCTION f`).
    pub(super) fn overloads(&self, f: &pb::ObjectWithArgs) -> Vec<usize> {
        let mut found = self.functions_named(&qualified(&strings(&f.objname)));
        if f.args_unspecified {
            return found;
        }
        let types: Vec<String> = (f.objargs.iter())
            .filter_map(|a| match &a.node {
                Some(N::TypeName(t)) => Some(without_modifiers(&self.type_of(t).0)),
                _ => None,
            })
            .collect();
        found.retain(|&i| takes_arguments(&self.catalog.functions[i].identity_arguments, &types));
        found
    }

    /// `ALTER FUNCTION f(...) SET / RESET setting, SECURITY ..., STABLE ...`: the options a
    /// fix or a later migration changes in place.
    pub(super) fn alter_function(&mut self, s: &pb::AlterFunctionStmt, at: &Location) -> Applied {
        let Some(func) = &s.func else {
            return Ok(());
        };
        let q = qualified(&strings(&func.objname));
        let targets = self.overloads(func);
        if targets.is_empty() {
            return Err(format!("function {q} does not exist (yet)"));
        }
        for i in targets {
            let function = &mut self.catalog.functions[i];
            for (name, arg) in def_elems(&s.actions) {
                match name.as_str() {
                    "security" => function.security_definer = arg.is_some_and(boolean_value),
                    "volatility" => {
                        function.volatility = match arg.and_then(string_value).as_deref() {
                            Some("immutable") => Volatility::Immutable,
                            Some("stable") => Volatility::Stable,
                            _ => Volatility::Volatile,
                        }
                    }
                    "set" => {
                        let Some(N::VariableSetStmt(v)) = arg.and_then(|a| a.node.as_ref()) else {
                            continue;
                        };
                        let prefix = format!("{}=", v.name);
                        let reset = v.kind == pb::VariableSetKind::VarReset as i32;
                        let reset_all = v.kind == pb::VariableSetKind::VarResetAll as i32;
                        function
                            .config
                            .retain(|c| !reset_all && !c.starts_with(&prefix));
                        if !reset && !reset_all {
                            let values: Vec<String> = v.args.iter().map(config_value).collect();
                            function
                                .config
                                .push(format!("{prefix}{}", values.join(", ")));
                        }
                    }
                    _ => {}
                }
            }
            function.provenance.altered.push(at.clone());
        }
        Ok(())
    }

    /// The function a trigger runs. Unqualified, it is found on the search path: `public`,
    /// then the schema of an extension that brings a trigger function of that name
    /// (`moddatetime` in `extensions`, where Supabase puts extensions). Qualified with a
    /// platform schema that no file fills (`pgsodium.trg_encrypt()`), it is assumed.
    fn trigger_function(&mut self, names: &[String]) -> Result<QualifiedName, String> {
        let named = qualified(names);
        if !self.functions_named(&named).is_empty() {
            return Ok(named);
        }
        let from_extension = (names.len() == 1)
            .then(|| {
                self.catalog
                    .functions
                    .iter()
                    .find(|f| f.extension.is_some() && f.name == named.name)
            })
            .flatten();
        match from_extension {
            Some(f) => Ok(QualifiedName::new(&f.schema, &f.name)),
            None if names.len() > 1 && self.may_assume(&named.schema) => {
                self.assume_trigger_function(&named);
                Ok(named)
            }
            None => Err(format!("function {named}() does not exist (yet)")),
        }
    }

    pub(super) fn create_trigger(&mut self, s: &pb::CreateTrigStmt, at: &Location) -> Applied {
        let q = range_var(s.relation.as_ref());
        let function = self.trigger_function(&strings(&s.funcname))?;
        // pg_trigger.tgtype bits: 2 before, 64 instead of; 4 insert, 8 delete, 16 update, 32 truncate.
        let timing = if s.timing & 2 != 0 {
            TriggerTiming::Before
        } else if s.timing & 64 != 0 {
            TriggerTiming::InsteadOf
        } else {
            TriggerTiming::After
        };
        let events: Vec<TriggerEvent> = [
            (4, TriggerEvent::Insert),
            (16, TriggerEvent::Update),
            (8, TriggerEvent::Delete),
            (32, TriggerEvent::Truncate),
        ]
        .into_iter()
        .filter(|(bit, _)| s.events & bit != 0)
        .map(|(_, e)| e)
        .collect();
        let when = s.when_clause.as_deref().map(expression);
        let table = self
            .relation(&q)
            .cloned()
            .ok_or_else(|| format!("relation {q} does not exist (yet)"))?;
        let mut trigger = Trigger {
            name: s.trigname.clone(),
            timing,
            events,
            level: if s.row {
                TriggerLevel::Row
            } else {
                TriggerLevel::Statement
            },
            function,
            enabled: TriggerEnabled::Origin,
            definition: String::new(),
            provenance: defined(at),
        };
        trigger.definition = text::trigger(&trigger, &table, when.as_deref());
        let r = self.relation_mut(&q)?;
        match r.triggers.iter().position(|t| t.name == trigger.name) {
            Some(i) if s.replace => r.triggers[i] = trigger,
            Some(_) => return Err(format!("trigger {} on {q} already exists", trigger.name)),
            None => r.triggers.push(trigger),
        }
        Ok(())
    }

    pub(super) fn create_policy(&mut self, s: &pb::CreatePolicyStmt, at: &Location) -> Applied {
        let q = range_var(s.table.as_ref());
        let policy = Policy {
            name: s.policy_name.clone(),
            command: match s.cmd_name.as_str() {
                "select" => PolicyCommand::Select,
                "insert" => PolicyCommand::Insert,
                "update" => PolicyCommand::Update,
                "delete" => PolicyCommand::Delete,
                _ => PolicyCommand::All,
            },
            permissive: s.permissive,
            roles: role_names(&s.roles),
            using: s.qual.as_deref().map(expression),
            with_check: s.with_check.as_deref().map(expression),
            provenance: defined(at),
        };
        let r = self.relation_mut(&q)?;
        if r.policies.iter().any(|p| p.name == policy.name) {
            return Err(format!("policy \"{}\" for {q} already exists", policy.name));
        }
        r.policies.push(policy);
        Ok(())
    }

    pub(super) fn alter_policy(&mut self, s: &pb::AlterPolicyStmt, at: &Location) -> Applied {
        let q = range_var(s.table.as_ref());
        let r = self.relation_mut(&q)?;
        let p = r
            .policies
            .iter_mut()
            .find(|p| p.name == s.policy_name)
            .ok_or_else(|| format!("policy \"{}\" for {q} does not exist", s.policy_name))?;
        if !s.roles.is_empty() {
            p.roles = role_names(&s.roles);
        }
        if let Some(e) = &s.qual {
            p.using = Some(expression(e));
        }
        if let Some(e) = &s.with_check {
            p.with_check = Some(expression(e));
        }
        p.provenance.altered.push(at.clone());
        Ok(())
    }
}

/// A type as a function's argument or result holds it: without modifiers, which the server
/// drops there (`numeric(10,2)` is `numeric`, `vector(1536)` is `vector`).
fn without_modifiers(printed: &str) -> String {
    match printed.split_once('(') {
        Some((base, rest)) => format!("{base}{}", rest.split_once(')').map_or("", |r| r.1)),
        None => printed.to_string(),
    }
}

/// Whether an identity argument list (`target uuid, VARIADIC tags text[]`, names kept as
/// the server prints them) has exactly these argument types, in order. OUT parameters
/// are listed but do not identify the function.
fn takes_arguments(identity: &str, types: &[String]) -> bool {
    let arguments: Vec<&str> = if identity.is_empty() {
        Vec::new()
    } else {
        (identity.split(", "))
            .filter(|a| !a.starts_with("OUT "))
            .collect()
    };
    arguments.len() == types.len()
        && arguments
            .iter()
            .zip(types)
            .all(|(argument, t)| argument == t || argument.ends_with(&format!(" {t}")))
}

#[cfg(test)]
mod tests {
    use super::takes_arguments;

    #[test]
    fn an_overload_is_told_by_its_argument_types() {
        let types = |t: &[&str]| t.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(takes_arguments(
            "target uuid, n integer",
            &types(&["uuid", "integer"])
        ));
        assert!(takes_arguments("uuid", &types(&["uuid"])));
        assert!(takes_arguments("", &[]));
        assert!(!takes_arguments(
            "target uuid",
            &types(&["uuid", "integer"])
        ));
        assert!(!takes_arguments("target uuid", &types(&["text"])));
        assert!(takes_arguments("VARIADIC tags text[]", &types(&["text[]"])));
        assert!(takes_arguments(
            "b text, OUT status integer",
            &types(&["text"])
        ));
    }
}
