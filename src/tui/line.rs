//! One line of typed text with a cursor, edited as a shell prompt edits it: Left/Right,
//! Home/End (Ctrl-A/Ctrl-E), Backspace and Delete, Ctrl-W (the word before the cursor) and
//! Ctrl-U (everything before it). The finder and the prompts use it.

use super::action::Action;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineEdit {
    text: String,
    /// In characters, `0..=len`.
    cursor: usize,
    /// Shown pre-filled (the last query): the first character typed replaces it all.
    fresh: bool,
}

impl LineEdit {
    /// A line holding `text`, cursor at the end, replaced by whatever is typed first.
    pub fn prefilled(text: &str) -> Self {
        LineEdit {
            text: text.to_string(),
            cursor: text.chars().count(),
            fresh: !text.is_empty(),
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text before and after the cursor, for drawing it.
    pub fn split(&self) -> (&str, &str) {
        self.text.split_at(self.byte(self.cursor))
    }

    /// Whether the text is shown as a pre-filled suggestion (drawn selected).
    pub fn is_fresh(&self) -> bool {
        self.fresh
    }

    /// Applies an editing action. Returns whether the text changed; `None` when the
    /// action is not an edit (the caller handles it).
    pub fn apply(&mut self, action: &Action) -> Option<bool> {
        let len = self.text.chars().count();
        let fresh = std::mem::take(&mut self.fresh);
        let changed = match action {
            Action::Input(c) => {
                if fresh {
                    self.text.clear();
                    self.cursor = 0;
                }
                let at = self.byte(self.cursor);
                self.text.insert(at, *c);
                self.cursor += 1;
                true
            }
            Action::Back => {
                if self.cursor == 0 {
                    false
                } else {
                    let (from, to) = (self.byte(self.cursor - 1), self.byte(self.cursor));
                    self.text.replace_range(from..to, "");
                    self.cursor -= 1;
                    true
                }
            }
            Action::DeleteForward => {
                if self.cursor >= len {
                    false
                } else {
                    let (from, to) = (self.byte(self.cursor), self.byte(self.cursor + 1));
                    self.text.replace_range(from..to, "");
                    true
                }
            }
            Action::DeleteWord => {
                let chars: Vec<char> = self.text.chars().collect();
                let mut start = self.cursor;
                while start > 0 && chars[start - 1].is_whitespace() {
                    start -= 1;
                }
                while start > 0 && !chars[start - 1].is_whitespace() {
                    start -= 1;
                }
                let (from, to) = (self.byte(start), self.byte(self.cursor));
                self.text.replace_range(from..to, "");
                self.cursor = start;
                from != to
            }
            Action::ClearLine => {
                let to = self.byte(self.cursor);
                self.text.replace_range(..to, "");
                self.cursor = 0;
                to > 0
            }
            Action::Left => {
                self.cursor = self.cursor.saturating_sub(1);
                false
            }
            Action::Right => {
                self.cursor = (self.cursor + 1).min(len);
                false
            }
            Action::Home => {
                self.cursor = 0;
                false
            }
            Action::End => {
                self.cursor = len;
                false
            }
            _ => {
                self.fresh = fresh;
                return None;
            }
        };
        Some(changed)
    }

    fn byte(&self, chars: usize) -> usize {
        self.text
            .char_indices()
            .nth(chars)
            .map_or(self.text.len(), |(i, _)| i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(text: &str) -> LineEdit {
        let mut line = LineEdit::default();
        for c in text.chars() {
            line.apply(&Action::Input(c));
        }
        line
    }

    #[test]
    fn edits_as_a_shell_prompt_does() {
        let mut line = typed("select lead");
        line.apply(&Action::Left);
        line.apply(&Action::Left);
        line.apply(&Action::Input('é'));
        assert_eq!(line.text(), "select leéad");
        assert_eq!(line.split(), ("select leé", "ad"));
        line.apply(&Action::DeleteForward);
        assert_eq!(line.text(), "select leéd");
        line.apply(&Action::End);
        line.apply(&Action::DeleteWord);
        assert_eq!(line.text(), "select ");
        line.apply(&Action::DeleteWord);
        assert_eq!(line.text(), "");
        let mut line = typed("public.leads");
        line.apply(&Action::Home);
        assert_eq!(line.apply(&Action::Back), Some(false));
        line.apply(&Action::Right);
        line.apply(&Action::ClearLine);
        assert_eq!(line.text(), "ublic.leads");
        assert_eq!(line.apply(&Action::Enter), None, "not an edit");
    }

    #[test]
    fn a_prefilled_line_is_replaced_by_typing_and_kept_by_moving() {
        let mut line = LineEdit::prefilled("leads");
        line.apply(&Action::Input('d'));
        assert_eq!(line.text(), "d");
        let mut line = LineEdit::prefilled("leads");
        line.apply(&Action::Left);
        line.apply(&Action::Input('x'));
        assert_eq!(line.text(), "leadxs");
    }
}
