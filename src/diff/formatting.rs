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
    let mut s = lowercase_outside_literals(&standard_strings(text));
    s = between_expanded(&s);
    s = canonical_intervals(&s);
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

/// `'3 months'::interval` and the server's `'3 mons'::interval` (or `'24 hours'` and
/// `'24:00:00'`) as one spelling: months, days and seconds. A literal that does not read
/// as an interval is left as it is.
fn canonical_intervals(s: &str) -> String {
    crate::sql::cast_literals::respell(s, |kind, value| {
        let (months, days, seconds) = (kind == "interval").then(|| interval_parts(value))??;
        Some(format!("{months}m{days}d{seconds}s"))
    })
}

/// An interval's text as (months, days, seconds): `1 year 2 mons 3 days 04:05:06`.
fn interval_parts(text: &str) -> Option<(i64, i64, f64)> {
    let (mut months, mut days, mut seconds) = (0i64, 0i64, 0f64);
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() {
        return None;
    }
    let mut i = 0;
    while i < words.len() {
        let word = words[i];
        if word.contains(':') {
            let sign = if word.starts_with('-') { -1.0 } else { 1.0 };
            let parts: Vec<f64> = (word.trim_start_matches(['-', '+']).split(':'))
                .map(|p| p.parse::<f64>().ok())
                .collect::<Option<_>>()?;
            let (h, m, sec) = match parts.as_slice() {
                [h, m] => (*h, *m, 0.0),
                [h, m, sec] => (*h, *m, *sec),
                _ => return None,
            };
            seconds += sign * (h * 3600.0 + m * 60.0 + sec);
            i += 1;
            continue;
        }
        let n: f64 = word.parse().ok()?;
        let unit = words.get(i + 1)?.trim_end_matches(',');
        match unit {
            "year" | "years" | "yr" | "yrs" | "y" => months += (n * 12.0) as i64,
            "mon" | "mons" | "month" | "months" => months += n as i64,
            "week" | "weeks" | "w" => days += (n * 7.0) as i64,
            "day" | "days" | "d" => days += n as i64,
            "hour" | "hours" | "hr" | "hrs" | "h" => seconds += n * 3600.0,
            "minute" | "minutes" | "min" | "mins" | "m" => seconds += n * 60.0,
            "second" | "seconds" | "sec" | "secs" | "s" => seconds += n,
            _ => return None,
        }
        i += 2;
    }
    Some((months, days, seconds))
}

/// `E'a\\.b'` as `'a\.b'`: the server prints a string constant in the standard form
/// when only backslashes and quotes needed escaping. Other escapes are left as written.
fn standard_strings(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut in_string = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let word_before = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        if !in_string && matches!(c, 'E' | 'e') && chars.get(i + 1) == Some(&'\'') && !word_before {
            // The body up to the closing quote: `\x` escapes a character, `''` a quote.
            let mut body = String::new();
            let mut other_escape = false;
            let mut j = i + 2;
            let mut closed = false;
            while j < chars.len() {
                match (chars[j], chars.get(j + 1)) {
                    ('\\', Some(&next)) => {
                        match next {
                            '\\' => body.push('\\'),
                            '\'' => body.push_str("''"),
                            other => {
                                other_escape = true;
                                body.push('\\');
                                body.push(other);
                            }
                        }
                        j += 2;
                    }
                    ('\'', Some('\'')) => {
                        body.push_str("''");
                        j += 2;
                    }
                    ('\'', _) => {
                        closed = true;
                        break;
                    }
                    (other, _) => {
                        body.push(other);
                        j += 1;
                    }
                }
            }
            if closed && !other_escape {
                out.push('\'');
                out.push_str(&body);
                out.push('\'');
            } else {
                out.extend(&chars[i..(j + 1).min(chars.len())]);
            }
            i = j + 1;
            continue;
        }
        if c == '\'' {
            in_string = !in_string;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// `x between a and b` as the server prints it: `x >= a and x <= b` (single-word operands
/// only; `not between` and `between symmetric` are left as they are).
fn between_expanded(s: &str) -> String {
    let tokens: Vec<&str> = s.split(' ').collect();
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let expandable = tokens[i] == "between"
            && i >= 1
            && i + 3 < tokens.len()
            && tokens[i + 2] == "and"
            && tokens[i + 1] != "symmetric"
            && (i < 2 || tokens[i - 2] != "not");
        if expandable {
            let operand = tokens[i - 1].trim_start_matches('(').to_string();
            out.extend([
                ">=".to_string(),
                tokens[i + 1].to_string(),
                "and".to_string(),
                operand,
                "<=".to_string(),
                tokens[i + 3].to_string(),
            ]);
            i += 4;
        } else {
            out.push(tokens[i].to_string());
            i += 1;
        }
    }
    out.join(" ")
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
        assert!(same_meaning(
            "CHECK (VALUE ~* '^[a-z]+\\.[a-z]{2,}$'::text)",
            "CHECK ((value ~* E'^[a-z]+\\\\.[a-z]{2,}$'))"
        ));
        assert!(!same_meaning("CHECK (v ~ 'a.b')", "CHECK (v ~ E'a\\nb')"));
        assert!(!same_meaning("x = 'e' AND y = 'z'", "x = 'f' AND y = 'z'"));
        assert!(same_meaning("note = E'it\\'s'", "note = 'it''s'::text"));
        assert!(same_meaning(
            "CHECK (VALUE >= 0 AND VALUE <= 100)",
            "CHECK ((value BETWEEN 0 AND 100))"
        ));
        assert!(!same_meaning(
            "CHECK (VALUE >= 0 AND VALUE <= 100)",
            "CHECK ((value BETWEEN 0 AND 99))"
        ));
        assert!(same_meaning(
            "(date_trunc('year'::text, now()) + '3 mons'::interval)",
            "date_trunc('year', now()) + '3 months'::interval"
        ));
        assert!(same_meaning(
            "created_at > (now() - '24:00:00'::interval)",
            "created_at > now() - '24 hours'::interval"
        ));
        assert!(same_meaning(
            "'1 day 02:00:00'::interval",
            "'1 day 2 hours'::interval"
        ));
        assert!(!same_meaning("'3 mons'::interval", "'4 months'::interval"));
        assert!(!same_meaning("'1 day'::interval", "'24 hours'::interval"));
    }
}
