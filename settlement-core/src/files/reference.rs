//! The service's reference of a payment in the remessas it writes: the field a bank echoes in
//! its retorno (seu número, uso da empresa) carries it, so an answer finds its payment.
//!
//! A reference is `PX`, the payment's id in base 36, and a check character: at most 10
//! characters up to id 36⁷ (78 billion), so it fits the narrowest echoed field (CNAB400's seu
//! número, 10). The check character keeps a bank's or another system's own numbers from being
//! taken for ours. Where the field has room, the payment's `external_id` follows after one
//! space ([`with_external_id`]), so that a remessa imported elsewhere keeps it.

const PREFIX: &str = "PX";
const DIGITS: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

fn digit_value(byte: u8) -> Option<u32> {
    DIGITS.iter().position(|&d| d == byte).map(|p| p as u32)
}

/// The check character of base-36 digits: their values weighted by position, modulo 36.
fn check(digits: &[u8]) -> u8 {
    let sum: u32 = digits.iter().enumerate().map(|(i, &d)| digit_value(d).unwrap_or(0) * (i as u32 + 2)).sum();
    DIGITS[(sum % 36) as usize]
}

/// The reference of payment `id`.
pub fn of(id: i64) -> String {
    let mut digits = Vec::new();
    let mut rest = id.unsigned_abs();
    loop {
        digits.push(DIGITS[(rest % 36) as usize]);
        rest /= 36;
        if rest == 0 {
            break;
        }
    }
    digits.reverse();
    let check = check(&digits);
    let mut text = String::with_capacity(PREFIX.len() + digits.len() + 1);
    text.push_str(PREFIX);
    text.extend(digits.iter().map(|&d| char::from(d)));
    text.push(char::from(check));
    text
}

/// The reference, then the `external_id` after a space when both fit `width` characters.
pub fn with_external_id(id: i64, external_id: Option<&str>, width: usize) -> String {
    let reference = of(id);
    match external_id {
        Some(external) if reference.len() + 1 + external.chars().count() <= width => format!("{reference} {external}"),
        _ => reference,
    }
}

/// The `external_id` when it fits `width` characters, else the reference: for a second echoed
/// field (a seu número) beside the one that carries the reference.
pub fn external_id_or_reference(id: i64, external_id: Option<&str>, width: usize) -> String {
    match external_id {
        Some(external) if external.chars().count() <= width => external.to_owned(),
        _ => of(id),
    }
}

/// The payment id of a field that starts with a reference, and what follows it (the
/// `external_id`, when one was written beside it); `None` when the field holds no reference.
pub fn split(field: &str) -> Option<(i64, Option<&str>)> {
    let field = field.trim();
    let (token, rest) = field.split_once(' ').map_or((field, None), |(token, rest)| (token, Some(rest.trim())));
    let body = token.strip_prefix(PREFIX)?.as_bytes();
    let (&last, digits) = body.split_last()?;
    if digits.is_empty() || digits.len() > 12 || digits.iter().any(|&d| digit_value(d).is_none()) {
        return None;
    }
    if check(digits) != last {
        return None;
    }
    let id = digits.iter().try_fold(0i64, |id, &d| id.checked_mul(36)?.checked_add(i64::from(digit_value(d)?)))?;
    Some((id, rest.filter(|rest| !rest.is_empty())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_read_back_and_fit_ten_characters() {
        for id in [1, 35, 36, 1_000_000, 78_364_164_095] {
            let reference = of(id);
            assert!(reference.len() <= 10, "{reference}");
            assert_eq!(split(&reference), Some((id, None)));
        }
        assert_eq!(of(1), "PX12");
        assert_eq!(split("PX12 CNAB-0   "), Some((1, Some("CNAB-0"))));
        assert_eq!(with_external_id(1, Some("CNAB-0"), 20), "PX12 CNAB-0");
        assert_eq!(with_external_id(1, Some("A-VERY-LONG-EXTERNAL-ID"), 20), "PX12");
    }

    #[test]
    fn other_numbers_are_not_references() {
        for text in ["", "PX", "PX1", "PX13", "12345", "px12", "PX1-2", "XPX12", "PX☃2"] {
            assert_eq!(split(text), None, "{text}");
        }
        // One digit changed: the check character no longer agrees.
        assert_eq!(split("PX22"), None);
    }
}
