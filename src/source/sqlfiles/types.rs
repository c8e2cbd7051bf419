//! Type names as the server prints them (`format_type`): `int` is `integer`, `varchar(50)`
//! is `character varying(50)`, `timestamptz` is `timestamp with time zone`. Types outside
//! `pg_catalog` keep their schema (`public.lead_status`), as introspection prints them.

/// The printed name of a built-in type given its parser name (`int4`, `varchar`, ...) and
/// modifiers, or None when it is not a built-in.
pub fn builtin(name: &str, typmods: &[String]) -> Option<String> {
    let mods = if typmods.is_empty() {
        String::new()
    } else {
        format!("({})", typmods.join(","))
    };
    let plain = |n: &str| Some(format!("{n}{mods}"));
    match name {
        "int4" | "int" | "integer" => plain("integer"),
        "int8" | "bigint" => plain("bigint"),
        "int2" | "smallint" => plain("smallint"),
        "float8" => plain("double precision"),
        "float4" | "real" => plain("real"),
        "bool" | "boolean" => plain("boolean"),
        "numeric" | "decimal" => plain("numeric"),
        "varchar" => plain("character varying"),
        "bpchar" | "char" => Some(format!(
            "character{}",
            if mods.is_empty() { "(1)".into() } else { mods }
        )),
        "timestamptz" => Some(with_precision("timestamp", &mods, "with time zone")),
        "timestamp" => Some(with_precision("timestamp", &mods, "without time zone")),
        "timetz" => Some(with_precision("time", &mods, "with time zone")),
        "time" => Some(with_precision("time", &mods, "without time zone")),
        "text" | "uuid" | "jsonb" | "json" | "date" | "interval" | "bytea" | "inet" | "cidr"
        | "macaddr" | "money" | "xml" | "tsvector" | "tsquery" | "oid" | "name" | "regclass"
        | "regproc" | "regtype" | "point" | "int4range" | "int8range" | "tstzrange"
        | "daterange" | "numrange" | "bit" | "varbit" | "record" | "void" | "trigger"
        | "anyelement" | "cstring" => plain(name),
        _ => None,
    }
}

/// `timestamp(3) with time zone`: the precision goes after the base name.
fn with_precision(base: &str, mods: &str, zone: &str) -> String {
    format!("{base}{mods} {zone}")
}

/// The serial pseudo-types: the integer type they stand for.
pub fn serial(name: &str) -> Option<&'static str> {
    match name {
        "serial" | "serial4" => Some("integer"),
        "bigserial" | "serial8" => Some("bigint"),
        "smallserial" | "serial2" => Some("smallint"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_print_as_the_server_prints_them() {
        assert_eq!(builtin("int4", &[]).unwrap(), "integer");
        assert_eq!(
            builtin("varchar", &["50".into()]).unwrap(),
            "character varying(50)"
        );
        assert_eq!(
            builtin("timestamptz", &[]).unwrap(),
            "timestamp with time zone"
        );
        assert_eq!(
            builtin("numeric", &["10".into(), "2".into()]).unwrap(),
            "numeric(10,2)"
        );
        assert_eq!(builtin("lead_status", &[]), None);
    }
}
