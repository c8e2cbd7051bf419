//! Building SQL text: the only module that does. Every identifier and literal pglens writes
//! into SQL goes through [`ident`] or [`literal`]; nothing else in the program formats
//! user-controlled names into SQL.
//!
//! - this file: quoting;
//! - `index.rs`: `CREATE INDEX` rendered from the model (the server's text is not fetched);
//! - `fix.rs`: the statements audit findings suggest;
//! - `initplan.rs`: auth calls in policy conditions wrapped to run once per statement.
//! - `catalog.rs`: constraint and trigger text as the server prints it, for offline models;
//! - `cleanup.rs`: the cleanup script's merges, drops and restores;
//! - `ddl.rs`: definitions reconstructed from the model;
//! - reading: `do_block.rs` finds the DDL a `DO` block runs on a fresh database;
//! - reading, not building: `mentions.rs` finds the tables a function body or a policy
//!   names with PostgreSQL's own parser, which `parse.rs` runs on a deep stack.

pub mod cast_literals;
pub mod catalog;
pub mod cleanup;
pub mod ddl;
pub mod do_block;
pub mod fix;
pub mod index;
pub mod initplan;
pub mod mentions;
pub mod parse;
pub mod workload;

pub use index::create_index;

use crate::model::QualifiedName;

/// Quotes an identifier the way PostgreSQL's `quote_ident` does: bare when it is a plain
/// lower-case name that is not a keyword, double-quoted (with `"` doubled) otherwise.
/// A name holding a control or invisible character (see [`crate::text::is_unsafe`]) is
/// written in the `U&"..."` form with that character as an escape, so generated SQL never
/// carries a raw newline or escape sequence that could end a comment or reach a terminal.
pub fn ident(name: &str) -> String {
    if is_bare_identifier(name) {
        name.to_string()
    } else if name.chars().any(crate::text::is_unsafe) {
        let mut out = String::from("U&\"");
        for c in name.chars() {
            match c {
                '"' => out.push_str("\"\""),
                '\\' => out.push_str("\\\\"),
                c if crate::text::is_unsafe(c) => out.push_str(&format!("\\+{:06X}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// `schema.name`, each part quoted as needed.
pub fn qualified(schema: &str, name: &str) -> String {
    format!("{}.{}", ident(schema), ident(name))
}

/// A [`QualifiedName`], quoted.
pub fn qualified_name(q: &QualifiedName) -> String {
    qualified(&q.schema, &q.name)
}

/// A string literal. Uses the `E''` form when the text holds a backslash, so the result means
/// the same whatever `standard_conforming_strings` is set to, and for control or invisible
/// characters, which it writes as escapes so they never appear raw in SQL text: `\n` and
/// `\t` for line breaks and tabs (a multi-line comment stays readable), `\U` for the rest.
pub fn literal(value: &str) -> String {
    let doubled = value.replace('\'', "''");
    if !value.contains('\\') && !value.chars().any(crate::text::is_unsafe) {
        return format!("'{doubled}'");
    }
    let mut out = String::from("E'");
    for c in doubled.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if crate::text::is_unsafe(c) => out.push_str(&format!("\\U{:08X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// One `-- ` comment line (without its newline) that cannot end early: line breaks and
/// other control characters in `text` are shown as escapes, so a name or note can never
/// smuggle a statement out of the comment.
pub fn comment(text: &str) -> String {
    format!("-- {}", crate::text::visible(text))
}

/// SQL text printed by a server or a parser (a policy condition, a default, a view) with
/// every quoted identifier and string constant that holds a control or invisible character
/// rewritten in escape form (`U&"..."`, `E'\U...'`), so the text can go to a clipboard, a
/// file or a terminal without a raw escape sequence in it. Line breaks and tabs inside
/// strings stay; a carriage return outside them becomes a line break. Comments, dollar
/// bodies and strings with another prefix (`U&'...'`, `N'...'`, `B'...'`, `X'...'`) are
/// copied as they are: rewriting them could change what they mean.
pub fn printable(sql: &str) -> std::borrow::Cow<'_, str> {
    let hostile = |c: char| crate::text::is_unsafe(c) && c != '\n' && c != '\t';
    if !sql.chars().any(crate::text::is_unsafe) {
        return std::borrow::Cow::Borrowed(sql);
    }
    let chars: Vec<char> = sql.chars().collect();
    let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    // The run of word characters just before `i` (a string's prefix, such as `E`).
    let word_before = |i: usize| {
        let start = (0..i)
            .rev()
            .take_while(|&j| is_word(chars[j]))
            .last()
            .unwrap_or(i);
        chars[start..i].iter().collect::<String>()
    };
    // `U&` right before `i`, not as the end of a longer word.
    let unicode_prefix = |i: usize| {
        i >= 2
            && chars[i - 1] == '&'
            && matches!(chars[i - 2], 'U' | 'u')
            && (i < 3 || !is_word(chars[i - 3]))
    };
    let mut out = String::with_capacity(sql.len() + 16);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let end = match c {
            '-' if next == Some('-') => {
                let end = (i..chars.len())
                    .find(|&j| matches!(chars[j], '\n' | '\r'))
                    .unwrap_or(chars.len());
                out.extend(&chars[i..end]);
                end
            }
            '/' if next == Some('*') => {
                let end = block_comment_end(&chars, i);
                out.extend(&chars[i..end]);
                end
            }
            '"' => {
                // In a name even a line break is no layout: any unsafe character counts.
                let (content, end) = quoted(&chars, i, '"');
                if unicode_prefix(i) || !content.chars().any(crate::text::is_unsafe) {
                    out.extend(&chars[i..end]);
                } else {
                    out.push_str(&ident(&content));
                }
                end
            }
            '\'' => {
                let prefix = word_before(i);
                if matches!(prefix.as_str(), "E" | "e") {
                    escape_string(&chars, i, &mut out, hostile)
                } else {
                    let (content, end) = quoted(&chars, i, '\'');
                    if prefix.is_empty() && !unicode_prefix(i) && content.chars().any(hostile) {
                        out.push_str(&literal(&content));
                    } else {
                        out.extend(&chars[i..end]);
                    }
                    end
                }
            }
            '$' if !word_before(i).is_empty() => {
                out.push(c);
                i + 1
            }
            '$' => {
                let end = dollar_quote_end(&chars, i);
                out.extend(&chars[i..end]);
                end
            }
            '\r' => {
                // Whitespace here: CRLF and lone CR become one line break.
                out.push('\n');
                if next == Some('\n') {
                    i + 2
                } else {
                    i + 1
                }
            }
            _ => {
                out.push(c);
                i + 1
            }
        };
        i = end.max(i + 1);
    }
    std::borrow::Cow::Owned(out)
}

/// Copies the `E'...'` string starting at `start` into `out` with its raw control and
/// invisible characters as `\U` escapes (a backslash before one is dropped: `\<c>` means
/// `<c>` there). Returns the index after it.
fn escape_string(
    chars: &[char],
    start: usize,
    out: &mut String,
    hostile: impl Fn(char) -> bool,
) -> usize {
    out.push('\'');
    let mut i = start + 1;
    while i < chars.len() {
        match (chars[i], chars.get(i + 1).copied()) {
            ('\\', Some(h)) if hostile(h) => {
                out.push_str(&format!("\\U{:08X}", h as u32));
                i += 2;
            }
            ('\\', Some(n)) => {
                out.push('\\');
                out.push(n);
                i += 2;
            }
            ('\'', Some('\'')) => {
                out.push_str("''");
                i += 2;
            }
            ('\'', _) => {
                out.push('\'');
                return i + 1;
            }
            (h, _) if hostile(h) => {
                out.push_str(&format!("\\U{:08X}", h as u32));
                i += 1;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    i
}

/// The index after the (nested) `/* ... */` comment starting at `start`.
fn block_comment_end(chars: &[char], start: usize) -> usize {
    let mut depth = 0;
    let mut i = start;
    while i + 1 < chars.len() {
        match (chars[i], chars[i + 1]) {
            ('/', '*') => {
                depth += 1;
                i += 2;
            }
            ('*', '/') => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return i;
                }
            }
            _ => i += 1,
        }
    }
    chars.len()
}

/// The index after the dollar-quoted body starting at `start` (`$tag$ ... $tag$`), or just
/// after the `$` when it starts none (a parameter such as `$1`).
fn dollar_quote_end(chars: &[char], start: usize) -> usize {
    let tag_end = chars[start + 1..]
        .iter()
        .position(|c| !(c.is_alphanumeric() || *c == '_'))
        .map(|p| start + 1 + p);
    let Some(e) = tag_end.filter(|&e| chars[e] == '$' && !chars[start + 1].is_ascii_digit()) else {
        return start + 1;
    };
    let tag = &chars[start..=e];
    (e + 1..chars.len())
        .find(|&j| chars[j..].starts_with(tag))
        .map_or(chars.len(), |j| j + tag.len())
}

/// The content of the quoted token starting at `start` (doubled quotes undone) and the
/// index just past its closing quote.
fn quoted(chars: &[char], start: usize, quote: char) -> (String, usize) {
    let mut content = String::new();
    let mut i = start + 1;
    while i < chars.len() {
        if chars[i] == quote {
            if chars.get(i + 1) == Some(&quote) {
                content.push(quote);
                i += 2;
                continue;
            }
            return (content, i + 1);
        }
        content.push(chars[i]);
        i += 1;
    }
    (content, chars.len())
}

fn is_bare_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    let starts_well = chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_');
    starts_well
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$')
        && !is_keyword(name)
}

/// Keywords that `quote_ident` quotes: reserved, type/function-name and column-name keywords
/// (PostgreSQL's kwlist.h, categories other than UNRESERVED_KEYWORD).
fn is_keyword(name: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "all",
        "analyse",
        "analyze",
        "and",
        "any",
        "array",
        "as",
        "asc",
        "asymmetric",
        "authorization",
        "between",
        "bigint",
        "binary",
        "bit",
        "boolean",
        "both",
        "case",
        "cast",
        "char",
        "character",
        "check",
        "coalesce",
        "collate",
        "collation",
        "column",
        "concurrently",
        "constraint",
        "create",
        "cross",
        "current_catalog",
        "current_date",
        "current_role",
        "current_schema",
        "current_time",
        "current_timestamp",
        "current_user",
        "dec",
        "decimal",
        "default",
        "deferrable",
        "desc",
        "distinct",
        "do",
        "else",
        "end",
        "except",
        "exists",
        "extract",
        "false",
        "fetch",
        "float",
        "for",
        "foreign",
        "freeze",
        "from",
        "full",
        "grant",
        "greatest",
        "group",
        "grouping",
        "having",
        "ilike",
        "in",
        "initially",
        "inner",
        "inout",
        "int",
        "integer",
        "intersect",
        "interval",
        "into",
        "is",
        "isnull",
        "join",
        "json",
        "json_array",
        "json_arrayagg",
        "json_exists",
        "json_object",
        "json_objectagg",
        "json_query",
        "json_scalar",
        "json_serialize",
        "json_table",
        "json_value",
        "lateral",
        "leading",
        "least",
        "left",
        "like",
        "limit",
        "localtime",
        "localtimestamp",
        "merge_action",
        "national",
        "natural",
        "nchar",
        "none",
        "normalize",
        "not",
        "notnull",
        "null",
        "nullif",
        "numeric",
        "offset",
        "on",
        "only",
        "or",
        "order",
        "out",
        "outer",
        "overlaps",
        "overlay",
        "placing",
        "position",
        "precision",
        "primary",
        "real",
        "references",
        "returning",
        "right",
        "row",
        "select",
        "session_user",
        "setof",
        "similar",
        "smallint",
        "some",
        "substring",
        "symmetric",
        "system_user",
        "table",
        "tablesample",
        "then",
        "time",
        "timestamp",
        "to",
        "trailing",
        "treat",
        "trim",
        "true",
        "union",
        "unique",
        "user",
        "using",
        "values",
        "varchar",
        "variadic",
        "verbose",
        "when",
        "where",
        "window",
        "with",
        "xmlattributes",
        "xmlconcat",
        "xmlelement",
        "xmlexists",
        "xmlforest",
        "xmlnamespaces",
        "xmlparse",
        "xmlpi",
        "xmlroot",
        "xmlserialize",
        "xmltable",
    ];
    KEYWORDS.binary_search(&name).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_sorted_for_binary_search() {
        assert!(is_keyword("select") && is_keyword("user") && is_keyword("order"));
        assert!(!is_keyword("name") && !is_keyword("status"));
    }

    #[test]
    fn identifiers_quote_like_quote_ident() {
        assert_eq!(ident("leads"), "leads");
        assert_eq!(ident("_x1$"), "_x1$");
        assert_eq!(ident("Leads"), "\"Leads\"");
        assert_eq!(ident("user"), "\"user\"");
        assert_eq!(ident("we\"ird; table"), "\"we\"\"ird; table\"");
        assert_eq!(ident("Ünïcødé 列"), "\"Ünïcødé 列\"");
        assert_eq!(ident(""), "\"\"");
        assert_eq!(ident("1abc"), "\"1abc\"");
        assert_eq!(qualified("Mixed Case", "t"), "\"Mixed Case\".t");
    }

    #[test]
    fn literals_escape_quotes_and_backslashes() {
        assert_eq!(literal("it's"), "'it''s'");
        assert_eq!(literal(r"a\b"), r"E'a\\b'");
        assert_eq!(literal(r"a\'b"), r"E'a\\''b'");
    }

    #[test]
    fn control_characters_never_appear_raw_in_sql_text() {
        assert_eq!(ident("inj\nDROP"), r#"U&"inj\+00000ADROP""#);
        assert_eq!(ident("a\\\x1b\""), r#"U&"a\\\+00001B""""#);
        assert_eq!(literal("a\nb'"), r"E'a\nb'''");
        assert_eq!(literal("a\tb\x1b"), r"E'a\tb\U0000001B'");
        assert_eq!(comment("t\nDROP TABLE x; --"), r"-- t\nDROP TABLE x; --");
        assert_eq!(comment("a\rb"), r"-- a\rb");
    }

    #[test]
    fn printed_sql_loses_raw_control_characters_and_keeps_its_meaning() {
        assert_eq!(
            printable("(\"c\x1b\" = 'a\x07''b')"),
            r#"(U&"c\+00001B" = E'a\U00000007''b')"#
        );
        assert_eq!(printable("x = E'a\\'\x1b'"), r"x = E'a\'\U0000001B'");
        assert_eq!(
            printable("$f$ \x1b $f$ || '\x1b'"),
            "$f$ \x1b $f$ || E'\\U0000001B'"
        );
        assert_eq!(printable("$1 = 'it''s\n'"), "$1 = 'it''s\n'");
        assert_eq!(printable("a\rb"), "a\nb");
    }

    #[test]
    fn printable_keeps_the_meaning_of_what_it_cannot_rewrite() {
        // A quote inside a block comment opens nothing; CRLF becomes LF.
        assert_eq!(
            printable("/* 12\" pipe */\r\n a int, b \"Name\""),
            "/* 12\" pipe */\n a int, b \"Name\""
        );
        // U& identifiers and strings, and N'' strings, are copied as they are.
        assert_eq!(
            printable("U&\"a\x07\" || U&'b\x07' || N'c\x07'\r"),
            "U&\"a\x07\" || U&'b\x07' || N'c\x07'\n"
        );
        // In an escape string a backslash before a raw character means that character.
        assert_eq!(printable("E'\\\x1b'"), "E'\\U0000001B'");
        assert_eq!(printable("E'\\n\x1b'"), "E'\\n\\U0000001B'");
        // A lone $ or E' at the edges does not panic.
        for odd in ["$", "E'", "'", "\"", "/*", "--", "$a", "$$\x1b", "\x1b$"] {
            let _ = printable(odd);
        }
    }
}
