//! From a checked EMV payload to a [`BrCode`]: the Pix rules.

use std::borrow::Cow;
use std::fmt;

use crate::amount;
use crate::code::{AdditionalData, BrCode, Crc, Field, PIX_GUI, PixAccount, PointOfInitiation, Template};
use crate::emv::Visitor;
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

    /// Its name, as serde writes it too: `long_merchant_name`, `long_merchant_city`,
    /// `missing_txid`, `nonstandard_txid`, `oversized_payload`.
    ///
    /// ```
    /// assert_eq!(brcode_pix::Relaxation::MissingTxid.name(), "missing_txid");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Relaxation::LongMerchantName => "long_merchant_name",
            Relaxation::LongMerchantCity => "long_merchant_city",
            Relaxation::MissingTxid => "missing_txid",
            Relaxation::NonstandardTxid => "nonstandard_txid",
            Relaxation::OversizedPayload => "oversized_payload",
        }
    }

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
impl serde::Serialize for Relaxation {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
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
        Decoding::new(*self, false).run(payload, None, None)
    }

    /// Every problem of `payload` under these options, not just the first, in the order
    /// [`decode`] would meet them; empty when the payload decodes.
    ///
    /// A broken EMV structure stops the search (what follows cannot be read), but a CRC that
    /// does not match is reported and the fields are checked still, since a payer wants to know
    /// what else is wrong.
    ///
    /// ```
    /// use brcode_pix::{DecodeOptions, ErrorKind};
    ///
    /// // Currency 840 and country US, and the CRC no longer matches.
    /// let payload = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053038405802US5913Fulano de Tal6008BRASILIA62070503***63041D3D";
    /// let kinds: Vec<ErrorKind> = DecodeOptions::strict().diagnose(payload).into_iter().map(|e| e.kind().clone()).collect();
    /// assert!(matches!(kinds[0], ErrorKind::CrcMismatch { .. }));
    /// assert_eq!(kinds[1..], [ErrorKind::Currency, ErrorKind::Country]);
    /// ```
    pub fn diagnose(&self, payload: &str) -> Vec<DecodeError> {
        self.examine(payload).errors
    }

    /// Every problem of `payload` under these options, as [`diagnose`](Self::diagnose) finds
    /// them, and every rule of the manual it breaks that these options overlook, each with the
    /// relaxation that overlooks it.
    ///
    /// With [`lenient`](Self::lenient) options, no `errors` means a wallet can pay the code, and
    /// no `errors` and no `deviations` means that it follows the manual to the letter.
    ///
    /// ```
    /// use brcode_pix::{DecodeOptions, Relaxation};
    ///
    /// // A city of 19 characters, and no additional data template (62).
    /// let payload = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6019SAO JOSE DOS CAMPOS630482A0";
    /// let found = DecodeOptions::lenient().examine(payload);
    /// assert!(found.errors.is_empty());
    /// let relaxations: Vec<Relaxation> = found.deviations.iter().map(|d| d.relaxation).collect();
    /// assert_eq!(relaxations, [Relaxation::LongMerchantCity, Relaxation::MissingTxid]);
    /// assert_eq!(found.deviations[0].error.path().to_string(), "60");
    /// ```
    pub fn examine(&self, payload: &str) -> Examination {
        let mut errors = Vec::new();
        let mut deviations = Vec::new();
        // Every problem, the one that stopped the checks included, is in `errors`.
        let _ = Decoding::new(*self, true).run(payload, Some(&mut errors), Some(&mut deviations));
        Examination { errors, deviations }
    }
}

/// What [`DecodeOptions::examine`] found in a payload.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Examination {
    /// The problems the options do not overlook, in the order [`decode`] would meet them.
    pub errors: Vec<DecodeError>,
    /// The rules broken that the options overlook, in payload order.
    pub deviations: Vec<Deviation>,
}

/// A rule of the manual that a payload breaks and that a [`Relaxation`] overlooks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deviation {
    /// The relaxation that overlooks it.
    pub relaxation: Relaxation,
    /// What strict decoding reports for it: the field, the offset and the rule.
    pub error: DecodeError,
}

