//! What a server adds when it prints what a migration file said: casts on constants
//! (`'x'::text`), parentheses around each condition, `IN (...)` as `= ANY (ARRAY[...])`,
//! `LIKE` as `~~`, qualifiers before columns, aliases on one-value sub-selects, upper-case
//! keywords. A folder and the database built from it describe the same object in two
//! spellings; [`same_meaning`] tells them apart from a real change.
//!
//! It is a comparison of normalised text, not of meaning: two definitions that differ only
//! in parentheses, or in a cast, read as the same. So `diff` counts such differences and
//! lists them in JSON (`formatting_only`), rather than dropping them.

/// Whether two descriptions of an object differ only in how a server prints them.
pub fn same_meaning(a: &str, b: &str) -> bool {
    a == b || normalise(a) == normalise(b)
}

/// A description without the server's formatting (see the module comment).
pub fn normalise(text: &str) -> String {
    let mut s = lowercase_outside_literals(text);
    s = unquoted_numbers(&s);
    // LIKE is an operator the server prints by its name.
    s = s
        .replace(" !~~* ", " not ilike ")
        .replace(" ~~* ", " ilike ")
        .replace(" !~~ ", " not like ")
        .replace(" ~~ ", " like ");
    s = in_lists_as_any(&s);
    // Qualifiers: the server writes `leads.deleted_at` where the SQL said `deleted_at`.
    s = unqualified(&s);
    // Casts: `::type`, `::schema.type`, `::character varying`, `::text[]`.
    let mut out = String::new();
    let mut rest = s.as_str();
    while let Some(i) = rest.find("::") {
        out.push_str(&rest[..i]);
        let mut after = &rest[i + 2..];
        let word_end = |t: &str| {
            t.find(|c: char| {
                !(c.is_alphanumeric() || c == '_' || c == '.' || c == '"' || c == '[' || c == ']')
            })
            .unwrap_or(t.len())
        };
        after = &after[word_end(after)..];
        for multi in [
            " varying",
            " precision",
            " with time zone",
            " without time zone",
        ] {
            if let Some(r) = after.strip_prefix(multi) {
                after = r;
            }
        }
        if after.starts_with('(') {
            if let Some(close) = after.find(')') {
                after = &after[close + 1..];
            }
        }
        after = after.trim_start_matches("[]");
        rest = after;
    }
    out.push_str(rest);
    // Aliases the server adds to single-value sub-selects: `( SELECT f() AS f)`.
    let mut cleaned = String::new();
    let mut rest = out.as_str();
    while let Some(i) = rest.find(" as ") {
        cleaned.push_str(&rest[..i]);
        let after = &rest[i + 4..];
        let end = after
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let next = after[end..].trim_start();
        // Keep real aliases (`AS deal_count,` in a select list); drop the ones before `)`.
        if next.starts_with(')') {
            rest = &after[end..];
        } else {
            cleaned.push_str(" as ");
            rest = after;
        }
    }
    cleaned.push_str(rest);
    cleaned
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '(' | ')' | '[' | ']' | ';'))
        .collect::<String>()
        .replace("array", "")
}

/// Drops `name.` before a name (outside string literals): `public.leads.id` is `id`.
fn unqualified(s: &str) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let mut in_string = false;
    for c in s.chars() {
        if c == '\'' {
            in_string = !in_string;
        }
        if !in_string && (c.is_alphanumeric() || c == '_' || c == '"') {
            word.push(c);
            continue;
        }
        if !in_string && c == '.' && !word.is_empty() && !word.chars().all(|d| d.is_ascii_digit()) {
            word.clear();
            continue;
        }
        out.push_str(&word);
        word.clear();
        out.push(c);
    }
    out.push_str(&word);
    out
}

/// `'5368709120'` as `5368709120`: the server quotes integer constants too big for int4.
fn unquoted_numbers(s: &str) -> String {
    let parts: Vec<&str> = s.split('\'').collect();
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        let quoted = i % 2 == 1;
        if quoted && !part.is_empty() && part.chars().all(|c| c.is_ascii_digit()) {
            out.push_str(part);
        } else if quoted {
            out.push('\'');
            out.push_str(part);
            out.push('\'');
        } else {
            out.push_str(part);
        }
    }
    out
}

/// `x in ('a', 'b')` as the server prints it: `x = any (array['a', 'b'])`.
fn in_lists_as_any(s: &str) -> String {
    s.replace(" in (", " = any (array[")
}

/// Lower case, except inside string literals (`'Active'` and `'active'` differ).
fn lowercase_outside_literals(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_string = false;
    for c in s.chars() {
        if c == '\'' {
            in_string = !in_string;
        }
        if in_string {
            out.push(c);
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalising_removes_formatting_not_meaning() {
        let server = "CHECK (status = ANY (ARRAY['active'::text, 'inactive'::text]))";
        assert!(same_meaning(
            server,
            "CHECK ((status IN ('active', 'inactive')))"
        ));
        assert!(!same_meaning(
            server,
            "CHECK ((status IN ('active', 'archived')))"
        ));
        assert!(!same_meaning(
            server,
            "CHECK ((status IN ('Active', 'inactive')))"
        ));
        assert!(same_meaning(
            "(( SELECT auth.uid() AS uid) = user_id)",
            "(SELECT auth.uid()) = user_id"
        ));
        assert!(same_meaning(
            "text DEFAULT 'draft'::character varying",
            "text DEFAULT 'draft'"
        ));
        assert!(same_meaning(
            "timestamp with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP",
            "timestamp with time zone NOT NULL DEFAULT current_timestamp"
        ));
        assert!(same_meaning("x ~~ 'a%'::text", "x LIKE 'a%'"));
    }
}
