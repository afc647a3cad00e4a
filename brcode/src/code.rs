//! The typed view of a BR Code.

use std::borrow::Cow;
use std::fmt;

use rust_decimal::Decimal;

use crate::amount;
use crate::decode::{Relaxation, Relaxations};
use crate::emv::DataObjects;
use crate::error::TagPath;
use crate::key::{PixKey, PixKeyError};
use crate::tlv::DataObject;

/// The GUI that marks a merchant account template as Pix (compared ignoring ASCII case).
pub const PIX_GUI: &str = "br.gov.bcb.pix";

/// Field 01, the point of initiation method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize), serde(rename_all = "lowercase"))]
pub enum PointOfInitiation {
    /// `11`: the code may be paid many times (a static code).
    Static,
    /// `12`: the code is paid once (a dynamic code).
    Dynamic,
}

impl PointOfInitiation {
    /// The two digits written in field 01.
    pub fn as_str(self) -> &'static str {
        match self {
            PointOfInitiation::Static => "11",
            PointOfInitiation::Dynamic => "12",
        }
    }

    pub(crate) fn from_value(value: &str) -> Option<Self> {
        match value {
            "11" => Some(PointOfInitiation::Static),
            "12" => Some(PointOfInitiation::Dynamic),
            _ => None,
        }
    }
}

/// A plain data object: an ID and its value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Field<'a> {
    /// The two-digit ID.
    pub id: u8,
    /// The value.
    pub value: Cow<'a, str>,
}

impl Field<'_> {
    /// The same field, owning its value.
    pub fn into_owned(self) -> Field<'static> {
        Field { id: self.id, value: Cow::Owned(self.value.into_owned()) }
    }
}

/// A template (a merchant account 26-51, the language template 64, an unreserved template 80-99):
/// an ID whose value is itself a sequence of data objects.
///
/// The value is kept as written and its fields are read on demand, so that a decoded template
/// costs no allocation. It is always well formed: the decoder checked it, and
/// [`Template::new`] writes it.
///
/// ```
/// use brcode_pix::Template;
/// let rec = Template::new(80, [(0, "br.gov.bcb.pix"), (25, "pix.example.com/rec/42")]).unwrap();
/// assert_eq!(rec.value(), "0014br.gov.bcb.pix2522pix.example.com/rec/42");
/// assert_eq!(rec.gui(), Some("br.gov.bcb.pix"));
/// assert_eq!(rec.get(25), Some("pix.example.com/rec/42"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Template<'a> {
    id: u8,
    value: Cow<'a, str>,
}

impl<'a> Template<'a> {
    /// Writes a template from its fields, in the order given.
    ///
    /// Fails when a field is empty or over 99 characters, or when the whole is over 99.
    pub fn new<'f>(id: u8, fields: impl IntoIterator<Item = (u8, &'f str)>) -> Result<Self, crate::EncodeError> {
        let path = TagPath::top(id);
        let mut value = String::new();
        for (sub, text) in fields {
            if sub > 99 {
                return Err(crate::EncodeError::new(path, crate::ErrorKind::IdOutOfRange { id: sub, range: "00-99" }));
            }
            crate::encode::check_value_len(text, path.child(sub))?;
            crate::encode::put(&mut value, sub, text);
        }
        match crate::tlv::char_len(&value) {
            0 => return Err(crate::EncodeError::new(path, crate::ErrorKind::EmptyValue)),
            1..=99 => {}
            found => return Err(crate::EncodeError::new(path, crate::ErrorKind::TemplateTooLong { found })),
        }
        Ok(Template { id, value: Cow::Owned(value) })
    }

    pub(crate) fn from_decoded(object: &DataObject<'a>) -> Self {
        Template { id: object.id, value: Cow::Borrowed(object.value) }
    }

    /// The template's ID.
    pub fn id(&self) -> u8 {
        self.id
    }

    /// The template's value as written: its fields, encoded.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The fields inside, in order, as `(id, value)`.
    pub fn fields(&self) -> impl Iterator<Item = (u8, &str)> {
        // Well formed by construction, so nothing is cut short here.
        let outer = DataObject { id: self.id, value: &self.value, offset: 0 };
        DataObjects::within(&outer, TagPath::top(self.id)).map_while(Result::ok).map(|o| (o.id, o.value))
    }

    /// The value of the field `id`.
    pub fn get(&self, id: u8) -> Option<&str> {
        self.fields().find(|&(sub, _)| sub == id).map(|(_, value)| value)
    }

    /// Field 00, the globally unique identifier of the scheme or application.
    pub fn gui(&self) -> Option<&str> {
        self.get(0)
    }

    /// Whether this template's GUI is Pix's.
    pub fn is_pix(&self) -> bool {
        self.gui().is_some_and(|gui| gui.eq_ignore_ascii_case(PIX_GUI))
    }

    /// The same template, owning its value.
    pub fn into_owned(self) -> Template<'static> {
        Template { id: self.id, value: Cow::Owned(self.value.into_owned()) }
    }
}

