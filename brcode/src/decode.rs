//! From a checked EMV payload to a [`BrCode`]: the Pix rules.

use std::borrow::Cow;
use std::fmt;

use crate::amount;
use crate::code::{AdditionalData, BrCode, Crc, Field, PixAccount, PointOfInitiation, Template};
use crate::emv::{DataObjects, Payload};
use crate::error::{DecodeError, ErrorKind, TagPath, UrlError};
use crate::key::MAX_KEY_LEN;
use crate::text;
use crate::tlv::{DataObject, char_len};

/// The longest merchant name (field 59) the BR Code manual allows.
pub const MAX_MERCHANT_NAME: usize = 25;
/// The longest merchant city (field 60) the BR Code manual allows.
pub const MAX_MERCHANT_CITY: usize = 15;
/// The longest txid a static code carries in 62-05.
pub const MAX_TXID: usize = 25;
/// The longest payload EMV recommends, in bytes.
pub const MAX_PAYLOAD_BYTES: usize = 512;
/// The longest location URL: a template of 99 less the GUI field (18) and the URL's own header (4).
pub const MAX_URL: usize = 77;

/// A rule of the standard that real payloads break and that a decoder may choose to overlook.
///
/// Strict decoding ([`decode`]) refuses all of them. [`DecodeOptions`] allows them by name, and
/// a code decoded with one allowed reports it ([`BrCode::relaxations`]), so that an application
/// can accept the code and still warn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize), serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Relaxation {
    /// A merchant name (59) over 25 characters. DICT names are often longer, and some
    /// generators copy them whole.
    LongMerchantName,
    /// A merchant city (60) over 15 characters.
    LongMerchantCity,
    /// No additional data template (62), or no reference label (62-05) in it. The BR Code manual
    /// makes them mandatory; EMV does not.
    MissingTxid,
    /// A static code's reference label (62-05) that is neither `***` nor 1-25 of `[A-Za-z0-9]`,
    /// such as the hyphen in the BR Code manual's own example `RP12345678-2019`.
    NonstandardTxid,
    /// A payload over 512 bytes.
    OversizedPayload,
}

impl Relaxation {
    /// Every relaxation, in declaration order.
    pub const ALL: [Relaxation; 5] = [
        Relaxation::LongMerchantName,
        Relaxation::LongMerchantCity,
        Relaxation::MissingTxid,
        Relaxation::NonstandardTxid,
        Relaxation::OversizedPayload,
    ];

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for Relaxation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Relaxation::LongMerchantName => "merchant name over 25 characters",
            Relaxation::LongMerchantCity => "merchant city over 15 characters",
            Relaxation::MissingTxid => "no reference label (62-05)",
            Relaxation::NonstandardTxid => "static txid outside *** and [A-Za-z0-9]{1,25}",
            Relaxation::OversizedPayload => "payload over 512 bytes",
        })
    }
}

/// A set of [`Relaxation`]s.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Relaxations(u8);

impl Relaxations {
    /// No relaxation.
    pub const NONE: Relaxations = Relaxations(0);

    /// Whether `relaxation` is in the set.
    pub fn contains(self, relaxation: Relaxation) -> bool {
        self.0 & relaxation.bit() != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }

    /// The relaxations in the set.
    pub fn iter(self) -> impl Iterator<Item = Relaxation> {
        Relaxation::ALL.into_iter().filter(move |r| self.contains(*r))
    }

    fn insert(&mut self, relaxation: Relaxation) {
        self.0 |= relaxation.bit();
    }
}

impl fmt::Debug for Relaxations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Relaxations {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

/// How strict decoding is: which [`Relaxation`]s it allows.
///
/// ```
/// use brcode_pix::{DecodeOptions, Relaxation};
///
/// // A real code whose merchant name has 28 characters (bacen/pix-api issue threads).
/// let payload = "00020101021126330014br.gov.bcb.pix0111002051041185204000053039865406350.005802BR5928Leone Parise Vieira da Silva6006Maceió62070503***6304E5FB";
/// assert!(brcode_pix::decode(payload).is_err());
///
/// let options = DecodeOptions::strict().allow(Relaxation::LongMerchantName);
/// let code = options.decode(payload).unwrap();
/// assert!(code.used(Relaxation::LongMerchantName));
/// assert_eq!(code.merchant_city(), "Maceió");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DecodeOptions {
    allowed: Relaxations,
}

