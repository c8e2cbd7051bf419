//! What the extensions that applications create most often bring with them, as far as
//! migration files use it without defining it: column types (`vector(1536)`, `citext`,
//! `geometry`) and trigger functions (`moddatetime(updated_at)`). A file that creates the
//! extension and then uses them applies as it does on a server; pglens does not model the
//! extensions' other members, and audits none of them (they are not the application's).

use crate::model::{Function, FunctionKind, Provenance, Volatility};

/// The types and trigger functions of `extension`, empty for one pglens does not know.
pub(super) fn members(extension: &str) -> Members {
    let (types, trigger_functions): (&[&str], &[&str]) = match extension {
        "vector" => (&["vector", "halfvec", "sparsevec"], &[]),
        "postgis" => (&["geometry", "geography", "box2d", "box3d"], &[]),
        "citext" => (&["citext"], &[]),
        "hstore" => (&["hstore"], &[]),
        "ltree" => (&["ltree", "lquery", "ltxtquery"], &[]),
        "cube" => (&["cube"], &[]),
        "earthdistance" => (&["earth"], &[]),
        "isn" => (&["isbn", "isbn13", "issn", "ean13", "upc"], &[]),
        "seg" => (&["seg"], &[]),
        "lo" => (&["lo"], &["lo_manage"]),
        "moddatetime" => (&[], &["moddatetime"]),
        "insert_username" => (&[], &["insert_username"]),
        "autoinc" => (&[], &["autoinc"]),
        "tcn" => (&[], &["triggered_change_notification"]),
        _ => (&[], &[]),
    };
    Members {
        types,
        trigger_functions,
    }
}

pub(super) struct Members {
    pub types: &'static [&'static str],
    pub trigger_functions: &'static [&'static str],
}

/// A trigger function that is not the application's (`moddatetime`, an extension's; a
/// platform's stand-in), as the catalog lists an extension's: neither the audit nor a diff
/// counts it.
pub(super) fn trigger_function(schema: &str, name: &str, extension: &str) -> Function {
    Function {
        schema: schema.into(),
        name: name.into(),
        identity_arguments: String::new(),
        arguments: String::new(),
        result: "trigger".into(),
        kind: FunctionKind::Function,
        language: "c".into(),
        security_definer: false,
        volatility: Volatility::Volatile,
        config: Vec::new(),
        owner: String::new(),
        extension: Some(extension.into()),
        body: None,
        comment: None,
        grants: Vec::new(),
        provenance: Provenance::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_extensions_bring_their_types_and_trigger_functions() {
        assert!(members("vector").types.contains(&"vector"));
        assert_eq!(members("moddatetime").trigger_functions, ["moddatetime"]);
        assert!(members("pg_trgm").types.is_empty());
    }
}
