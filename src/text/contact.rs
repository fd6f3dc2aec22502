//! A contact a person leaves for a call back — a phone number or an e-mail address — checked and
//! normalized (full-width digits and signs to ASCII), for every channel that takes a
//! consultation request.

use unicode_normalization::UnicodeNormalization;

/// `raw` as a contact, trimmed and normalized when that is what makes it valid: a phone number
/// of 10–15 digits (spaces, hyphens, parentheses, a leading +) or an e-mail address. `None`
/// when it is neither.
pub fn contact(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let normalized: String = raw.nfkc().collect::<String>().trim().to_string();
    [normalized, raw.to_string()]
        .into_iter()
        .find(|v| is_phone(v) || is_email(v))
}

/// 10–15 digits, with only spaces, hyphens, parentheses and a leading + between them.
pub fn is_phone(v: &str) -> bool {
    let digits = v.chars().filter(char::is_ascii_digit).count();
    (10..=15).contains(&digits)
        && v.chars().enumerate().all(|(i, c)| {
            c.is_ascii_digit() || matches!(c, '-' | ' ' | '(' | ')') || (c == '+' && i == 0)
        })
}

/// local@domain.tld: the local part 1–64 characters, the domain two or more dot-separated
/// labels; no white space, control characters or `@<>,;"()` besides the one @.
pub fn is_email(v: &str) -> bool {
    let allowed = |c: char| !c.is_whitespace() && !c.is_control() && !"@<>,;\"()".contains(c);
    let Some((local, domain)) = v.split_once('@') else {
        return false;
    };
    (1..=64).contains(&local.chars().count())
        && local.chars().all(allowed)
        && domain.split('.').count() >= 2
        && domain
            .split('.')
            .all(|l| !l.is_empty() && l.chars().all(allowed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_and_addresses_are_contacts() {
        for ok in [
            "096-333-2323",
            "(096) 333 2323",
            "09012345678",
            "+81 96 333 2323",
        ] {
            assert!(is_phone(ok), "{ok}");
        }
        for bad in [
            "096-333",
            "電話ください",
            "096-333-2323 内線5",
            "1+096-333-2323",
        ] {
            assert!(!is_phone(bad), "{bad}");
        }
        for ok in ["taro@example.jp", "a.b+c@sub.example.co.jp", "店@例え.jp"] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "taro@",
            "@example.jp",
            "taro@example",
            "ta ro@example.jp",
            "a@b@c.jp",
            "a@x..jp",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
        assert_eq!(
            contact(" ０９６－３３３－２３２３ ").as_deref(),
            Some("096-333-2323")
        );
        assert_eq!(contact("あとで"), None);
    }
}
