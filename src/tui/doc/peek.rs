//! One row of a peek in full (Space or Enter in the row peek): every column's value on its
//! own line, long values wrapped, NULL told apart from the text "NULL".

use super::{Doc, Kind};
use crate::model::QualifiedName;
use crate::source::live::peek::Peek;

/// How SQL NULL is shown: in brackets, so it never reads as the text `NULL`.
pub const NULL: &str = "[NULL]";

/// The `index`th row read of `table`, or None past the last.
pub fn doc(table: &QualifiedName, peek: &Peek, index: usize) -> Option<Doc> {
    let row = peek.rows.get(index)?;
    let mut doc = Doc::new(&format!(
        "{table}: row {} of {}{}",
        index + 1,
        peek.rows.len(),
        if peek.more { "+" } else { "" }
    ));
    for (column, value) in peek.columns.iter().zip(row) {
        match value {
            Some(v) => doc.field(column, v),
            None => doc.line(Kind::Muted, &format!("{column}: {NULL}")),
        }
    }
    if !peek.hidden.is_empty() {
        doc.blank();
        doc.line(
            Kind::Muted,
            &format!("not readable by {}: {}", peek.user, peek.hidden.join(", ")),
        );
    }
    Some(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_is_not_the_text_null_and_hidden_columns_are_named() {
        let peek = Peek {
            user: "anon".into(),
            rls_active: true,
            columns: vec!["id".into(), "note".into(), "said".into()],
            hidden: vec!["secret".into()],
            rows: vec![vec![Some("1".into()), None, Some("NULL".into())]],
            more: true,
        };
        let d = doc(&QualifiedName::new("public", "t"), &peek, 0).unwrap();
        assert_eq!(d.title, "public.t: row 1 of 1+");
        let lines: Vec<(Kind, &str)> = d.lines.iter().map(|l| (l.kind, l.text.as_str())).collect();
        assert_eq!(lines[1], (Kind::Muted, "note: [NULL]"));
        assert_eq!(lines[2], (Kind::Label, "said: NULL"));
        assert_eq!(lines[4], (Kind::Muted, "not readable by anon: secret"));
        assert!(doc(&QualifiedName::new("public", "t"), &peek, 1).is_none());
    }
}
