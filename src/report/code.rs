//! `pglens refs`: where the application's code names each table, view and function.

use std::fmt::Write;

use crate::model::code::{CodeReferences, ObjectReferences, ReferencedKind};
use crate::text::visible;

/// References listed per object in the text form; the JSON form lists them all.
const SHOWN_PER_OBJECT: usize = 10;

/// The text form: what was searched, the objects the code does not use (the cleanup's
/// question; with what merely names them), then the used ones with their first references.
pub fn text(code: &CodeReferences) -> String {
    let mut out = String::new();
    let roots: Vec<String> = code.roots.iter().map(|r| visible(r).into_owned()).collect();
    let _ = writeln!(
        out,
        "searched {} {} in {} for {} tables, views and functions",
        code.files,
        if code.files == 1 { "file" } else { "files" },
        roots.join(", "),
        code.objects.len()
    );
    let (used, unused): (Vec<&ObjectReferences>, Vec<&ObjectReferences>) = code
        .objects
        .iter()
        .partition(|o| crate::model::code::uses(&o.references) > 0);
    let _ = writeln!(out, "\nnot used ({}):", unused.len());
    for o in &unused {
        if o.references.is_empty() {
            let _ = writeln!(out, "  {}", title(o));
        } else {
            object(&mut out, o, code.files);
        }
    }
    let _ = writeln!(out, "\nused ({}):", used.len());
    for o in &used {
        object(&mut out, o, code.files);
    }
    out
}

/// One object with its summary and first references.
fn object(out: &mut String, o: &ObjectReferences, files: usize) {
    let summary = crate::model::code::summary(&o.references, files);
    let _ = writeln!(out, "  {}: {}", title(o), visible(&summary));
    for r in o.references.iter().take(SHOWN_PER_OBJECT) {
        let _ = writeln!(
            out,
            "    {}:{}  {}",
            visible(&r.file),
            r.line,
            r.how.as_str()
        );
    }
    if o.references.len() > SHOWN_PER_OBJECT {
        let _ = writeln!(
            out,
            "    ... {} more (--format json lists them all)",
            o.references.len() - SHOWN_PER_OBJECT
        );
    }
}

fn title(o: &ObjectReferences) -> String {
    let kind = match o.kind {
        ReferencedKind::Table => "table",
        ReferencedKind::View => "view",
        ReferencedKind::Function => "function",
    };
    format!("{}.{} ({kind})", visible(&o.schema), visible(&o.name))
}

/// The JSON form: `roots`, `files`, and `objects`, each with `schema`, `name`, `kind` and
/// `references` (`file`, `line`, `how`).
pub fn json(code: &CodeReferences) -> String {
    crate::text::json_escaped(serde_json::to_string_pretty(code).unwrap_or_default() + "\n")
}
