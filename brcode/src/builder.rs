//! Building a BR Code from values, refusing what the standard does not allow.

use std::borrow::Cow;

use rust_decimal::Decimal;

use crate::amount;
use crate::code::{AdditionalData, BrCode, PIX_GUI, PixAccount, PointOfInitiation, Template};
use crate::decode::Relaxations;
use crate::decode::{MAX_MERCHANT_CITY, MAX_MERCHANT_NAME, MAX_PAYLOAD_BYTES, check_static_txid, check_url, is_ispb};
use crate::encode::check_value_len;
use crate::error::{EncodeError, ErrorKind, TagPath};
use crate::key::PixKey;
use crate::text::{self, TextPolicy};

/// The longest postal code EMV allows in field 61.
const MAX_POSTAL_CODE: usize = 10;

/// Builds a [`BrCode`]: a static code from a Pix key, or a dynamic code from a location URL.
///
/// Nothing is changed silently. A value the standard does not allow (a name over 25 characters,
/// a city over 15, an invalid key, an amount with three decimals, a txid with a hyphen) makes
/// [`build`](BrCodeBuilder::build) fail with an [`EncodeError`] naming the field. Free text must be
/// printable ASCII unless [`transliterate`](BrCodeBuilder::transliterate) folds accents or
/// [`allow_utf8`](BrCodeBuilder::allow_utf8) keeps them; [`truncate`](BrCodeBuilder::truncate) cuts
/// text to its limit instead of refusing it.
///
/// ```
/// use brcode_pix::BrCode;
///
/// // A static code: key, amount, txid.
/// let code = BrCode::builder()
///     .key("fulano@example.com")
///     .merchant_name("Fulano de Tal")
///     .merchant_city("São Paulo")
///     .transliterate(true)
///     .amount_centavos(15000)
///     .txid("PEDIDO42")
///     .build()
///     .unwrap();
/// let payload = code.encode();
/// assert!(payload.contains("540615000") == false && payload.contains("5406150.00"));
/// assert!(payload.contains("6009Sao Paulo"));
/// assert_eq!(brcode_pix::decode(&payload).unwrap(), code);
///
/// // A dynamic code: the charge is served at the location.
/// let dynamic = BrCode::builder()
///     .location("pix.example.com/qr/v2/9d36b84fc70b478fb95c12729b90ca25")
///     .merchant_name("Fulano de Tal")
///     .merchant_city("BRASILIA")
///     .build()
///     .unwrap();
/// assert!(dynamic.is_dynamic());
/// assert!(dynamic.encode().starts_with("000201010212"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct BrCodeBuilder<'a> {
    key: Option<Cow<'a, str>>,
    url: Option<Cow<'a, str>>,
    info: Option<Cow<'a, str>>,
    fss: Option<Cow<'a, str>>,
    point_of_initiation: Option<PointOfInitiation>,
    merchant_category_code: Option<Cow<'a, str>>,
    amount: Option<Decimal>,
    merchant_name: Option<Cow<'a, str>>,
    merchant_city: Option<Cow<'a, str>>,
    postal_code: Option<Cow<'a, str>>,
    txid: Option<Cow<'a, str>>,
    recurrence_url: Option<Cow<'a, str>>,
    unreserved: Vec<Template<'a>>,
    text: TextPolicy,
}

impl<'a> BrCode<'a> {
    /// A builder for a new code.
    pub fn builder() -> BrCodeBuilder<'a> {
        BrCodeBuilder::default()
    }
}

