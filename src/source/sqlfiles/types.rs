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

/// Whether changing a column from `old` to `new` (both as the server prints them) is one
/// PostgreSQL makes in the catalog alone, rewriting no row and rebuilding no index: a
/// `varchar` made longer or unlimited, `varchar` to `text` and back to an unlimited
/// `varchar`, a `numeric` given more digits before the point, or no change at all.
pub fn widens_in_place(old: &str, new: &str) -> bool {
    const VARCHAR: &str = "character varying";
    let limit = |t: &str, base: &str| -> Option<Option<Vec<u32>>> {
        let rest = t.strip_prefix(base)?;
        if rest.is_empty() {
            return Some(None);
        }
        let inner = rest.strip_prefix('(')?.strip_suffix(')')?;
        let numbers: Option<Vec<u32>> = inner.split(',').map(|n| n.trim().parse().ok()).collect();
        numbers.map(Some)
    };
    if old == new {
        return true;
    }
    let text_like = |t: &str| t == "text" || t == VARCHAR;
    if let (Some(o), Some(n)) = (limit(old, VARCHAR), limit(new, VARCHAR)) {
        return match (o, n) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(o), Some(n)) => n.first() >= o.first(),
        };
    }
    if new == "text" && limit(old, VARCHAR).is_some() || old == "text" && text_like(new) {
        return true;
    }
    if let (Some(o), Some(n)) = (limit(old, "numeric"), limit(new, "numeric")) {
        return match (o.as_deref(), n.as_deref()) {
            (_, None) => true,
            (Some([p, s]), Some([p2, s2])) => s == s2 && p2 >= p,
            (Some([p]), Some([p2])) => p2 >= p,
            _ => false,
        };
    }
    false
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

    #[test]
    fn widening_in_place_is_what_postgresql_does_without_a_rewrite() {
        for (old, new) in [
            ("character varying(100)", "character varying(254)"),
            ("character varying(100)", "character varying"),
            ("character varying(100)", "text"),
            ("character varying", "text"),
            ("text", "character varying"),
            ("numeric(10,2)", "numeric(12,2)"),
            ("numeric(10,2)", "numeric"),
            ("integer", "integer"),
        ] {
            assert!(widens_in_place(old, new), "{old} -> {new}");
        }
        for (old, new) in [
            ("character varying(254)", "character varying(100)"),
            ("text", "character varying(100)"),
            ("character varying", "character varying(10)"),
            ("numeric(10,2)", "numeric(12,3)"),
            ("numeric", "numeric(12,2)"),
            ("integer", "bigint"),
            ("character(2)", "text"),
            ("timestamp without time zone", "timestamp with time zone"),
        ] {
            assert!(!widens_in_place(old, new), "{old} -> {new}");
        }
    }
}
