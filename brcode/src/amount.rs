//! Field 54, the transaction amount: up to 13 characters, digits with an optional decimal point
//! and at most two decimals. Real payloads write `100`, `10.`, `0.9` and `150.00`; all read the
//! same way, and the decimal's scale remembers how many decimals were written so that a decoded
//! code re-encodes to the same characters.

use rust_decimal::Decimal;

use crate::error::AmountError;

/// The longest amount field 54 holds.
pub(crate) const MAX_LEN: usize = 13;

/// Reads field 54.
pub(crate) fn parse(text: &str) -> Result<Decimal, AmountError> {
    if text.len() > MAX_LEN {
        return Err(AmountError::TooLong);
    }
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, fraction),
        None => (text, ""),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return Err(AmountError::NotDecimal);
    }
    if fraction.len() > 2 {
        return Err(AmountError::TooManyDecimals);
    }
    // At most 13 digits: fits an i64 with room to spare.
    let mantissa = whole.bytes().chain(fraction.bytes()).fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0'));
    // `fraction.len()` is at most 2 here.
    Ok(Decimal::new(mantissa, fraction.len() as u32))
}

/// Checks an amount handed to the builder and writes it with the two decimals payer apps expect.
pub(crate) fn canonical(amount: Decimal) -> Result<String, AmountError> {
    if amount <= Decimal::ZERO {
        return Err(AmountError::NotPositive);
    }
    if amount.normalize().scale() > 2 {
        return Err(AmountError::TooManyDecimals);
    }
    let mut cents = amount;
    cents.rescale(2);
    // 13 characters: at most 10 digits, the point and 2 decimals.
    let cents = cents.mantissa().unsigned_abs();
    if cents >= 100 * 10u128.pow(10) {
        return Err(AmountError::TooLong);
    }
    let mut digits = [b'0'; 12];
    let mut rest = cents;
    let mut start = digits.len();
    while rest > 0 || start > digits.len() - 3 {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    let (whole, fraction) = digits[start..].split_at(digits.len() - start - 2);
    let mut text = String::with_capacity(MAX_LEN);
    text.extend(whole.iter().chain(b".").chain(fraction).map(|&b| char::from(b)));
    Ok(text)
}

/// The amount in centavos, when it has at most two decimals and fits an `i64`.
pub(crate) fn centavos(amount: Decimal) -> Option<i64> {
    let mut cents = amount.checked_mul(Decimal::ONE_HUNDRED)?;
    if cents.normalize().scale() > 0 {
        return None;
    }
    cents.rescale(0);
    i64::try_from(cents.mantissa()).ok()
}

/// Reads a field 54 value (`150.00`, `10.5`, `7`) as centavos, the way [`decode`](crate::decode)
/// reads it; `None` when it is not an amount, or has more than two decimals.
///
/// ```
/// assert_eq!(brcode_pix::amount_centavos("1234.56"), Some(123_456));
/// assert_eq!(brcode_pix::amount_centavos("10."), Some(1_000));
/// assert_eq!(brcode_pix::amount_centavos("1,50"), None);
/// ```
pub fn amount_centavos(text: &str) -> Option<i64> {
    parse(text).ok().and_then(centavos)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_real_payloads_write() {
        for (text, expect) in [("100", "100"), ("10.", "10"), ("0.9", "0.9"), ("150.00", "150.00"), ("0.01", "0.01")] {
            assert_eq!(parse(text).unwrap().to_string(), expect, "{text}");
        }
    }

    #[test]
    fn refuses_what_is_not_an_amount() {
        assert_eq!(parse("1.234"), Err(AmountError::TooManyDecimals));
        for bad in ["", ".5", "1,00", "-1", "+1", "1.2.3", "1e3", " 1", "١"] {
            assert_eq!(parse(bad), Err(AmountError::NotDecimal), "{bad:?}");
        }
        assert_eq!(parse("12345678901.00"), Err(AmountError::TooLong));
        assert!(parse("1234567890.00").is_ok());
    }

    #[test]
    fn builder_amounts_get_two_decimals_and_limits() {
        assert_eq!(canonical(Decimal::new(150, 0)).unwrap(), "150.00");
        assert_eq!(canonical(Decimal::new(1500, 3)).unwrap(), "1.50");
        assert_eq!(canonical(Decimal::new(5, 2)).unwrap(), "0.05");
        assert_eq!(canonical(Decimal::new(1, 0)).unwrap(), "1.00");
        assert_eq!(canonical(Decimal::new(1501, 3)), Err(AmountError::TooManyDecimals));
        assert_eq!(canonical(Decimal::ZERO), Err(AmountError::NotPositive));
        assert_eq!(canonical(Decimal::new(-1, 0)), Err(AmountError::NotPositive));
        assert_eq!(canonical(Decimal::new(123456789012, 2)).unwrap(), "1234567890.12");
        assert_eq!(canonical(Decimal::new(999999999999, 2)).unwrap(), "9999999999.99");
        assert_eq!(canonical(Decimal::new(1234567890123, 2)), Err(AmountError::TooLong));
    }

    #[test]
    fn centavos_of_amounts() {
        assert_eq!(centavos(parse("150.00").unwrap()), Some(15000));
        assert_eq!(centavos(parse("0.9").unwrap()), Some(90));
        assert_eq!(centavos(parse("10.").unwrap()), Some(1000));
    }
}