/// Decodes and validates a Pix BR Code, strictly.
///
/// The result borrows from `payload`. Checks, in this order, reporting the first problem: the
/// EMV structure and the CRC (as [`emv::Payload::parse`](crate::emv::Payload::parse) does); that
/// a merchant account template carries the Pix GUI; each field's format, in payload order; the
/// mandatory fields; the rules between fields (key or URL, txid of a static code); the payload's
/// size.
///
/// ```
/// let code = brcode_pix::decode("00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D").unwrap();
/// assert_eq!(code.key(), Some("123e4567-e12b-12d1-a456-426655440000"));
/// assert_eq!(code.txid(), Some("***"));
/// ```
pub fn decode(payload: &str) -> Result<BrCode<'_>, DecodeError> {
    DecodeOptions::strict().decode(payload)
}

/// Every problem of a payload, checked strictly: [`DecodeOptions::diagnose`] with every rule
/// enforced. Empty when [`decode`] accepts the payload; otherwise its first entry is the error
/// [`decode`] returns.
///
/// ```
/// let problems = brcode_pix::diagnose("00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D");
/// assert!(problems.is_empty());
/// ```
pub fn diagnose(payload: &str) -> Vec<DecodeError> {
    DecodeOptions::strict().diagnose(payload)
}

/// One decoding: a visitor of the EMV walk that reads the Pix fields as they pass.
struct Decoding<'a> {
    options: DecodeOptions,
    /// The relaxations used so far.
    used: Relaxations,
    /// The first field error met, reported once the code is known to be Pix.
    first_error: Option<DecodeError>,
    /// Diagnosing: every field error met, not just the first.
    collect: bool,
    field_errors: Vec<DecodeError>,
    /// Diagnosing: the relaxations used while walking the fields, and where.
    field_deviations: Vec<Deviation>,
    found: Found<'a>,
    /// Whose nested data objects the walk is reporting.
    inside: Inside,
}

/// The template being walked.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Inside {
    /// The Pix merchant account template.
    PixAccount,
    /// Template 62.
    AdditionalData,
    /// An unreserved template with the Pix GUI (Pix Automático recurrence).
    PixUnreserved,
    /// Any other template, kept as written.
    Other,
}

/// The fields found, and where, for the checks that need the whole code.
#[derive(Default)]
struct Found<'a> {
    point_of_initiation: Option<PointOfInitiation>,
    pix: Option<PixAccount<'a>>,
    pix_value_offset: usize,
    url_offset: Option<usize>,
    merchant_accounts: Vec<Template<'a>>,
    category: Option<&'a str>,
    currency: Option<&'a str>,
    amount: Option<&'a str>,
    country: Option<&'a str>,
    name: Option<&'a str>,
    city: Option<&'a str>,
    postal_code: Option<&'a str>,
    additional: Option<AdditionalData<'a>>,
    additional_value_offset: usize,
    txid_value_offset: usize,
    language: Option<Template<'a>>,
    unreserved: Vec<Template<'a>>,
    other: Vec<Field<'a>>,
    crc_offset: usize,
}

/// Where a check that fails goes: back to the caller at once when decoding, into the list when
/// diagnosing (and the check goes on).
fn report(diagnosis: &mut Option<&mut Vec<DecodeError>>, error: DecodeError) -> Result<(), DecodeError> {
    match diagnosis {
        Some(errors) => {
            errors.push(error);
            Ok(())
        }
        None => Err(error),
    }
}

/// A problem after which nothing more can be checked: listed too when diagnosing.
fn stop(diagnosis: &mut Option<&mut Vec<DecodeError>>, error: DecodeError) -> DecodeError {
    if let Some(errors) = diagnosis {
        errors.push(error.clone());
    }
    error
}

impl<'a> Decoding<'a> {
    fn new(options: DecodeOptions, collect: bool) -> Self {
        Decoding {
            options,
            used: Relaxations::NONE,
            first_error: None,
            collect,
            field_errors: Vec::new(),
            field_deviations: Vec::new(),
            found: Found::default(),
            inside: Inside::Other,
        }
    }