impl<'a> BrCodeBuilder<'a> {
    /// The Pix key of a static code (field 26-01), as the DICT stores it.
    pub fn key(mut self, key: impl Into<Cow<'a, str>>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// The location URL of a dynamic code (field 26-25), without `https://`.
    pub fn location(mut self, url: impl Into<Cow<'a, str>>) -> Self {
        self.url = Some(url.into());
        self
    }

    /// Additional information for the payer (field 26-02, static codes only).
    pub fn info(mut self, info: impl Into<Cow<'a, str>>) -> Self {
        self.info = Some(info.into());
        self
    }

    /// The ISPB of the withdrawal service provider for Pix Saque or Pix Troco (field 26-03,
    /// static codes only).
    pub fn fss(mut self, ispb: impl Into<Cow<'a, str>>) -> Self {
        self.fss = Some(ispb.into());
        self
    }

    /// Field 01. By default a dynamic code says `12` and a static code leaves the field out, as
    /// the Central Bank's examples do.
    pub fn point_of_initiation(mut self, point_of_initiation: PointOfInitiation) -> Self {
        self.point_of_initiation = Some(point_of_initiation);
        self
    }

    /// Field 52, four digits; `0000` by default.
    pub fn merchant_category_code(mut self, code: impl Into<Cow<'a, str>>) -> Self {
        self.merchant_category_code = Some(code.into());
        self
    }

    /// Field 54. Written with two decimals; more than two significant decimals is an error.
    pub fn amount(mut self, amount: Decimal) -> Self {
        self.amount = Some(amount);
        self
    }

    /// Field 54, from centavos: `15000` is written `150.00`.
    pub fn amount_centavos(self, centavos: i64) -> Self {
        self.amount(Decimal::new(centavos, 2))
    }

    /// Field 59, the receiver's name, at most 25 characters.
    pub fn merchant_name(mut self, name: impl Into<Cow<'a, str>>) -> Self {
        self.merchant_name = Some(name.into());
        self
    }

    /// Field 60, the receiver's city, at most 15 characters.
    pub fn merchant_city(mut self, city: impl Into<Cow<'a, str>>) -> Self {
        self.merchant_city = Some(city.into());
        self
    }

    /// Field 61, the postal code (CEP), at most 10 characters.
    pub fn postal_code(mut self, postal_code: impl Into<Cow<'a, str>>) -> Self {
        self.postal_code = Some(postal_code.into());
        self
    }

    /// Field 62-05: 1 to 25 letters and digits, or `***` (the default) for none. Only static
    /// codes carry a txid here; a dynamic code's txid belongs to its charge.
    pub fn txid(mut self, txid: impl Into<Cow<'a, str>>) -> Self {
        self.txid = Some(txid.into());
        self
    }

    /// The Pix Automático recurrence location, written as unreserved template 80 with the Pix
    /// GUI (a composite code). With neither key nor location, the code is recurrence-only.
    pub fn recurrence_location(mut self, url: impl Into<Cow<'a, str>>) -> Self {
        self.recurrence_url = Some(url.into());
        self
    }

    /// An unreserved template (80-99).
    pub fn unreserved_template(mut self, template: Template<'a>) -> Self {
        self.unreserved.push(template);
        self
    }

    /// Fold accented letters to ASCII in free text (`São` becomes `Sao`) instead of refusing them.
    pub fn transliterate(mut self, yes: bool) -> Self {
        self.text.transliterate = yes;
        self
    }

    /// Cut free text over its limit (name 25, city 15...) instead of refusing it.
    pub fn truncate(mut self, yes: bool) -> Self {
        self.text.truncate = yes;
        self
    }

    /// Keep non-ASCII characters in free text. The Central Bank accepts UTF-8; some payer apps
    /// refuse such codes.
    pub fn allow_utf8(mut self, yes: bool) -> Self {
        self.text.allow_utf8 = yes;
        self
    }

    /// Checks every value and assembles the code.
    pub fn build(self) -> Result<BrCode<'a>, EncodeError> {
        let policy = self.text;
        let fail = |path, kind: ErrorKind| EncodeError::new(path, kind);
        let missing = |id| EncodeError::new(TagPath::top(id), ErrorKind::Missing);
        let account_path = TagPath::top(26);

        let mut unreserved = self.unreserved;
        if let Some(url) = &self.recurrence_url {
            check_url(url).map_err(|kind| fail(TagPath::nested(80, 25), kind))?;
            unreserved.push(Template::new(80, [(0, PIX_GUI), (25, url.as_ref())])?);
        }
        unreserved.sort_by_key(Template::id);
        for pair in unreserved.windows(2) {
            if pair[0].id() == pair[1].id() {
                return Err(fail(TagPath::top(pair[1].id()), ErrorKind::Duplicate));
            }
        }
        if let Some(template) = unreserved.iter().find(|t| !(80..=99).contains(&t.id())) {
            let id = template.id();
            return Err(fail(TagPath::top(id), ErrorKind::IdOutOfRange { id, range: "80-99 (unreserved templates)" }));
        }

        match (&self.key, &self.url) {
            (Some(_), Some(_)) => return Err(fail(account_path.child(25), ErrorKind::KeyAndUrl)),
            (None, None) if self.recurrence_url.is_none() => {
                return Err(fail(account_path, ErrorKind::NoKeyOrUrl));
            }
            _ => {}
        }
        if let Some(key) = &self.key {
            PixKey::parse(key.as_ref()).map_err(|e| fail(account_path.child(1), e.into()))?;
        }
        if let Some(url) = &self.url {
            check_url(url).map_err(|kind| fail(account_path.child(25), kind))?;
            // The Central Bank's manual: a dynamic code's template 26 holds the GUI and the URL
            // only, and its 62-05 is `***`; the charge served at the URL carries the rest.
            let txid_given = self.txid.as_deref().is_some_and(|txid| txid != "***");
            let static_only = [(2, self.info.is_some()), (3, self.fss.is_some())];
            if let Some((id, _)) = static_only.into_iter().find(|(_, given)| *given) {
                return Err(fail(account_path.child(id), ErrorKind::StaticOnly));
            }
            if txid_given {
                return Err(fail(TagPath::nested(62, 5), ErrorKind::StaticOnly));
            }
        }
        let info = match self.info {
            Some(info) => Some(text::prepare(info, 99, policy, account_path.child(2))?),
            None => None,
        };
        if let Some(fss) = &self.fss {
            if !is_ispb(fss) {
                return Err(fail(account_path.child(3), ErrorKind::Ispb));
            }
        }
        let pix = PixAccount {
            id: 26,
            gui: Cow::Borrowed(PIX_GUI),
            key: self.key,
            info,
            fss: self.fss,
            url: self.url,
            other: Vec::new(),
        };
        let template_len: usize =
            [Some(&pix.gui), pix.key.as_ref(), pix.info.as_ref(), pix.fss.as_ref(), pix.url.as_ref()]
                .into_iter()
                .flatten()
                .map(|value| 4 + crate::tlv::char_len(value))
                .sum();
        if template_len > 99 {
            return Err(fail(account_path, ErrorKind::TemplateTooLong { found: template_len }));
        }

        let category = self.merchant_category_code.unwrap_or(Cow::Borrowed("0000"));
        if category.len() != 4 || !category.bytes().all(|b| b.is_ascii_digit()) {
            return Err(fail(TagPath::top(52), ErrorKind::CategoryCode));
        }
        let amount = match self.amount {
            Some(value) => {
                let text = amount::canonical(value).map_err(|e| fail(TagPath::top(54), e.into()))?;
                Some(Cow::Owned(text))
            }
            None => None,
        };
        let name = self.merchant_name.ok_or_else(|| missing(59))?;
        let name = text::prepare(name, MAX_MERCHANT_NAME, policy, TagPath::top(59))?;
        let city = self.merchant_city.ok_or_else(|| missing(60))?;
        let city = text::prepare(city, MAX_MERCHANT_CITY, policy, TagPath::top(60))?;
        let postal_code = match self.postal_code {
            Some(code) => Some(text::prepare(code, MAX_POSTAL_CODE, policy, TagPath::top(61))?),
            None => None,
        };
        let txid = self.txid.unwrap_or(Cow::Borrowed("***"));
        check_static_txid(&txid).map_err(|kind| fail(TagPath::nested(62, 5), kind))?;
        check_value_len(&txid, TagPath::nested(62, 5))?;

        let point_of_initiation = self.point_of_initiation.or(pix.url.as_ref().map(|_| PointOfInitiation::Dynamic));
        let code = BrCode {
            point_of_initiation,
            pix,
            merchant_accounts: Vec::new(),
            merchant_category_code: category,
            currency: Cow::Borrowed("986"),
            amount,
            country_code: Cow::Borrowed("BR"),
            merchant_name: name,
            merchant_city: city,
            postal_code,
            additional_data: Some(AdditionalData { txid: Some(txid), other: Vec::new() }),
            language_template: None,
            unreserved_templates: unreserved,
            other_fields: Vec::new(),
            crc: None,
            relaxations: Relaxations::NONE,
        };
        check_payload_size(&code)?;
        Ok(code)
    }
}