/// The Pix merchant account template (usually 26): GUI `br.gov.bcb.pix`, then the key of a static
/// code or the location URL of a dynamic one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PixAccount<'a> {
    pub(crate) id: u8,
    pub(crate) gui: Cow<'a, str>,
    pub(crate) key: Option<Cow<'a, str>>,
    pub(crate) info: Option<Cow<'a, str>>,
    pub(crate) fss: Option<Cow<'a, str>>,
    pub(crate) url: Option<Cow<'a, str>>,
    pub(crate) other: Vec<Field<'a>>,
}

impl<'a> PixAccount<'a> {
    /// The template's ID, 26 to 51 (26 in practice).
    pub fn id(&self) -> u8 {
        self.id
    }

    /// Field 00 as written (`br.gov.bcb.pix`, sometimes upper case).
    pub fn gui(&self) -> &str {
        &self.gui
    }

    /// Field 01, the Pix key of a static code, as written.
    ///
    /// The decoder does not judge the key: a payer's bank looks it up in the DICT. Use
    /// [`PixAccount::parsed_key`] to classify and validate it.
    pub fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }

    /// Field 01 classified and validated as a [`PixKey`].
    pub fn parsed_key(&self) -> Option<Result<PixKey<'_>, PixKeyError>> {
        self.key.as_deref().map(PixKey::parse)
    }

    /// Field 02, additional information shown to the payer.
    pub fn info(&self) -> Option<&str> {
        self.info.as_deref()
    }

    /// Field 03, the ISPB of the withdrawal service provider (Pix Saque and Pix Troco).
    pub fn fss(&self) -> Option<&str> {
        self.fss.as_deref()
    }

    /// Field 25, the location URL of a dynamic code, without scheme.
    pub fn url(&self) -> Option<&str> {
        self.url.as_deref()
    }

    /// Fields other than 00, 01, 02, 03 and 25, in ID order.
    pub fn other_fields(&self) -> &[Field<'a>] {
        &self.other
    }

    fn into_owned(self) -> PixAccount<'static> {
        PixAccount {
            id: self.id,
            gui: owned(self.gui),
            key: self.key.map(owned),
            info: self.info.map(owned),
            fss: self.fss.map(owned),
            url: self.url.map(owned),
            other: self.other.into_iter().map(Field::into_owned).collect(),
        }
    }
}

/// Template 62, the additional data field template.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct AdditionalData<'a> {
    pub(crate) txid: Option<Cow<'a, str>>,
    pub(crate) other: Vec<Field<'a>>,
}

impl<'a> AdditionalData<'a> {
    /// Field 05, the reference label: the txid of a static code, `***` when there is none.
    pub fn txid(&self) -> Option<&str> {
        self.txid.as_deref()
    }

    /// Fields other than 05 (bill number, terminal label, payment-system templates...), in ID
    /// order.
    pub fn other_fields(&self) -> &[Field<'a>] {
        &self.other
    }

    fn into_owned(self) -> AdditionalData<'static> {
        AdditionalData { txid: self.txid.map(owned), other: self.other.into_iter().map(Field::into_owned).collect() }
    }
}

/// The CRC of a decoded payload: the one written and the one computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Crc {
    /// The CRC written in field 63.
    pub found: u16,
    /// The CRC-16/CCITT-FALSE of the payload up to and including `6304`.
    pub computed: u16,
}

