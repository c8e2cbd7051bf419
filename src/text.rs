//! Text from a schema made safe to show. Names, comments and policy expressions come from
//! whoever created the objects, so they can hold anything: a newline that ends a SQL
//! comment, an escape sequence that retitles the terminal or loads its paste buffer, a
//! right-to-left override that makes `admin` read as `nimda`, a zero-width space that makes
//! two names look equal. Everything pglens writes to a terminal or a Markdown file goes
//! through [`visible`] (one line) or [`visible_lines`] (keeps line breaks and tabs), which
//! show such characters as escapes the way `ls -b` and git do: `\n`, `\x1b`, `\u{202e}`.
//!
//! JSON and SARIF escape control characters themselves; SQL text quotes them inside
//! identifiers and literals (`sql::ident`, `sql::literal`) and comments go through
//! `sql::comment`, which uses [`visible`].

use std::borrow::Cow;

/// True for a character that must not reach a terminal as it is: C0 and C1 controls, DEL,
/// bidirectional formatting, zero-width and other invisible formatting characters, and the
/// Unicode line and paragraph separators.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{061C}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2069}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
        )
}

/// One line of text with every unsafe character shown as an escape.
pub fn visible(s: &str) -> Cow<'_, str> {
    escape(s, false)
}

/// Like [`visible`], but line breaks (`\n`) and tabs stay: for SQL bodies and other
/// multi-line text. A carriage return is still shown, since it rewrites the line on screen.
pub fn visible_lines(s: &str) -> Cow<'_, str> {
    escape(s, true)
}

fn escape(s: &str, keep_lines: bool) -> Cow<'_, str> {
    let keep = |c: char| keep_lines && (c == '\n' || c == '\t');
    if !s.chars().any(|c| is_unsafe(c) && !keep(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !is_unsafe(c) || keep(c) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
        }
    }
    Cow::Owned(out)
}

/// A serialized JSON document with the invisible and C1 characters that JSON allows raw
/// written as `\uXXXX` escapes, so the document is safe to print on a terminal. (serde
/// escapes the ASCII controls itself; non-ASCII characters can only occur inside strings,
/// where an escape means the same.)
pub fn json_escaped(json: String) -> String {
    // serde escapes C0 controls but not DEL or anything beyond ASCII.
    let inside_strings = |c: char| (!c.is_ascii() || c == '\x7f') && is_unsafe(c);
    if !json.chars().any(inside_strings) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if inside_strings(c) {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// serde_json's pretty printer that also writes the characters [`json_escaped`] escapes as
/// `\uXXXX`, string fragment by string fragment, so a document can be streamed to its
/// writer instead of built as one string first.
pub struct EscapingFormatter(pub serde_json::ser::PrettyFormatter<'static>);

impl serde_json::ser::Formatter for EscapingFormatter {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let inside_strings = |c: char| (!c.is_ascii() || c == '\x7f') && is_unsafe(c);
        let mut rest = fragment;
        while let Some((at, c)) = rest.char_indices().find(|(_, c)| inside_strings(*c)) {
            writer.write_all(&rest.as_bytes()[..at])?;
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                write!(writer, "\\u{u:04x}")?;
            }
            rest = &rest[at + c.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }

    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// The first `shown` items joined with `, `, then `and N more` for the rest: how a finding
/// about many objects names them.
pub fn first_and_more<S: AsRef<str>>(
    items: impl ExactSizeIterator<Item = S>,
    shown: usize,
) -> String {
    let total = items.len();
    let listed: Vec<S> = items.take(shown).collect();
    let names: Vec<&str> = listed.iter().map(AsRef::as_ref).collect();
    let more = total.saturating_sub(names.len());
    if more > 0 {
        format!("{} and {more} more", names.join(", "))
    } else {
        names.join(", ")
    }
}

/// Lower case, without whitespace or parentheses: how rules compare two spellings of one
/// SQL condition (`(bucket_id = 'a'::text)` and `bucket_id='a'`) after removing what
/// they ignore.
pub fn squeezed(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '(' && *c != ')')
        .collect()
}

/// Orders names the way people count: `t_2` before `t_10`.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let (mut x, mut y) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return std::cmp::Ordering::Equal,
            (None, Some(_)) => return std::cmp::Ordering::Less,
            (Some(_), None) => return std::cmp::Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let take = |it: &mut std::iter::Peekable<std::str::Chars<'_>>| {
                    let mut n = String::new();
                    while let Some(ch) = it.peek().copied().filter(char::is_ascii_digit) {
                        n.push(ch);
                        it.next();
                    }
                    n
                };
                let (m, n) = (take(&mut x), take(&mut y));
                let (m, n) = (m.trim_start_matches('0'), n.trim_start_matches('0'));
                let order = m.len().cmp(&n.len()).then_with(|| m.cmp(n));
                if order != std::cmp::Ordering::Equal {
                    return order;
                }
            }
            (Some(c), Some(d)) => {
                if c != d {
                    return c.cmp(&d);
                }
                x.next();
                y.next();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn first_and_more_counts_the_rest() {
        assert_eq!(first_and_more(["a", "b"].iter(), 5), "a, b");
        assert_eq!(first_and_more(["a", "b", "c"].iter(), 2), "a, b and 1 more");
    }

    #[test]
    fn natural_order() {
        let mut v = vec!["t_10", "t_2", "t_1", "s", "t_02"];
        v.sort_by(|a, b| super::natural_cmp(a, b));
        assert_eq!(v, ["s", "t_1", "t_2", "t_02", "t_10"]);
    }

    use super::*;

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        assert!(matches!(visible("public.users ü 表"), Cow::Borrowed(_)));
    }

    #[test]
    fn controls_and_invisible_characters_are_shown() {
        assert_eq!(visible("a\nb"), "a\\nb");
        assert_eq!(visible("x\x1b]2;owned\x07"), "x\\x1b]2;owned\\x07");
        assert_eq!(visible("\u{202e}nimda"), "\\u{202e}nimda");
        assert_eq!(visible("us\u{200b}ers"), "us\\u{200b}ers");
        assert_eq!(visible("\u{9b}31m"), "\\x9b31m");
        assert_eq!(visible("a\u{2028}b"), "a\\u{2028}b");
    }

    #[test]
    fn json_keeps_its_meaning_and_loses_invisible_characters() {
        let doc = serde_json::json!({ "name": "a\u{202e}b\u{9b}c\n" }).to_string();
        let safe = json_escaped(doc);
        assert_eq!(safe, r#"{"name":"a\u202eb\u009bc\n"}"#);
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["name"], "a\u{202e}b\u{9b}c\n");
    }

    #[test]
    fn multi_line_text_keeps_newlines_and_tabs_only() {
        assert_eq!(visible_lines("a\n\tb\r\x1b"), "a\n\tb\\r\\x1b");
    }
}
