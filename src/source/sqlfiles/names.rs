//! The names PostgreSQL makes up for unnamed constraints and indexes, so an offline model
//! names them as the server would: `accounts_pkey`, `accounts_email_key`,
//! `orders_account_id_fkey`, `orders_created_at_idx`, with a number added on collision.
//! (PostgreSQL's `makeObjectName` and `ChooseRelationName`.)

const MAX_BYTES: usize = 63;

/// `name1_name2_label`, shortening the longer of name1 and name2 first until it fits in 63
/// bytes, always on a character boundary.
pub fn make_object_name(name1: &str, name2: Option<&str>, label: &str) -> String {
    let overhead = label.len() + 1 + name2.map_or(0, |_| 1);
    let avail = MAX_BYTES.saturating_sub(overhead);
    let (mut n1, mut n2) = (name1.len(), name2.map_or(0, str::len));
    while n1 + n2 > avail {
        if n1 > n2 {
            n1 -= 1;
        } else {
            n2 -= 1;
        }
    }
    let cut = |s: &str, mut n: usize| {
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        s[..n].to_string()
    };
    let mut out = cut(name1, n1);
    if let Some(n) = name2 {
        out.push('_');
        out.push_str(&cut(n, n2));
    }
    out.push('_');
    out.push_str(label);
    out
}

/// The first of `name1_name2_label`, `..._label1`, `..._label2`, ... that `taken` says is
/// free.
pub fn choose_name(
    name1: &str,
    name2: Option<&str>,
    label: &str,
    taken: &dyn Fn(&str) -> bool,
) -> String {
    let mut candidate = make_object_name(name1, name2, label);
    let mut n = 0;
    while taken(&candidate) {
        n += 1;
        candidate = make_object_name(name1, name2, &format!("{label}{n}"));
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_postgresql() {
        assert_eq!(make_object_name("accounts", None, "pkey"), "accounts_pkey");
        assert_eq!(
            make_object_name("orders", Some("account_id"), "fkey"),
            "orders_account_id_fkey"
        );
        let long = "a".repeat(60);
        let name = make_object_name(&long, Some("tenant_id"), "idx");
        assert_eq!(name.len(), 63);
        assert!(name.ends_with("_tenant_id_idx"), "{name}");
        let taken = |n: &str| n == "t_a_idx";
        assert_eq!(choose_name("t", Some("a"), "idx", &taken), "t_a_idx1");
    }
}
