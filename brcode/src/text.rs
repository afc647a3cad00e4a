//! Free text in a payload (merchant name and city, additional information, postal code):
//! how long it may be and which characters it may hold.
//!
//! The BR Code manual v2 lifted the alphanumeric-only rule and the Central Bank's staff state that
//! any UTF-8 character is accepted; EMV types these fields as ANS (printable ASCII) and some
//! payer apps still refuse accents. So the decoder accepts UTF-8 (refusing only control
//! characters), and the builder writes printable ASCII unless told otherwise: it can fold
//! accents (`São Paulo` becomes `Sao Paulo`) or, by explicit choice, keep UTF-8.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::error::{EncodeError, ErrorKind, TagPath};
use crate::tlv::char_len;

/// How the builder treats free text that does not fit the strict rules.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct TextPolicy {
    /// Fold accented letters to their base letter before checking.
    pub(crate) transliterate: bool,
    /// Cut text over its limit to the limit instead of refusing it.
    pub(crate) truncate: bool,
    /// Keep non-ASCII characters instead of refusing them.
    pub(crate) allow_utf8: bool,
}

/// The first control character of `value`, with its position in characters.
pub(crate) fn first_control(value: &str) -> Option<(usize, char)> {
    value.chars().enumerate().find(|(_, c)| c.is_control())
}

/// Checks a decoded text field: at most `max` characters, no control characters.
pub(crate) fn check_decoded(value: &str, max: usize) -> Result<(), ErrorKind> {
    // Fast path for ASCII, where bytes are characters.
    if value.is_ascii() && !value.bytes().any(|b| b.is_ascii_control()) {
        return match value.len() {
            found if found > max => Err(ErrorKind::TooLong { max, found }),
            _ => Ok(()),
        };
    }
    if let Some((position, character)) = first_control(value) {
        return Err(ErrorKind::Character { character, position, hint: Some("control characters are not text") });
    }
    let found = char_len(value);
    if found > max {
        return Err(ErrorKind::TooLong { max, found });
    }
    Ok(())
}

/// Applies `policy` to a builder value of at most `max` characters.
pub(crate) fn prepare<'a>(
    value: Cow<'a, str>,
    max: usize,
    policy: TextPolicy,
    path: TagPath,
) -> Result<Cow<'a, str>, EncodeError> {
    let fail = |kind| EncodeError::new(path, kind);
    // Fast path: printable ASCII within the limit, what nearly every value is.
    let printable = |b: &u8| (b' '..=b'~').contains(b);
    if value.len() <= max && value.bytes().all(|b| printable(&b)) && value.bytes().any(|b| b != b' ') {
        return Ok(value);
    }
    let mut value = value;
    if policy.transliterate && !value.is_ascii() {
        value = Cow::Owned(value.nfd().filter(|c| !is_combining_mark(*c)).nfc().collect());
    }
    if let Some((position, character)) = first_control(&value) {
        return Err(fail(ErrorKind::Character { character, position, hint: Some("control characters are not text") }));
    }
    if !policy.allow_utf8 {
        if let Some((position, character)) = value.chars().enumerate().find(|(_, c)| !c.is_ascii()) {
            let hint = "payer apps may refuse non-ASCII text; transliterate folds accents, allow_utf8 keeps them";
            return Err(fail(ErrorKind::Character { character, position, hint: Some(hint) }));
        }
    }
    if value.trim().is_empty() {
        return Err(fail(ErrorKind::EmptyValue));
    }
    let found = char_len(&value);
    if found > max {
        if !policy.truncate {
            return Err(fail(ErrorKind::TooLong { max, found }));
        }
        value = Cow::Owned(value.chars().take(max).collect());
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRICT: TextPolicy = TextPolicy { transliterate: false, truncate: false, allow_utf8: false };
    const CITY: TagPath = TagPath::top(60);

    fn prep(value: &str, policy: TextPolicy) -> Result<String, ErrorKind> {
        prepare(Cow::Borrowed(value), 15, policy, CITY).map(Cow::into_owned).map_err(|e| e.kind().clone())
    }

    #[test]
    fn strict_refuses_accents_with_a_hint() {
        let err = prep("São Paulo", STRICT).unwrap_err();
        assert!(matches!(err, ErrorKind::Character { character: 'ã', position: 1, .. }), "{err:?}");
    }

    #[test]
    fn transliteration_folds_accents_only() {
        let fold = TextPolicy { transliterate: true, ..STRICT };
        assert_eq!(prep("São Paulo", fold).unwrap(), "Sao Paulo");
        assert_eq!(prep("MACEIÓ", fold).unwrap(), "MACEIO");
        assert_eq!(prep("Conceição", fold).unwrap(), "Conceicao");
        // Not an accent: still refused.
        assert!(matches!(prep("北京", fold), Err(ErrorKind::Character { character: '北', .. })));
    }

    #[test]
    fn utf8_kept_when_allowed_and_counted_in_characters() {
        let utf8 = TextPolicy { allow_utf8: true, ..STRICT };
        assert_eq!(prep("BRASÍLIA", utf8).unwrap(), "BRASÍLIA");
        assert_eq!(prep("ÁÉÍÓÚÁÉÍÓÚÁÉÍÓÚ", utf8).unwrap().chars().count(), 15);
    }

    #[test]
    fn truncation_only_when_asked() {
        assert_eq!(prep("RIO DE JANEIRO CAPITAL", STRICT), Err(ErrorKind::TooLong { max: 15, found: 22 }));
        let cut = TextPolicy { truncate: true, ..STRICT };
        assert_eq!(prep("RIO DE JANEIRO CAPITAL", cut).unwrap(), "RIO DE JANEIRO ");
    }

    #[test]
    fn controls_and_blanks_refused() {
        assert!(matches!(prep("A\nB", STRICT), Err(ErrorKind::Character { character: '\n', .. })));
        assert_eq!(prep("  ", STRICT), Err(ErrorKind::EmptyValue));
        assert_eq!(check_decoded("Maceió", 15), Ok(()));
        assert!(check_decoded("A\u{7}", 15).unwrap_err().to_string().contains("control"));
    }
}