#[cfg(feature = "serde")]
impl serde::Serialize for Crc {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Crc", 2)?;
        s.serialize_field("found", &format!("{:04X}", self.found))?;
        s.serialize_field("computed", &format!("{:04X}", self.computed))?;
        s.end()
    }
}

/// A Pix BR Code: every field of the payload, typed.
///
/// Obtained by [`decode`](crate::decode) (borrowing the payload, without allocating for a code
/// without unusual templates) or by [`BrCode::builder`]. Either way it is valid, so it always
/// encodes: [`BrCode::encode`] writes the payload, fields in ascending ID order and the CRC last.
///
/// Two codes are equal when they carry the same data. The CRC found in a payload and the
/// relaxations its decoding used are about the payload, not the data, and are left out.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct BrCode<'a> {
    pub(crate) point_of_initiation: Option<PointOfInitiation>,
    pub(crate) pix: PixAccount<'a>,
    pub(crate) merchant_accounts: Vec<Template<'a>>,
    pub(crate) merchant_category_code: Cow<'a, str>,
    pub(crate) currency: Cow<'a, str>,
    pub(crate) amount: Option<Cow<'a, str>>,
    pub(crate) country_code: Cow<'a, str>,
    pub(crate) merchant_name: Cow<'a, str>,
    pub(crate) merchant_city: Cow<'a, str>,
    pub(crate) postal_code: Option<Cow<'a, str>>,
    pub(crate) additional_data: Option<AdditionalData<'a>>,
    pub(crate) language_template: Option<Template<'a>>,
    pub(crate) unreserved_templates: Vec<Template<'a>>,
    pub(crate) other_fields: Vec<Field<'a>>,
    pub(crate) crc: Option<Crc>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Relaxations::is_empty"))]
    pub(crate) relaxations: Relaxations,
}

impl PartialEq for BrCode<'_> {
    fn eq(&self, other: &Self) -> bool {
        // Destructured so that a new field cannot be forgotten here.
        let BrCode {
            point_of_initiation,
            pix,
            merchant_accounts,
            merchant_category_code,
            currency,
            amount,
            country_code,
            merchant_name,
            merchant_city,
            postal_code,
            additional_data,
            language_template,
            unreserved_templates,
            other_fields,
            crc: _,
            relaxations: _,
        } = self;
        *point_of_initiation == other.point_of_initiation
            && *pix == other.pix
            && *merchant_accounts == other.merchant_accounts
            && *merchant_category_code == other.merchant_category_code
            && *currency == other.currency
            && *amount == other.amount
            && *country_code == other.country_code
            && *merchant_name == other.merchant_name
            && *merchant_city == other.merchant_city
            && *postal_code == other.postal_code
            && *additional_data == other.additional_data
            && *language_template == other.language_template
            && *unreserved_templates == other.unreserved_templates
            && *other_fields == other.other_fields
    }
}

impl Eq for BrCode<'_> {}

impl<'a> BrCode<'a> {
    /// Field 01, when present. Absent on many static codes.
    pub fn point_of_initiation(&self) -> Option<PointOfInitiation> {
        self.point_of_initiation
    }

    /// Whether the code is dynamic: it points at a location (26-25) or says it is single-use (01 = 12).
    pub fn is_dynamic(&self) -> bool {
        self.pix.url.is_some() || self.point_of_initiation == Some(PointOfInitiation::Dynamic)
    }