impl DecodeOptions {
    /// Every rule enforced. The same as [`decode`].
    pub const fn strict() -> Self {
        DecodeOptions { allowed: Relaxations::NONE }
    }

    /// Every [`Relaxation`] allowed: what a payer's app that wants to pay any code in
    /// circulation would use. Structure, CRC, Pix GUI, currency and country are still checked.
    pub fn lenient() -> Self {
        Relaxation::ALL.into_iter().fold(Self::strict(), Self::allow)
    }

    /// These options with `relaxation` allowed as well.
    #[must_use]
    pub fn allow(mut self, relaxation: Relaxation) -> Self {
        self.allowed.insert(relaxation);
        self
    }

    /// The relaxations allowed.
    pub fn allowed(&self) -> Relaxations {
        self.allowed
    }

    /// Decodes `payload` under these options.
    pub fn decode<'a>(&self, payload: &'a str) -> Result<BrCode<'a>, DecodeError> {
        Decoding { options: *self, used: Relaxations::NONE, first_error: None }.run(payload)
    }
}

/// Decodes and validates a Pix BR Code, strictly.
///
/// The result borrows from `payload`. Checks, in this order, reporting the first problem:
/// the EMV structure and the CRC ([`Payload::parse`]); that a merchant account template carries
/// the Pix GUI; each field's format, in payload order; the mandatory fields; the rules between
/// fields (key or URL, txid of a static code); the payload's size.
///
/// ```
/// let code = brcode_pix::decode("00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D").unwrap();
/// assert_eq!(code.key(), Some("123e4567-e12b-12d1-a456-426655440000"));
/// assert_eq!(code.txid(), Some("***"));
/// ```
pub fn decode(payload: &str) -> Result<BrCode<'_>, DecodeError> {
    DecodeOptions::strict().decode(payload)
}

/// The state of one decoding: which relaxations it used and the first field error it met.
struct Decoding {
    options: DecodeOptions,
    used: Relaxations,
    first_error: Option<DecodeError>,
}

/// The values of the top-level fields, as found.
#[derive(Default)]
struct Found<'a> {
    point_of_initiation: Option<PointOfInitiation>,
    pix_object: Option<DataObject<'a>>,
    pix: Option<PixAccount<'a>>,
    merchant_accounts: Vec<Template<'a>>,
    category: Option<&'a str>,
    currency: Option<&'a str>,
    amount: Option<&'a str>,
    country: Option<&'a str>,
    name: Option<&'a str>,
    city: Option<&'a str>,
    postal_code: Option<&'a str>,
    additional_object: Option<DataObject<'a>>,
    additional: Option<AdditionalData<'a>>,
    language: Option<Template<'a>>,
    unreserved: Vec<Template<'a>>,
    other: Vec<Field<'a>>,
}