/// Refuses a code whose payload would exceed 512 bytes. Writing it is needed only when a cheap
/// upper bound says it might.
fn check_payload_size(code: &BrCode<'_>) -> Result<(), EncodeError> {
    let texts = [
        Some(&code.pix.gui),
        code.pix.key.as_ref(),
        code.pix.info.as_ref(),
        code.pix.fss.as_ref(),
        code.pix.url.as_ref(),
        Some(&code.merchant_name),
        Some(&code.merchant_city),
        code.postal_code.as_ref(),
    ];
    // Every header is 4 bytes; a template adds one more header; the fixed fields take 60 at most.
    let bound = texts.into_iter().flatten().map(|t| t.len() + 8).sum::<usize>()
        + code.unreserved_templates.iter().map(|t| t.value().len() + 4).sum::<usize>()
        + 100;
    if bound <= MAX_PAYLOAD_BYTES {
        return Ok(());
    }
    let found = code.encode().len();
    if found > MAX_PAYLOAD_BYTES {
        return Err(EncodeError::new(TagPath::PAYLOAD, ErrorKind::PayloadTooLong { found }));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> BrCodeBuilder<'static> {
        BrCode::builder().key("12345678909").merchant_name("Fulano de Tal").merchant_city("BRASILIA")
    }

    fn error(builder: BrCodeBuilder<'_>) -> (String, ErrorKind) {
        let e = builder.build().unwrap_err();
        (e.path().to_string(), e.kind().clone())
    }

    #[test]
    fn static_code_matches_the_manual_layout() {
        let code = BrCode::builder()
            .key("123e4567-e12b-12d1-a456-426655440000")
            .merchant_name("Fulano de Tal")
            .merchant_city("BRASILIA")
            .build()
            .unwrap();
        assert_eq!(
            code.encode(),
            "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D"
        );
    }

    #[test]
    fn refuses_each_bad_field_by_name() {
        assert_eq!(
            error(base().merchant_name("X".repeat(26))),
            ("59".into(), ErrorKind::TooLong { max: 25, found: 26 })
        );
        assert_eq!(
            error(base().merchant_city("RIO DE JANEIRO RJ")),
            ("60".into(), ErrorKind::TooLong { max: 15, found: 17 })
        );
        assert_eq!(error(base().key("12345678901")).0, "26.01");
        assert_eq!(
            error(base().amount(Decimal::new(1001, 3))),
            ("54".into(), crate::AmountError::TooManyDecimals.into())
        );
        assert_eq!(error(base().amount_centavos(0)), ("54".into(), crate::AmountError::NotPositive.into()));
        assert!(
            matches!(error(base().txid("PEDIDO-42")), (p, ErrorKind::Character { character: '-', .. }) if p == "62.05")
        );
        assert_eq!(error(base().location("pix.example.com/x")), ("26.25".into(), ErrorKind::KeyAndUrl));
        assert_eq!(error(base().merchant_category_code("12")), ("52".into(), ErrorKind::CategoryCode));
        assert_eq!(
            error(BrCode::builder().merchant_name("A").merchant_city("B")),
            ("26".into(), ErrorKind::NoKeyOrUrl)
        );
        assert_eq!(error(BrCode::builder().key("12345678909").merchant_city("B")), ("59".into(), ErrorKind::Missing));
        assert_eq!(error(base().fss("1234")), ("26.03".into(), ErrorKind::Ispb));
        let dynamic = || BrCode::builder().location("pix.example.com/qr/1").merchant_name("A").merchant_city("B");
        assert_eq!(error(dynamic().txid("ABC123")), ("62.05".into(), ErrorKind::StaticOnly));
        assert_eq!(error(dynamic().info("pedido")), ("26.02".into(), ErrorKind::StaticOnly));
        assert_eq!(error(dynamic().fss("00000000")), ("26.03".into(), ErrorKind::StaticOnly));
        assert!(dynamic().txid("***").build().is_ok());
        assert_eq!(
            error(BrCode::builder().location("https://pix.example.com/x").merchant_name("A").merchant_city("B")),
            ("26.25".into(), crate::UrlError::Scheme.into())
        );
    }

    #[test]
    fn merchant_account_template_limit() {
        let long_info = "i".repeat(60);
        let (path, kind) = error(base().key("fulano.de.tal.da.silva@example.com.br").info(long_info));
        assert_eq!(path, "26");
        assert!(matches!(kind, ErrorKind::TemplateTooLong { found } if found > 99));
    }

    #[test]
    fn opt_ins_change_text_only_when_asked() {
        let code =
            base().merchant_name("João da Silva Conceição Júnior").transliterate(true).truncate(true).build().unwrap();
        assert_eq!(code.merchant_name(), "Joao da Silva Conceicao J");
        let code = base().merchant_city("SÃO PAULO").allow_utf8(true).build().unwrap();
        assert!(code.encode().contains("6009SÃO PAULO"));
    }

    #[test]
    fn recurrence_only_and_composite_codes() {
        let rec = BrCode::builder()
            .recurrence_location("pix.example.com/qr/v2/rec/2353c790eefb11eaadc10242ac120002")
            .merchant_name("Fulano de Tal")
            .merchant_city("BRASILIA")
            .build()
            .unwrap();
        assert_eq!(rec.recurrence_url(), Some("pix.example.com/qr/v2/rec/2353c790eefb11eaadc10242ac120002"));
        let payload = rec.encode();
        assert_eq!(crate::decode(&payload).unwrap(), rec);
    }

    #[test]
    fn unreserved_templates_out_of_range_or_twice() {
        let t = Template::new(79, [(0, "x")]).unwrap();
        assert!(matches!(error(base().unreserved_template(t)).1, ErrorKind::IdOutOfRange { id: 79, .. }));
        let a = Template::new(81, [(0, "x")]).unwrap();
        assert_eq!(
            error(base().unreserved_template(a.clone()).unreserved_template(a)),
            ("81".into(), ErrorKind::Duplicate)
        );
    }

    #[test]
    fn oversized_payload_is_refused() {
        let mut builder = base();
        for id in 80..=85 {
            builder = builder.unreserved_template(Template::new(id, [(0, "x".repeat(90).as_str())]).unwrap());
        }
        assert!(matches!(error(builder), (p, ErrorKind::PayloadTooLong { .. }) if p == "payload"));
    }
}
