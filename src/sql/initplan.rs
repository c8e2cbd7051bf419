//! Auth calls in policy conditions, evaluated once per statement instead of once per row:
//! `auth.uid()` written as `(SELECT auth.uid())` becomes an init plan. Every policy pglens
//! drafts is written this way, so that one fix never undoes another.

const CALLS: &[&str] = &["auth.uid()", "auth.jwt()", "auth.role()", "auth.email()"];

/// Wraps bare calls in `(SELECT ...)`; None when there is nothing to wrap.
pub fn wrap_calls(expr: &str) -> Option<String> {
    let mut out = String::with_capacity(expr.len() + 16);
    let mut changed = false;
    let mut rest = expr;
    while let Some((pos, call_len)) = next_call(rest) {
        let (before, after) = rest.split_at(pos);
        out.push_str(before);
        let call = &after[..call_len];
        if before.trim_end().to_ascii_uppercase().ends_with("SELECT") {
            out.push_str(call);
        } else {
            out.push_str("( SELECT ");
            out.push_str(call);
            out.push(')');
            changed = true;
        }
        rest = &after[call_len..];
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// The next auth call or `current_setting(...)` call: its byte offset and length.
fn next_call(s: &str) -> Option<(usize, usize)> {
    let fixed = CALLS.iter().filter_map(|c| s.find(c).map(|p| (p, c.len())));
    // `current_setting(...)` ends at its own closing parenthesis, past nested calls such as
    // `current_setting(format('app.%s', 'tenant'))` and parentheses inside string literals.
    let setting = s.find("current_setting(").and_then(|p| {
        let mut depth = 0usize;
        let mut quoted = false;
        for (i, ch) in s[p..].char_indices() {
            match ch {
                '\'' => quoted = !quoted,
                '(' if !quoted => depth += 1,
                ')' if !quoted => {
                    depth -= 1;
                    if depth == 0 {
                        return Some((p, i + 1));
                    }
                }
                _ => {}
            }
        }
        None
    });
    fixed.chain(setting).min_by_key(|(p, _)| *p)
}

#[cfg(test)]
mod tests {
    use super::wrap_calls;

    #[test]
    fn wraps_only_bare_calls() {
        assert_eq!(
            wrap_calls("(auth.uid() = user_id)").as_deref(),
            Some("(( SELECT auth.uid()) = user_id)")
        );
        assert_eq!(wrap_calls("(( SELECT auth.uid() AS uid) = user_id)"), None);
        assert_eq!(
            wrap_calls("(tenant = current_setting('app.tenant'::text))").as_deref(),
            Some("(tenant = ( SELECT current_setting('app.tenant'::text)))")
        );
        assert_eq!(wrap_calls("(owner_id = user_id)"), None);
        assert_eq!(
            wrap_calls("(t = current_setting(format('app.%s', 'x)')))").as_deref(),
            Some("(t = ( SELECT current_setting(format('app.%s', 'x)'))))")
        );
    }
}