impl Decoding {
    fn run<'a>(mut self, text: &'a str) -> Result<BrCode<'a>, DecodeError> {
        let payload = Payload::parse(text)?;
        let mut found = Found::default();
        let mut crc_offset = text.len();
        for object in payload.data_objects() {
            self.read(object, &mut found);
            if object.id == 63 {
                crc_offset = object.offset;
            }
        }
        // Kept in ID order, the order the encoder writes (a canonical payload has it already).
        found.merchant_accounts.sort_by_key(Template::id);
        found.unreserved.sort_by_key(Template::id);
        found.other.sort_by_key(|field| field.id);
        let (Some(pix_object), Some(pix)) = (found.pix_object, found.pix) else {
            return Err(DecodeError::new(0, TagPath::PAYLOAD, ErrorKind::NotPix));
        };
        if let Some(error) = self.first_error.take() {
            return Err(error);
        }

        let missing = |id| DecodeError::new(crc_offset, TagPath::top(id), ErrorKind::Missing);
        let category = found.category.ok_or_else(|| missing(52))?;
        let currency = found.currency.ok_or_else(|| missing(53))?;
        let country = found.country.ok_or_else(|| missing(58))?;
        let name = found.name.ok_or_else(|| missing(59))?;
        let city = found.city.ok_or_else(|| missing(60))?;

        let code = BrCode {
            point_of_initiation: found.point_of_initiation,
            pix,
            merchant_accounts: found.merchant_accounts,
            merchant_category_code: Cow::Borrowed(category),
            currency: Cow::Borrowed(currency),
            amount: found.amount.map(Cow::Borrowed),
            country_code: Cow::Borrowed(country),
            merchant_name: Cow::Borrowed(name),
            merchant_city: Cow::Borrowed(city),
            postal_code: found.postal_code.map(Cow::Borrowed),
            additional_data: found.additional,
            language_template: found.language,
            unreserved_templates: found.unreserved,
            other_fields: found.other,
            crc: Some(Crc { found: payload.crc(), computed: payload.crc() }),
            relaxations: Relaxations::NONE,
        };
        self.check_account(&code, &pix_object)?;
        self.check_txid(&code, found.additional_object.as_ref(), crc_offset)?;
        if text.len() > MAX_PAYLOAD_BYTES {
            let error = DecodeError::new(0, TagPath::PAYLOAD, ErrorKind::PayloadTooLong { found: text.len() });
            self.relax(Relaxation::OversizedPayload, error)?;
        }
        Ok(BrCode { relaxations: self.used, ..code })
    }

    /// Records a field error; only the first is reported, after the Pix GUI check.
    fn fail(&mut self, offset: usize, path: TagPath, kind: impl Into<ErrorKind>) {
        if self.first_error.is_none() {
            self.first_error = Some(DecodeError::new(offset, path, kind));
        }
    }

    /// Overlooks `error` if `relaxation` is allowed, remembering that it was used.
    fn relax(&mut self, relaxation: Relaxation, error: DecodeError) -> Result<(), DecodeError> {
        if self.options.allowed.contains(relaxation) {
            self.used.insert(relaxation);
            Ok(())
        } else {
            Err(error)
        }
    }

    /// Like [`Decoding::relax`], for an error met while walking the fields.
    fn relax_field(&mut self, relaxation: Relaxation, offset: usize, path: TagPath, kind: ErrorKind) {
        if let Err(error) = self.relax(relaxation, DecodeError::new(offset, path, kind)) {
            self.fail(error.offset(), error.path(), error.kind().clone());
        }
    }

    fn read<'a>(&mut self, object: DataObject<'a>, found: &mut Found<'a>) {
        let DataObject { id, value, .. } = object;
        let at = object.value_offset();
        let path = TagPath::top(id);
        match id {
            0 | 63 => {} // checked by the EMV layer
            1 => match PointOfInitiation::from_value(value) {
                Some(poi) => found.point_of_initiation = Some(poi),
                None => self.fail(at, path, ErrorKind::PointOfInitiation),
            },
            26..=51 => {
                let template = Template::from_decoded(&object);
                if found.pix.is_none() && template.is_pix() {
                    found.pix = Some(self.read_pix_account(&object));
                    found.pix_object = Some(object);
                } else {
                    found.merchant_accounts.push(template);
                }
            }
            52 => {
                if value.len() != 4 || !value.bytes().all(|b| b.is_ascii_digit()) {
                    self.fail(at, path, ErrorKind::CategoryCode);
                }
                found.category = Some(value);
            }
            53 => {
                if value != "986" {
                    self.fail(at, path, ErrorKind::Currency);
                }
                found.currency = Some(value);
            }
            54 => {
                if let Err(error) = amount::parse(value) {
                    self.fail(at, path, error);
                }
                found.amount = Some(value);
            }
            58 => {
                if value != "BR" {
                    self.fail(at, path, ErrorKind::Country);
                }
                found.country = Some(value);
            }
            59 => {
                self.read_text(value, at, path, MAX_MERCHANT_NAME, Relaxation::LongMerchantName);
                found.name = Some(value);
            }
            60 => {
                self.read_text(value, at, path, MAX_MERCHANT_CITY, Relaxation::LongMerchantCity);
                found.city = Some(value);
            }
            61 => found.postal_code = Some(value),
            62 => {
                found.additional = Some(self.read_additional_data(&object));
                found.additional_object = Some(object);
            }
            64 => found.language = Some(Template::from_decoded(&object)),
            80..=99 => {
                let template = Template::from_decoded(&object);
                if template.is_pix() {
                    self.check_recurrence_url(&object);
                }
                found.unreserved.push(template);
            }
            _ => found.other.push(Field { id, value: Cow::Borrowed(value) }),
        }
    }

    fn read_text(&mut self, value: &str, at: usize, path: TagPath, max: usize, relaxation: Relaxation) {
        match text::check_decoded(value, max) {
            Ok(()) => {}
            Err(kind @ ErrorKind::TooLong { .. }) => self.relax_field(relaxation, at, path, kind),
            Err(kind) => self.fail(at, path, kind),
        }
    }

    fn read_pix_account<'a>(&mut self, object: &DataObject<'a>) -> PixAccount<'a> {
        let parent = TagPath::top(object.id);
        let mut account = PixAccount {
            id: object.id,
            gui: Cow::Borrowed(""),
            key: None,
            info: None,
            fss: None,
            url: None,
            other: Vec::new(),
        };
        for field in DataObjects::within(object, parent).map_while(Result::ok) {
            let path = parent.child(field.id);
            let at = field.value_offset();
            let value = Cow::Borrowed(field.value);
            match field.id {
                0 => account.gui = value,
                1 => {
                    if let Err(kind) = text::check_decoded(field.value, MAX_KEY_LEN) {
                        self.fail(at, path, kind);
                    }
                    account.key = Some(value);
                }
                2 => {
                    if let Err(kind) = text::check_decoded(field.value, 99) {
                        self.fail(at, path, kind);
                    }
                    account.info = Some(value);
                }
                3 => {
                    if !is_ispb(field.value) {
                        self.fail(
                            at,
                            path,
                            ErrorKind::Character {
                                character: field.value.chars().next().unwrap_or(' '),
                                position: 0,
                                hint: Some("the FSS is an ISPB: 8 digits or upper-case letters"),
                            },
                        );
                    }
                    account.fss = Some(value);
                }
                25 => {
                    if let Err(kind) = check_url(field.value) {
                        self.fail(at, path, kind);
                    }
                    account.url = Some(value);
                }
                _ => account.other.push(Field { id: field.id, value }),
            }
        }
        account
    }

    /// Checks field 25 of a Pix unreserved template (the Pix Automático recurrence location).
    fn check_recurrence_url(&mut self, object: &DataObject<'_>) {
        let parent = TagPath::top(object.id);
        let url = DataObjects::within(object, parent).map_while(Result::ok).find(|field| field.id == 25);
        if let Some(field) = url {
            if let Err(kind) = check_url(field.value) {
                self.fail(field.value_offset(), parent.child(25), kind);
            }
        }
    }

    fn read_additional_data<'a>(&mut self, object: &DataObject<'a>) -> AdditionalData<'a> {
        let parent = TagPath::top(62);
        let mut data = AdditionalData { txid: None, other: Vec::new() };
        for field in DataObjects::within(object, parent).map_while(Result::ok) {
            let value = Cow::Borrowed(field.value);
            match field.id {
                5 => data.txid = Some(value),
                _ => data.other.push(Field { id: field.id, value }),
            }
        }
        data
    }

    fn check_account(&mut self, code: &BrCode<'_>, object: &DataObject<'_>) -> Result<(), DecodeError> {
        let parent = TagPath::top(object.id);
        match (code.pix.key.is_some(), code.pix.url.is_some()) {
            (true, true) => {
                let url_at = DataObjects::within(object, parent)
                    .map_while(Result::ok)
                    .find(|f| f.id == 25)
                    .map_or(object.offset, |f| f.offset);
                Err(DecodeError::new(url_at, parent.child(25), ErrorKind::KeyAndUrl))
            }
            // A Pix Automático code may carry its only location in an unreserved template.
            (false, false) if code.recurrence_url().is_none() => {
                Err(DecodeError::new(object.value_offset(), parent, ErrorKind::NoKeyOrUrl))
            }
            _ => Ok(()),
        }
    }

    fn check_txid(
        &mut self,
        code: &BrCode<'_>,
        additional: Option<&DataObject<'_>>,
        crc_offset: usize,
    ) -> Result<(), DecodeError> {
        let path = TagPath::nested(62, 5);
        let txid_field = additional
            .and_then(|object| DataObjects::within(object, TagPath::top(62)).map_while(Result::ok).find(|f| f.id == 5));
        let Some(field) = txid_field else {
            let (at, path) = match additional {
                Some(object) => (object.value_offset(), path),
                None => (crc_offset, TagPath::top(62)),
            };
            return self.relax(Relaxation::MissingTxid, DecodeError::new(at, path, ErrorKind::Missing));
        };
        let at = field.value_offset();
        if let Err(kind) = text::check_decoded(field.value, MAX_TXID) {
            return Err(DecodeError::new(at, path, kind));
        }
        // A dynamic code's txid is served at its location; payers ignore 62-05, whatever it holds.
        if code.is_dynamic() {
            return Ok(());
        }
        if let Err(kind) = check_static_txid(field.value) {
            self.relax(Relaxation::NonstandardTxid, DecodeError::new(at, path, kind))?;
        }
        Ok(())
    }
}

