//! String constants cast to a type (`'public.t_id_seq'::regclass`, `'3 months'::interval`),
//! found in SQL text so that their value can be spelled as a server prints it.

/// `text` with the value of each `'...'::type` constant replaced by what
/// `respelled(type, value)` returns (the value unquoted, the result quoted again), or kept
/// as written where it returns None.
pub fn respell(text: &str, respelled: impl Fn(&str, &str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("'::") {
        let kind: String = rest[at + 3..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let replaced = literal_start(&rest[..=at]).and_then(|start| {
            let value = rest[start + 1..at].replace("''", "'");
            respelled(&kind, &value).map(|v| (start, v))
        });
        match replaced {
            Some((start, value)) => {
                out.push_str(&rest[..start]);
                out.push_str(&super::literal(&value));
            }
            None => out.push_str(&rest[..=at]),
        }
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
    out
}

/// Where the string literal that ends `text` (at its last `'`) starts.
fn literal_start(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = bytes.len().checked_sub(2)?;
    loop {
        if bytes[i] == b'\'' {
            if i > 0 && bytes[i - 1] == b'\'' {
                i = i.checked_sub(2)?;
                continue;
            }
            return Some(i);
        }
        i = i.checked_sub(1)?;
    }
}

#[cfg(test)]
mod tests {
    use super::respell;

    #[test]
    fn only_the_constants_respelled_change() {
        let upper = |kind: &str, v: &str| (kind == "text").then(|| v.to_uppercase());
        assert_eq!(
            respell("f('it''s'::text, 'x'::int, ''::text)", upper),
            "f('IT''S'::text, 'x'::int, ''::text)"
        );
        assert_eq!(respell("no constants here", upper), "no constants here");
    }
}