    /// Decodes `text`. With `diagnosis`, every problem found is pushed there and the checks go
    /// on; the `Err` returned is then the one that stops them. With `deviations`, every
    /// relaxation used is pushed there with the error it overlooked.
    fn run(
        mut self,
        text: &'a str,
        mut diagnosis: Option<&mut Vec<DecodeError>>,
        mut deviations: Option<&mut Vec<Deviation>>,
    ) -> Result<BrCode<'a>, DecodeError> {
        let crc = match crate::emv::walk(text, &mut self) {
            Ok(crc) => crc,
            // The walk visited every data object before it compared the CRC: the fields can
            // still be judged.
            Err(error)
                if diagnosis.is_some()
                    && matches!(error.kind(), ErrorKind::CrcMismatch { .. } | ErrorKind::CrcFormat) =>
            {
                report(&mut diagnosis, error)?;
                0
            }
            Err(error) => return Err(stop(&mut diagnosis, error)),
        };
        let Decoding { options, mut used, first_error, field_errors, field_deviations, found, .. } = self;
        if let Some(deviations) = &mut deviations {
            deviations.extend(field_deviations);
        }
        let Found {
            point_of_initiation,
            pix,
            pix_value_offset,
            url_offset,
            mut merchant_accounts,
            category,
            currency,
            amount,
            country,
            name,
            city,
            postal_code,
            mut additional,
            additional_value_offset,
            txid_value_offset,
            language,
            mut unreserved,
            mut other,
            crc_offset,
        } = found;
        let Some(mut pix) = pix else {
            return Err(stop(&mut diagnosis, DecodeError::new(0, TagPath::PAYLOAD, ErrorKind::NotPix)));
        };
        match &mut diagnosis {
            Some(errors) => errors.extend(field_errors),
            None => {
                if let Some(error) = first_error {
                    return Err(error);
                }
            }
        }
        let mut mandatory = |value: Option<&'a str>, id: u8| -> Result<&'a str, DecodeError> {
            match value {
                Some(value) => Ok(value),
                None => report(&mut diagnosis, DecodeError::new(crc_offset, TagPath::top(id), ErrorKind::Missing))
                    .map(|()| ""),
            }
        };
        let category = mandatory(category, 52)?;
        let currency = mandatory(currency, 53)?;
        let country = mandatory(country, 58)?;
        let name = mandatory(name, 59)?;
        let city = mandatory(city, 60)?;

        // A problem, unless `relaxation` names one the options allow.
        let mut problem = |relaxation: Option<Relaxation>, error: DecodeError| match relaxation {
            Some(relaxation) if options.allowed.contains(relaxation) => {
                used.insert(relaxation);
                if let Some(deviations) = &mut deviations {
                    deviations.push(Deviation { relaxation, error });
                }
                Ok(())
            }
            _ => report(&mut diagnosis, error),
        };
        // Either a key or a location URL; a Pix Automático code may carry its only location
        // in an unreserved template.
        let account = TagPath::top(pix.id);
        match (&pix.key, url_offset) {
            (Some(_), Some(url_at)) => {
                problem(None, DecodeError::new(url_at, account.child(25), ErrorKind::KeyAndUrl))?;
            }
            (None, None) if !unreserved.iter().any(|t| t.is_pix() && t.get(25).is_some()) => {
                problem(None, DecodeError::new(pix_value_offset, account, ErrorKind::NoKeyOrUrl))?;
            }
            _ => {}
        }
        let txid_path = TagPath::nested(62, 5);
        match additional.as_ref().and_then(|data| data.txid.as_deref()) {
            None => {
                let (at, path) = match additional {
                    Some(_) => (additional_value_offset, txid_path),
                    None => (crc_offset, TagPath::top(62)),
                };
                problem(Some(Relaxation::MissingTxid), DecodeError::new(at, path, ErrorKind::Missing))?;
            }
            Some(txid) => {
                if let Err(kind) = text::check_decoded(txid, MAX_TXID) {
                    problem(None, DecodeError::new(txid_value_offset, txid_path, kind))?;
                }
                // A dynamic code's txid is served at its location; payers ignore 62-05.
                if pix.url.is_none() {
                    if let Err(kind) = check_static_txid(txid) {
                        problem(
                            Some(Relaxation::NonstandardTxid),
                            DecodeError::new(txid_value_offset, txid_path, kind),
                        )?;
                    }
                }
            }
        }
        if text.len() > MAX_PAYLOAD_BYTES {
            let error = DecodeError::new(0, TagPath::PAYLOAD, ErrorKind::PayloadTooLong { found: text.len() });
            problem(Some(Relaxation::OversizedPayload), error)?;
        }
        if let Some(first) = diagnosis.as_ref().and_then(|errors| errors.first()) {
            // Diagnosing found problems: the code is not returned.
            return Err(first.clone());
        }