/// The txid rule of a static code: `***`, or 1 to 25 of `[A-Za-z0-9]`.
pub(crate) fn check_static_txid(txid: &str) -> Result<(), ErrorKind> {
    if txid == "***" {
        return Ok(());
    }
    if let Some((position, character)) = txid.chars().enumerate().find(|(_, c)| !c.is_ascii_alphanumeric()) {
        let hint = Some("a txid is letters and digits only, or *** for none");
        return Err(ErrorKind::Character { character, position, hint });
    }
    let found = char_len(txid);
    match found {
        0 => Err(ErrorKind::EmptyValue),
        1..=MAX_TXID => Ok(()),
        _ => Err(ErrorKind::TooLong { max: MAX_TXID, found }),
    }
}

/// The location URL rule: no scheme, no white space, a host with a dot, at most 77 characters.
pub(crate) fn check_url(url: &str) -> Result<(), ErrorKind> {
    if url.contains("://") {
        return Err(UrlError::Scheme.into());
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(UrlError::Whitespace.into());
    }
    let host = url.split(['/', '?', '#']).next().unwrap_or_default();
    let host_name = host.rsplit_once(':').map_or(host, |(name, _port)| name);
    if !host_name.contains('.') || host_name.starts_with('.') || host_name.ends_with('.') {
        return Err(UrlError::Host.into());
    }
    let found = char_len(url);
    if found > MAX_URL {
        return Err(ErrorKind::TooLong { max: MAX_URL, found });
    }
    Ok(())
}

