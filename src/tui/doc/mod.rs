//! Text the explorer shows in full and scrolls: the Definition tab, one selected row (a
//! policy with its whole `USING`, an index, a column) and a finding with its fix. A [`Doc`]
//! is built from the model by the functions in this module's files, wrapped here, and
//! both the update (which clamps the scroll offset) and the view (which draws the lines)
//! use the same wrapping, so "the last line" means the same thing to both.
//!
//! - `definition.rs`: the Definition tab's SQL;
//! - `row.rs`: a row of the Columns, Indexes, Constraints, Policies or Triggers tab;
//! - `finding.rs`: a finding, its rationale and its fix;
//! - `access.rs`: one role's access to a table;
//! - `peek.rs`: one row the row peek read.

pub mod access;
pub mod definition;
pub mod finding;
pub mod peek;
pub mod row;

use unicode_width::UnicodeWidthChar;

/// How a line is drawn; the view maps each kind to a theme style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// SQL: keywords highlighted.
    Sql,
    /// A field's name or a section heading.
    Label,
    /// Secondary text: rationale, notes, hints.
    Muted,
    /// A rule id, a state worth noticing.
    Accent,
    Critical,
    Warning,
    Info,
}

impl Kind {
    /// A severity's kind and the symbol that marks it without colour.
    pub fn of_severity(s: crate::audit::Severity) -> (Kind, &'static str) {
        match s {
            crate::audit::Severity::Critical => (Kind::Critical, "✖"),
            crate::audit::Severity::Warning => (Kind::Warning, "▲"),
            crate::audit::Severity::Info => (Kind::Info, "●"),
        }
    }
}

/// One line before wrapping. Its text is safe to show: every constructor escapes control
/// and invisible characters (see [`crate::text`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocLine {
    pub kind: Kind,
    pub text: String,
}

/// A titled text, shown wrapped and scrolled.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Doc {
    pub title: String,
    pub lines: Vec<DocLine>,
}

impl Doc {
    pub fn new(title: &str) -> Self {
        Doc {
            title: crate::text::visible(title).into_owned(),
            lines: Vec::new(),
        }
    }

    /// One line of text from anywhere (a name, a message): line breaks in it are shown as
    /// `\n`, so it stays one line.
    pub fn line(&mut self, kind: Kind, text: &str) {
        self.lines.push(DocLine {
            kind,
            text: crate::text::visible(text).into_owned(),
        });
    }

    /// Multi-line text (SQL, a function body): one line per line break.
    pub fn lines(&mut self, kind: Kind, text: &str) {
        for l in crate::text::visible_lines(text).lines() {
            self.lines.push(DocLine {
                kind,
                text: l.to_string(),
            });
        }
    }

    /// A `label: value` field; a value with line breaks goes under its label, indented.
    pub fn field(&mut self, label: &str, value: &str) {
        if value.contains('\n') {
            self.line(Kind::Label, label);
            for l in crate::text::visible_lines(value).lines() {
                self.lines.push(DocLine {
                    kind: Kind::Text,
                    text: format!("  {l}"),
                });
            }
        } else {
            self.lines.push(DocLine {
                kind: Kind::Label,
                text: format!("{label}: {}", crate::text::visible(value)),
            });
        }
    }

    pub fn blank(&mut self) {
        self.lines.push(DocLine {
            kind: Kind::Text,
            text: String::new(),
        });
    }

    /// The lines as shown at `width` columns.
    pub fn wrapped(&self, width: usize) -> Vec<DocLine> {
        self.lines
            .iter()
            .flat_map(|l| {
                // SQL continues two columns in, so a wrapped clause reads as nested;
                // prose continues under its own start.
                let hang = if l.kind == Kind::Sql { 2 } else { 0 };
                wrap(&l.text, width, hang)
                    .into_iter()
                    .map(|text| DocLine { kind: l.kind, text })
            })
            .collect()
    }

    /// The largest scroll offset that still fills a `height`-line view at `width`: the
    /// offset at which the last line is at the bottom.
    pub fn max_scroll(&self, width: usize, height: usize) -> usize {
        self.wrapped(width).len().saturating_sub(height)
    }
}

/// Tabs become spaces up to the next multiple of this.
const TAB_STOP: usize = 4;

/// Breaks one line into lines of at most `width` display columns, at spaces where it can
/// and inside a word only when the word alone is longer than the line. Continuation lines
/// keep the line's indentation plus `hang` columns.
pub fn wrap(line: &str, width: usize, hang: usize) -> Vec<String> {
    let width = width.max(1);
    let line = expand_tabs(line);
    if display_width(&line) <= width {
        return vec![line];
    }
    let indent = line.chars().take_while(|c| *c == ' ').count();
    let hang = (indent + hang).min(width / 2);
    let mut out = Vec::new();
    let mut current = String::new();
    let mut current_width = 0;
    // The byte in `current` after its last space, and the columns up to it.
    let mut last_break: Option<(usize, usize)> = None;
    for c in line.chars() {
        let w = c.width().unwrap_or(0);
        // Until `c` fits: a line holding only its indentation takes `c` whatever its
        // width, so this ends.
        while current_width + w > width && !current.trim().is_empty() {
            if c == ' ' {
                // A space that overflows ends the line; it starts no other.
                break;
            }
            let tail = match last_break {
                Some((at, columns)) if columns > hang => current.split_off(at),
                _ => String::new(),
            };
            out.push(current.trim_end().to_string());
            current = " ".repeat(hang) + tail.trim_start();
            current_width = display_width(&current);
            last_break = None;
        }
        if c == ' ' && current_width + w > width {
            out.push(current.trim_end().to_string());
            current = " ".repeat(hang);
            current_width = hang;
            last_break = None;
            continue;
        }
        current.push(c);
        current_width += w;
        if c == ' ' {
            last_break = Some((current.len(), current_width));
        }
    }
    if !current.trim().is_empty() || out.is_empty() {
        out.push(current);
    }
    out
}