        // Kept in ID order, the order the encoder writes (a canonical payload has it already).
        pix.other.sort_by_key(|field| field.id);
        merchant_accounts.sort_by_key(Template::id);
        unreserved.sort_by_key(Template::id);
        other.sort_by_key(|field| field.id);
        if let Some(data) = &mut additional {
            data.other.sort_by_key(|field| field.id);
        }
        Ok(BrCode {
            point_of_initiation,
            pix,
            merchant_accounts,
            merchant_category_code: Cow::Borrowed(category),
            currency: Cow::Borrowed(currency),
            amount: amount.map(Cow::Borrowed),
            country_code: Cow::Borrowed(country),
            merchant_name: Cow::Borrowed(name),
            merchant_city: Cow::Borrowed(city),
            postal_code: postal_code.map(Cow::Borrowed),
            additional_data: additional,
            language_template: language,
            unreserved_templates: unreserved,
            other_fields: other,
            crc: Some(Crc { found: crc, computed: crc }),
            relaxations: used,
        })
    }

    /// Records a field error; decoding reports the first, after the Pix GUI check; diagnosing
    /// keeps them all.
    fn fail(&mut self, offset: usize, path: TagPath, kind: impl Into<ErrorKind>) {
        let error = DecodeError::new(offset, path, kind);
        if self.collect {
            self.field_errors.push(error.clone());
        }
        if self.first_error.is_none() {
            self.first_error = Some(error);
        }
    }

    fn read_text(&mut self, value: &str, at: usize, path: TagPath, max: usize, relaxation: Relaxation) {
        match text::check_decoded(value, max) {
            Ok(()) => {}
            Err(kind @ ErrorKind::TooLong { .. }) if self.options.allowed.contains(relaxation) => {
                self.used.insert(relaxation);
                if self.collect {
                    self.field_deviations.push(Deviation { relaxation, error: DecodeError::new(at, path, kind) });
                }
            }
            Err(kind) => self.fail(at, path, kind),
        }
    }

    fn read_pix_account_field(&mut self, parent: u8, field: DataObject<'a>) {
        let path = TagPath::nested(parent, field.id);
        let at = field.value_offset();
        let mut error = None;
        let Some(account) = self.found.pix.as_mut() else { return };
        let value = Cow::Borrowed(field.value);
        match field.id {
            0 => account.gui = value,
            1 => {
                error = text::check_decoded(field.value, MAX_KEY_LEN).err();
                account.key = Some(value);
            }
            2 => {
                error = text::check_decoded(field.value, 99).err();
                account.info = Some(value);
            }
            3 => {
                error = (!is_ispb(field.value)).then_some(ErrorKind::Ispb);
                account.fss = Some(value);
            }
            25 => {
                error = check_url(field.value).err();
                account.url = Some(value);
                self.found.url_offset = Some(field.offset);
            }
            _ => account.other.push(Field { id: field.id, value }),
        }
        if let Some(kind) = error {
            self.fail(at, path, kind);
        }
    }
}

/// Whether a merchant account template carries the Pix GUI. The GUI comes first in every real
/// payload; a template that puts it elsewhere is searched.
fn is_pix_account(template: &DataObject<'_>) -> bool {
    match template.value.as_bytes() {
        [b'0', b'0', b'1', b'4', gui @ ..] => {
            gui.get(..14).is_some_and(|gui| gui.eq_ignore_ascii_case(PIX_GUI.as_bytes()))
        }
        _ => Template::from_decoded(template).is_pix(),
    }
}