    /// The Pix merchant account template.
    pub fn pix(&self) -> &PixAccount<'a> {
        &self.pix
    }

    /// Shortcut for [`PixAccount::key`].
    pub fn key(&self) -> Option<&str> {
        self.pix.key()
    }

    /// Shortcut for [`PixAccount::url`].
    pub fn url(&self) -> Option<&str> {
        self.pix.url()
    }

    /// The other merchant account templates (26-51 other than the Pix one), in ID order.
    pub fn merchant_accounts(&self) -> &[Template<'a>] {
        &self.merchant_accounts
    }

    /// Field 52 (`0000` when not informed).
    pub fn merchant_category_code(&self) -> &str {
        &self.merchant_category_code
    }

    /// Field 53, the ISO 4217 numeric currency: `986` (BRL).
    pub fn currency(&self) -> &str {
        &self.currency
    }

    /// Field 54, the amount, with as many decimals as written. `None`: the payer chooses.
    pub fn amount(&self) -> Option<Decimal> {
        // Checked when the code was decoded or built, so it reads.
        self.amount.as_deref().and_then(|text| amount::parse(text).ok())
    }

    /// Field 54 in centavos.
    pub fn amount_centavos(&self) -> Option<i64> {
        self.amount().and_then(amount::centavos)
    }

    /// Field 54 exactly as written: `150.00`, or `10.` in some real payloads.
    pub fn amount_text(&self) -> Option<&str> {
        self.amount.as_deref()
    }

    /// Field 58, the ISO 3166-1 country: `BR`.
    pub fn country_code(&self) -> &str {
        &self.country_code
    }

    /// Field 59, the merchant (receiver) name.
    pub fn merchant_name(&self) -> &str {
        &self.merchant_name
    }

    /// Field 60, the merchant city.
    pub fn merchant_city(&self) -> &str {
        &self.merchant_city
    }

    /// Field 61, the postal code (CEP).
    pub fn postal_code(&self) -> Option<&str> {
        self.postal_code.as_deref()
    }

    /// Template 62.
    pub fn additional_data(&self) -> Option<&AdditionalData<'a>> {
        self.additional_data.as_ref()
    }

    /// Field 62-05: the txid of a static code, `***` when none. A dynamic code's txid lives at
    /// its location, and payers ignore this field.
    pub fn txid(&self) -> Option<&str> {
        self.additional_data.as_ref().and_then(AdditionalData::txid)
    }

    /// Template 64, the merchant name and city in another language.
    pub fn language_template(&self) -> Option<&Template<'a>> {
        self.language_template.as_ref()
    }

    /// Unreserved templates 80-99, in ID order.
    pub fn unreserved_templates(&self) -> &[Template<'a>] {
        &self.unreserved_templates
    }

    /// The Pix Automático recurrence location: field 25 of an unreserved template whose GUI is
    /// Pix's (a "composite" code).
    pub fn recurrence_url(&self) -> Option<&str> {
        self.unreserved_templates.iter().filter(|t| t.is_pix()).find_map(|t| t.get(25))
    }

    /// Any other top-level field, in ID order: merchant account information of card schemes
    /// (02-25), tip or convenience fee (55-57), fields reserved for EMVCo (65-79).
    pub fn other_fields(&self) -> &[Field<'a>] {
        &self.other_fields
    }

    /// The CRC found in the payload and the one computed, for a decoded code; `None` for a built one.
    pub fn crc(&self) -> Option<Crc> {
        self.crc
    }

    /// The relaxations the decoding used: what in the payload breaks the standard but was
    /// accepted because the decoder's options allowed it. Empty for strict decoding.
    pub fn relaxations(&self) -> Relaxations {
        self.relaxations
    }

    /// Whether decoding accepted this code only thanks to `relaxation`.
    pub fn used(&self, relaxation: Relaxation) -> bool {
        self.relaxations.contains(relaxation)
    }

    /// The same code, owning all its text: to keep it beyond the payload's lifetime.
    pub fn into_owned(self) -> BrCode<'static> {
        BrCode {
            point_of_initiation: self.point_of_initiation,
            pix: self.pix.into_owned(),
            merchant_accounts: self.merchant_accounts.into_iter().map(Template::into_owned).collect(),
            merchant_category_code: owned(self.merchant_category_code),
            currency: owned(self.currency),
            amount: self.amount.map(owned),
            country_code: owned(self.country_code),
            merchant_name: owned(self.merchant_name),
            merchant_city: owned(self.merchant_city),
            postal_code: self.postal_code.map(owned),
            additional_data: self.additional_data.map(AdditionalData::into_owned),
            language_template: self.language_template.map(Template::into_owned),
            unreserved_templates: self.unreserved_templates.into_iter().map(Template::into_owned).collect(),
            other_fields: self.other_fields.into_iter().map(Field::into_owned).collect(),
            crc: self.crc,
            relaxations: self.relaxations,
        }
    }
}

impl fmt::Display for BrCode<'_> {
    /// The payload, as [`BrCode::encode`] writes it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.encode())
    }
}

fn owned(text: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(text.into_owned())
}