/// An ISPB: 8 digits, or upper-case letters since the alphanumeric CNPJ.
pub(crate) fn is_ispb(value: &str) -> bool {
    value.len() == 8 && value.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_txid_rule() {
        assert_eq!(check_static_txid("***"), Ok(()));
        assert_eq!(check_static_txid("ABC123xyz"), Ok(()));
        assert!(matches!(
            check_static_txid("RP12345678-2019"),
            Err(ErrorKind::Character { character: '-', position: 10, .. })
        ));
        assert_eq!(check_static_txid(&"A".repeat(26)), Err(ErrorKind::TooLong { max: 25, found: 26 }));
        assert!(check_static_txid("**").is_err());
    }

    #[test]
    fn url_rule() {
        assert_eq!(check_url("pix.example.com/qr/v2/abc"), Ok(()));
        assert_eq!(check_url("pix.example.com:8443/qr"), Ok(()));
        assert_eq!(check_url("https://pix.example.com/qr"), Err(UrlError::Scheme.into()));
        assert_eq!(check_url("pix.example.com/a b"), Err(UrlError::Whitespace.into()));
        assert_eq!(check_url("localhost/qr"), Err(UrlError::Host.into()));
        assert_eq!(
            check_url(&format!("pix.example.com/{}", "a".repeat(62))),
            Err(ErrorKind::TooLong { max: 77, found: 78 })
        );
    }

    #[test]
    fn relaxation_sets() {
        let mut set = Relaxations::NONE;
        assert!(set.is_empty());
        set.insert(Relaxation::MissingTxid);
        assert!(set.contains(Relaxation::MissingTxid));
        assert!(!set.contains(Relaxation::LongMerchantCity));
        assert_eq!(set.iter().collect::<Vec<_>>(), [Relaxation::MissingTxid]);
        assert_eq!(DecodeOptions::lenient().allowed().iter().count(), Relaxation::ALL.len());
    }
}