impl<'a> Visitor<'a> for Decoding<'a> {
    fn top(&mut self, object: DataObject<'a>) {
        let DataObject { id, value, .. } = object;
        let at = object.value_offset();
        let path = TagPath::top(id);
        let found = &mut self.found;
        self.inside = Inside::Other;
        match id {
            0 => {} // checked by the walk
            63 => found.crc_offset = object.offset,
            1 => match PointOfInitiation::from_value(value) {
                Some(poi) => found.point_of_initiation = Some(poi),
                None => self.fail(at, path, ErrorKind::PointOfInitiation),
            },
            26..=51 => {
                if found.pix.is_none() && is_pix_account(&object) {
                    found.pix = Some(PixAccount {
                        id,
                        gui: Cow::Borrowed(""),
                        key: None,
                        info: None,
                        fss: None,
                        url: None,
                        other: Vec::new(),
                    });
                    found.pix_value_offset = at;
                    self.inside = Inside::PixAccount;
                } else {
                    found.merchant_accounts.push(Template::from_decoded(&object));
                }
            }
            52 => {
                found.category = Some(value);
                if value.len() != 4 || !value.bytes().all(|b| b.is_ascii_digit()) {
                    self.fail(at, path, ErrorKind::CategoryCode);
                }
            }
            53 => {
                found.currency = Some(value);
                if value != "986" {
                    self.fail(at, path, ErrorKind::Currency);
                }
            }
            54 => {
                found.amount = Some(value);
                if let Err(error) = amount::parse(value) {
                    self.fail(at, path, error);
                }
            }
            58 => {
                found.country = Some(value);
                if value != "BR" {
                    self.fail(at, path, ErrorKind::Country);
                }
            }
            59 => {
                found.name = Some(value);
                self.read_text(value, at, path, MAX_MERCHANT_NAME, Relaxation::LongMerchantName);
            }
            60 => {
                found.city = Some(value);
                self.read_text(value, at, path, MAX_MERCHANT_CITY, Relaxation::LongMerchantCity);
            }
            61 => found.postal_code = Some(value),
            62 => {
                found.additional = Some(AdditionalData { txid: None, other: Vec::new() });
                found.additional_value_offset = at;
                self.inside = Inside::AdditionalData;
            }
            64 => found.language = Some(Template::from_decoded(&object)),
            80..=99 => {
                let template = Template::from_decoded(&object);
                if template.is_pix() {
                    self.inside = Inside::PixUnreserved;
                }
                found.unreserved.push(template);
            }
            _ => found.other.push(Field { id, value: Cow::Borrowed(value) }),
        }
    }

    fn nested(&mut self, parent: u8, object: DataObject<'a>) {
        match self.inside {
            Inside::PixAccount => self.read_pix_account_field(parent, object),
            Inside::AdditionalData => {
                let Some(data) = self.found.additional.as_mut() else { return };
                if object.id == 5 {
                    data.txid = Some(Cow::Borrowed(object.value));
                    self.found.txid_value_offset = object.value_offset();
                } else {
                    data.other.push(Field { id: object.id, value: Cow::Borrowed(object.value) });
                }
            }
            Inside::PixUnreserved if object.id == 25 => {
                if let Err(kind) = check_url(object.value) {
                    self.fail(object.value_offset(), TagPath::nested(parent, 25), kind);
                }
            }
            Inside::PixUnreserved | Inside::Other => {}
        }
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
    let bytes = url.as_bytes();
    // White space and control characters: in ASCII, every byte up to the space, and DEL. A fold
    // without early exit, so that it compiles to vector instructions.
    let ascii_blank = bytes.iter().fold(false, |blank, &b| blank | (b <= b' ') | (b == 0x7F));
    if ascii_blank || (!url.is_ascii() && url.chars().any(|c| c.is_whitespace() || c.is_control())) {
        return Err(UrlError::Whitespace.into());
    }
    let host_end = bytes.iter().position(|b| matches!(b, b'/' | b'?' | b'#')).unwrap_or(bytes.len());
    let (host, path) = bytes.split_at(host_end);
    // `https://host/...`: the part before the first slash ends with a colon, and a slash follows.
    if host.last() == Some(&b':') && path.starts_with(b"//") {
        return Err(UrlError::Scheme.into());
    }
    let name = match host.iter().rposition(|&b| b == b':') {
        Some(colon) => &host[..colon],
        None => host,
    };
    if !name.contains(&b'.') || name.first() == Some(&b'.') || name.last() == Some(&b'.') {
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
        assert_eq!(check_url("http://pix.example.com"), Err(UrlError::Scheme.into()));
        // A URL in the query is not a scheme.
        assert_eq!(check_url("pix.example.com/qr?next=https://x.example.com"), Ok(()));
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