fn expand_tabs(line: &str) -> String {
    if !line.contains('\t') {
        return line.to_string();
    }
    let mut out = String::new();
    let mut column = 0;
    for c in line.chars() {
        if c == '\t' {
            let spaces = TAB_STOP - column % TAB_STOP;
            out.extend(std::iter::repeat_n(' ', spaces));
            column += spaces;
        } else {
            out.push(c);
            column += c.width().unwrap_or(0);
        }
    }
    out
}

fn display_width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// How many lines of text a view of `height` lines shows when the text has `total`
/// lines: all of them, or one less when it overflows, for the line that says where the
/// view is and how to scroll.
pub fn viewport(total: usize, height: usize) -> usize {
    if total > height {
        height.saturating_sub(1).max(1)
    } else {
        height
    }
}

/// The largest scroll offset of a view `width` x `height` that keeps a line for where it
/// is (see [`viewport`]).
pub fn text_max_scroll(doc: &Doc, width: usize, height: usize) -> usize {
    let total = doc.wrapped(width).len();
    total.saturating_sub(viewport(total, height))
}

/// A scroll offset moved by `by` lines and kept within `0..=max`.
pub fn scrolled(offset: usize, by: isize, max: usize) -> usize {
    offset.saturating_add_signed(by).min(max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lines_are_left_alone() {
        assert_eq!(wrap("select 1", 20, 2), vec!["select 1"]);
        assert_eq!(wrap("", 20, 2), vec![""]);
    }

    #[test]
    fn long_lines_break_at_spaces_and_keep_every_word() {
        let text = "(bucket_id = 'teams'::text) AND (auth.uid() IN ( SELECT members.user_id FROM members))";
        let lines = wrap(text, 30, 2);
        assert!(lines.iter().all(|l| display_width(l) <= 30), "{lines:?}");
        let words: Vec<&str> = lines.iter().flat_map(|l| l.split_whitespace()).collect();
        assert_eq!(words, text.split_whitespace().collect::<Vec<_>>());
        assert!(lines[1].starts_with("  "), "continuations hang: {lines:?}");
    }

    #[test]
    fn a_word_longer_than_the_line_is_cut_inside() {
        let lines = wrap(&"x".repeat(25), 10, 2);
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert!(lines.iter().all(|l| display_width(l) <= 10));
        assert_eq!(lines.concat().replace(' ', ""), "x".repeat(25));
    }

    #[test]
    fn no_line_is_wider_than_asked_and_no_character_is_lost() {
        for (text, width, hang) in [
            ("abcde fghij", 5, 0),
            ("x表表表表表表表表表表表", 10, 2),
            (
                "  select a, b 表表 from t where a = 'long literal value' and b > 3",
                12,
                2,
            ),
            ("a b c d e f g h i j k l m n o p", 3, 2),
        ] {
            let lines = wrap(text, width, hang);
            assert!(
                lines.iter().all(|l| display_width(l) <= width),
                "{text:?} at {width}: {lines:?}"
            );
            assert!(lines.iter().all(|l| !l.trim().is_empty()), "{lines:?}");
            let kept: String = lines.concat().chars().filter(|c| *c != ' ').collect();
            let given: String = text.chars().filter(|c| *c != ' ').collect();
            assert_eq!(kept, given, "{text:?} at {width}");
        }
        assert_eq!(wrap("abcde fghij", 5, 0), vec!["abcde", "fghij"]);
    }

    #[test]
    fn wide_characters_count_twice_and_tabs_expand() {
        let lines = wrap("表表表表表表", 5, 0);
        assert!(lines.iter().all(|l| display_width(l) <= 5), "{lines:?}");
        assert_eq!(wrap("\tx", 20, 0), vec!["    x"]);
    }

    #[test]
    fn the_scroll_stops_where_the_last_line_is_at_the_bottom() {
        let mut doc = Doc::new("t");
        for i in 0..30 {
            doc.line(Kind::Text, &format!("line {i}"));
        }
        assert_eq!(doc.max_scroll(80, 10), 20);
        assert_eq!(doc.max_scroll(80, 40), 0);
        assert_eq!(scrolled(18, 5, 20), 20);
        assert_eq!(scrolled(3, -5, 20), 0);
    }

    #[test]
    fn schema_text_is_escaped_line_by_line() {
        let mut doc = Doc::new("evil\u{1b}]0;x\u{7}");
        doc.line(Kind::Text, "a\nb");
        doc.lines(Kind::Sql, "select 1;\nselect\u{1b}[2J 2;");
        assert!(!doc.title.contains('\u{1b}'));
        assert_eq!(doc.lines[0].text, "a\\nb");
        assert_eq!(doc.lines.len(), 3);
        assert!(!doc.lines[2].text.contains('\u{1b}'));
    }
}
