//! BR Code QR codes, as the Central Bank builds them.
//!
//! | type | payload | txid | expires |
//! |---|---|---|---|
//! | `STATIC` | key (26-01), optional description (26-02) and amount, txid in 62-05 (`***` when none) | 0-25 alphanumerics | never |
//! | `IMMEDIATE` | point of initiation 12, location (26-25), `***` in 62-05; the charge (`cob`) is served at the location | 1-25 | `expires_at`, default 24 h |
//! | `DYNAMIC` | as `IMMEDIATE` | 1-35 | `expires_at`, default 24 h |
//! | `DUE_DATE` | as `IMMEDIATE`; the charge is a `cobv` | 26-35 | end of `due_date` + `days_after_due` (default 30) |
//!
//! A txid left out of a dynamic code is generated. Txids are unique across codes.

use std::fmt;

use brcode_pix::{BrCode, PixKey};
use rand::Rng;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::{CoreError, Violations};
use crate::time_format;
use crate::types::Document;

/// The kinds of code the API builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum QrCodeType {
    /// Reusable; the key is in the payload; never expires.
    Static,
    /// Single use; the charge is served at the location.
    Dynamic,
    /// Single use immediate charge (`cob`), txid at most 25 characters.
    Immediate,
    /// Single use charge with a due date (`cobv`), txid of 26 to 35 characters.
    DueDate,
}

impl QrCodeType {
    /// Every type.
    pub const ALL: [QrCodeType; 4] =
        [QrCodeType::Static, QrCodeType::Dynamic, QrCodeType::Immediate, QrCodeType::DueDate];

    /// The API's name.
    pub fn as_str(self) -> &'static str {
        match self {
            QrCodeType::Static => "STATIC",
            QrCodeType::Dynamic => "DYNAMIC",
            QrCodeType::Immediate => "IMMEDIATE",
            QrCodeType::DueDate => "DUE_DATE",
        }
    }

    /// Reads the API's name.
    pub fn parse(value: &str) -> Option<Self> {
        QrCodeType::ALL.into_iter().find(|kind| kind.as_str() == value)
    }

    /// Single use, served at a location.
    pub fn is_dynamic(self) -> bool {
        self != QrCodeType::Static
    }

    /// The lengths its txid may have.
    fn txid_lengths(self) -> std::ops::RangeInclusive<usize> {
        match self {
            QrCodeType::Static => 1..=25,
            QrCodeType::Immediate => 1..=25,
            QrCodeType::DueDate => 26..=35,
            QrCodeType::Dynamic => 1..=35,
        }
    }
}

impl fmt::Display for QrCodeType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a code is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum QrCodeStatus {
    /// Payable.
    Active,
    /// Paid or deactivated (dynamic codes).
    Used,
    /// Past its expiry, never paid.
    Expired,
}

impl QrCodeStatus {
    /// The API's name.
    pub fn as_str(self) -> &'static str {
        match self {
            QrCodeStatus::Active => "active",
            QrCodeStatus::Used => "used",
            QrCodeStatus::Expired => "expired",
        }
    }

    /// Reads the API's name.
    pub fn parse(value: &str) -> Option<Self> {
        [QrCodeStatus::Active, QrCodeStatus::Used, QrCodeStatus::Expired].into_iter().find(|s| s.as_str() == value)
    }
}

/// The body of `POST /qr-codes`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "type": "IMMEDIATE", "merchant_name": "Loja ABC", "merchant_city": "São Paulo",
    "merchant_category_code": "5411", "pix_key": "12345678909", "tx_id": "ABC123",
    "amount": 15000, "currency": "BRL", "description": "Compra na Loja ABC"
}))]
pub struct QrCodeRequest {
    /// `STATIC`, `DYNAMIC`, `IMMEDIATE` or `DUE_DATE`.
    #[serde(rename = "type")]
    #[schema(value_type = Option<QrCodeType>, required = true, nullable = false)]
    pub kind: Option<String>,
    /// At most 25 characters (field 59).
    #[schema(
        required = true,
        nullable = false,
        max_length = 25,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    )]
    pub merchant_name: Option<String>,
    /// At most 15 characters (field 60).
    #[schema(
        required = true,
        nullable = false,
        max_length = 15,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    )]
    pub merchant_city: Option<String>,
    /// Four digits (field 52); `0000` when left out.
    #[schema(pattern = "^[0-9]{4}$")]
    pub merchant_category_code: Option<String>,
    /// The receiver's Pix key.
    #[schema(required = true, nullable = false, max_length = 77)]
    pub pix_key: Option<String>,
    /// The txid; generated for a dynamic code when left out.
    #[schema(pattern = "^[A-Za-z0-9]{1,35}$")]
    pub tx_id: Option<String>,
    /// Centavos; required for dynamic codes. At most 999999999999: field 54 holds 13 characters.
    #[schema(minimum = 1, maximum = 999999999999.0)]
    pub amount: Option<i64>,
    /// `BRL`.
    #[schema(pattern = "^BRL$")]
    pub currency: Option<String>,
    /// RFC 3339, in the future (`IMMEDIATE`, `DYNAMIC`); default 24 hours after creation.
    #[schema(format = DateTime)]
    pub expires_at: Option<String>,
    /// Shown to the payer: 26-02 of a static code, `solicitacaoPagador` of a dynamic one.
    #[schema(max_length = 140, pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$")]
    pub description: Option<String>,
    /// `DUE_DATE`: `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub due_date: Option<String>,
    /// `DUE_DATE`: days the charge stays payable after its due date (default 30).
    #[schema(minimum = 0, maximum = 3650)]
    pub days_after_due: Option<i64>,
    /// `DUE_DATE`: fine after the due date, centavos.
    #[schema(minimum = 1)]
    pub fine: Option<i64>,
    /// `DUE_DATE`: interest per day late, centavos.
    #[schema(minimum = 1)]
    pub interest: Option<i64>,
    /// `DUE_DATE`: discount for paying by the due date, centavos.
    #[schema(minimum = 1)]
    pub discount: Option<i64>,
    /// The payer's name (dynamic codes); requires `debtor_document`.
    #[schema(max_length = 200, pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$")]
    pub debtor_name: Option<String>,
    /// The payer's CPF or CNPJ (dynamic codes).
    #[schema(pattern = "^([0-9]{11}|[0-9A-Z]{12}[0-9]{2})$")]
    pub debtor_document: Option<String>,
}

/// A QR code request that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewQrCode {
    /// Its type.
    pub kind: QrCodeType,
    /// Field 59, as given.
    pub merchant_name: String,
    /// Field 60, as given.
    pub merchant_city: String,
    /// Field 52.
    pub merchant_category_code: String,
    /// The key.
    pub pix_key: String,
    /// The txid (generated for dynamic codes when left out).
    pub tx_id: Option<String>,
    /// Centavos.
    pub amount: Option<i64>,
    /// Shown to the payer.
    pub description: Option<String>,
    /// When it stops being payable (none for static codes).
    pub expires_at: Option<OffsetDateTime>,
    /// `DUE_DATE`: the due date.
    pub due_date: Option<Date>,
    /// `DUE_DATE`: days payable after it.
    pub days_after_due: Option<i64>,
    /// `DUE_DATE`: fine, centavos.
    pub fine: Option<i64>,
    /// `DUE_DATE`: interest per day, centavos.
    pub interest: Option<i64>,
    /// `DUE_DATE`: discount, centavos.
    pub discount: Option<i64>,
    /// The payer's name.
    pub debtor_name: Option<String>,
    /// The payer's document.
    pub debtor_document: Option<Document>,
}

/// Brasília time (UTC-3, without daylight saving since 2019): the calendar of due dates.
pub const BRASILIA: time::UtcOffset = time::macros::offset!(-3);

/// How long an immediate charge lives by default, as the Central Bank's `cob`.
pub const DEFAULT_EXPIRY: time::Duration = time::Duration::hours(24);
/// Days a due-date charge stays payable after its due date by default, as `cobv`.
pub const DEFAULT_DAYS_AFTER_DUE: i64 = 30;
/// The longest `solicitacaoPagador`.
pub const MAX_PAYER_REQUEST: usize = 140;
/// Room in template 26 (99 characters) once the GUI (18) and the key and description headers
/// (4 each) are written.
const ROOM_FOR_KEY_AND_INFO: usize = 99 - 18 - 8;

fn invalid(field: &str, rule: impl fmt::Display) -> CoreError {
    CoreError::Validation { field: field.to_owned(), message: format!("{field} {rule}") }
}

fn refused_for(field: &str, kind: QrCodeType) -> CoreError {
    invalid(field, format!("is not accepted for a {kind} code"))
}

fn positive(value: Option<i64>, field: &str) -> Result<Option<i64>, CoreError> {
    match value {
        Some(value) if value < 1 => Err(invalid(field, "must be an integer of at least 1 (centavos)")),
        other => Ok(other),
    }
}

/// A txid of `length` letters and digits.
fn generate_txid(length: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..length).map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())])).collect()
}

/// An unguessable location token: 32 lower-case hexadecimal digits.
pub fn generate_location_token() -> String {
    Uuid::new_v4().simple().to_string()
}

impl QrCodeRequest {
    /// Checks every field for its type; the error lists every violation, each naming its field
    /// and rule (the rules of a type only when `type` is valid).
    pub fn validate(self, now: OffsetDateTime) -> Result<NewQrCode, CoreError> {
        let mut found = Violations::default();
        let kind = found.check(self.kind.ok_or_else(|| invalid("type", "is required")).and_then(|text| {
            QrCodeType::parse(&text)
                .ok_or_else(|| invalid("type", "must be one of STATIC, DYNAMIC, IMMEDIATE, DUE_DATE"))
        }));
        let text = |value: Option<String>, field: &str, max: usize| -> Result<String, CoreError> {
            let value = value.ok_or_else(|| invalid(field, "is required"))?;
            let length = value.chars().count();
            if value.trim().is_empty() {
                Err(invalid(field, "must not be empty"))
            } else if length > max {
                Err(invalid(field, format!("must be at most {max} characters, not {length}")))
            } else if value.chars().any(char::is_control) {
                Err(invalid(field, "must not contain control characters"))
            } else {
                Ok(value)
            }
        };
        let merchant_name = found.check(text(self.merchant_name, "merchant_name", brcode_pix::MAX_MERCHANT_NAME));
        let merchant_city = found.check(text(self.merchant_city, "merchant_city", brcode_pix::MAX_MERCHANT_CITY));
        let merchant_category_code = self.merchant_category_code.unwrap_or_else(|| "0000".to_owned());
        found.refuse_if(
            merchant_category_code.len() != 4 || !merchant_category_code.bytes().all(|b| b.is_ascii_digit()),
            || invalid("merchant_category_code", "must be 4 digits"),
        );
        let pix_key = found.check(self.pix_key.ok_or_else(|| invalid("pix_key", "is required")).and_then(|key| {
            PixKey::parse(key.as_str())
                .map_err(|error| invalid("pix_key", format!("is not a valid Pix key: {error}")))?;
            Ok(key)
        }));
        found.refuse_if(self.currency.as_deref().is_some_and(|currency| currency != "BRL"), || {
            invalid("currency", "must be BRL")
        });
        let amount = found.check(positive(self.amount, "amount")).flatten();
        for (field, value) in [("fine", self.fine), ("interest", self.interest), ("discount", self.discount)] {
            found.check(positive(value, field));
        }
        if let (Some(discount), Some(amount)) = (self.discount, amount) {
            found.refuse_if(discount >= amount, || invalid("discount", "must be less than the amount"));
        }
        let document_given = self.debtor_document.is_some();
        let debtor_document = found
            .check(
                self.debtor_document
                    .map(|document| Document::parse(&document).map_err(|rule| invalid("debtor_document", rule)))
                    .transpose(),
            )
            .flatten();
        let debtor_name = match self.debtor_name {
            Some(_) if !document_given => {
                found.check::<()>(Err(invalid("debtor_name", "requires debtor_document (a CPF or CNPJ)")));
                None
            }
            Some(name) => found.check(text(Some(name), "debtor_name", 200)),
            None => None,
        };
        // The rules of the code's type.
        let Some(kind) = kind else {
            found.finish()?;
            return Err(invalid("type", "is required"));
        };
        if kind.is_dynamic() && self.amount.is_none() {
            found.check::<()>(Err(invalid("amount", format!("is required for a {kind} code"))));
        }
        let tx_id = match self.tx_id {
            Some(tx_id) => {
                let lengths = kind.txid_lengths();
                let fits = lengths.contains(&tx_id.len()) && tx_id.bytes().all(|b| b.is_ascii_alphanumeric());
                found.refuse_if(!fits, || {
                    invalid(
                        "tx_id",
                        format!("of a {kind} code must be {} to {} letters or digits", lengths.start(), lengths.end()),
                    )
                });
                Some(tx_id)
            }
            None if kind.is_dynamic() => Some(generate_txid(match kind {
                QrCodeType::Immediate => 25,
                QrCodeType::DueDate => 35,
                _ => 32,
            })),
            None => None,
        };
        let description = self.description.and_then(|description| {
            let room = match (kind, &pix_key) {
                (QrCodeType::Static, Some(key)) => ROOM_FOR_KEY_AND_INFO.saturating_sub(key.chars().count()),
                _ => MAX_PAYER_REQUEST,
            };
            found.check(text(Some(description), "description", room))
        });
        if kind != QrCodeType::DueDate {
            let given = [
                ("due_date", self.due_date.is_some()),
                ("days_after_due", self.days_after_due.is_some()),
                ("fine", self.fine.is_some()),
                ("interest", self.interest.is_some()),
                ("discount", self.discount.is_some()),
            ];
            for (field, _) in given.into_iter().filter(|(_, given)| *given) {
                found.check::<()>(Err(refused_for(field, kind)));
            }
        }
        if kind == QrCodeType::Static && document_given {
            found.check::<()>(Err(refused_for("debtor_document", kind)));
        }
        let dates = match kind {
            QrCodeType::Static => {
                found.refuse_if(self.expires_at.is_some(), || {
                    invalid("expires_at", "is not accepted: a STATIC code never expires")
                });
                Some((None, None, None))
            }
            QrCodeType::Immediate | QrCodeType::Dynamic => {
                let expires_at = match self.expires_at {
                    Some(text) => {
                        time_format::parse(&text).ok_or_else(|| invalid("expires_at", "must be an RFC 3339 date-time"))
                    }
                    None => Ok(now + DEFAULT_EXPIRY),
                }
                .and_then(|at| if at > now { Ok(at) } else { Err(invalid("expires_at", "must be in the future")) });
                found.check(expires_at).map(|at| (Some(at.replace_nanosecond(0).unwrap_or(at)), None, None))
            }
            QrCodeType::DueDate => {
                found.refuse_if(self.expires_at.is_some(), || {
                    invalid("expires_at", "is not accepted for a DUE_DATE code: give due_date and days_after_due")
                });
                let format = time::macros::format_description!("[year]-[month]-[day]");
                let due = found.check(
                    self.due_date
                        .ok_or_else(|| invalid("due_date", "is required for a DUE_DATE code"))
                        .and_then(|text| {
                            Date::parse(&text, format).map_err(|_| invalid("due_date", "must be a date YYYY-MM-DD"))
                        })
                        .and_then(|due| match due < now.to_offset(BRASILIA).date() {
                            true => Err(invalid("due_date", "must not be in the past")),
                            false => Ok(due),
                        }),
                );
                let days = self.days_after_due.unwrap_or(DEFAULT_DAYS_AFTER_DUE);
                found.refuse_if(!(0..=3650).contains(&days), || invalid("days_after_due", "must be from 0 to 3650"));
                due.map(|due| {
                    // Payable through the last day after the due date, inclusive, in Brasília.
                    let last_day = due + time::Duration::days(days);
                    let expires_at = last_day
                        .with_hms(23, 59, 59)
                        .map(|at| at.assume_offset(BRASILIA).to_offset(time::UtcOffset::UTC))
                        .ok();
                    (expires_at, Some(due), Some(days))
                })
            }
        };
        found.finish()?;
        let (Some(merchant_name), Some(merchant_city), Some(pix_key), Some((expires_at, due_date, days_after_due))) =
            (merchant_name, merchant_city, pix_key, dates)
        else {
            return Err(invalid("request", "could not be read"));
        };
        Ok(NewQrCode {
            kind,
            merchant_name,
            merchant_city,
            merchant_category_code,
            pix_key,
            tx_id,
            amount,
            description,
            expires_at,
            due_date,
            days_after_due,
            fine: self.fine,
            interest: self.interest,
            discount: self.discount,
            debtor_name,
            debtor_document,
        })
    }
}

impl NewQrCode {
    /// The BR Code: a static code's key, description, amount and txid, or a dynamic code's
    /// location. Accented letters in the name and city are folded to ASCII, which every
    /// payer's app reads.
    pub fn payload(&self, location: Option<&str>) -> Result<String, CoreError> {
        let builder = BrCode::builder()
            .merchant_name(self.merchant_name.as_str())
            .merchant_city(self.merchant_city.as_str())
            .merchant_category_code(self.merchant_category_code.as_str())
            .transliterate(true);
        let builder = match (self.kind, location) {
            (QrCodeType::Static, _) => {
                let mut builder = builder.key(self.pix_key.as_str()).txid(self.tx_id.as_deref().unwrap_or("***"));
                if let Some(description) = &self.description {
                    builder = builder.info(description.as_str());
                }
                if let Some(amount) = self.amount {
                    builder = builder.amount_centavos(amount);
                }
                builder
            }
            (_, Some(location)) => builder.location(location),
            (_, None) => return Err(invalid("type", "needs a location for a dynamic code")),
        };
        let code = builder.build().map_err(|error| {
            let field = match error.path().to_string().as_str() {
                "59" => "merchant_name",
                "60" => "merchant_city",
                "26.01" => "pix_key",
                "26.02" => "description",
                "26.25" => "location",
                "54" => "amount",
                "62.05" => "tx_id",
                _ => "payload",
            };
            invalid(field, format!("cannot be written in a BR Code: {error}"))
        })?;
        Ok(code.encode())
    }
}

/// A stored QR code, as the API returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct QrCode {
    /// The service's id.
    pub id: i64,
    /// A UUID.
    pub unique_id: Uuid,
    /// Its type.
    #[serde(rename = "type")]
    pub kind: QrCodeType,
    /// `active`, `used` or `expired`.
    pub status: QrCodeStatus,
    /// The BR Code ("copia e cola").
    pub payload: String,
    /// The EMV data the CRC covers: the payload up to and including `6304`.
    pub emv_data: String,
    /// Merchant name, as given.
    pub merchant_name: String,
    /// Merchant city, as given.
    pub merchant_city: String,
    /// Field 52.
    pub merchant_category_code: String,
    /// The key.
    pub pix_key: String,
    /// The txid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tx_id: Option<String>,
    /// Centavos.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<i64>,
    /// `BRL`.
    pub currency: String,
    /// Shown to the payer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// When it stops being payable.
    #[serde(with = "time_format::api_option", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expires_at: Option<OffsetDateTime>,
    /// `DUE_DATE`: the due date.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Date)]
    pub due_date: Option<String>,
    /// `DUE_DATE`: days payable after the due date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_after_due: Option<i64>,
    /// `DUE_DATE`: fine, centavos.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fine: Option<i64>,
    /// `DUE_DATE`: interest per day, centavos.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interest: Option<i64>,
    /// `DUE_DATE`: discount, centavos.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discount: Option<i64>,
    /// The payer's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub debtor_name: Option<String>,
    /// The payer's document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub debtor_document: Option<String>,
    /// A dynamic code's location (where its charge is served), as in the payload.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Payable now: active and not expired.
    pub is_valid: bool,
    /// When the payload was built and checked.
    #[serde(with = "time_format::api")]
    #[schema(value_type = String, format = DateTime)]
    pub validated_at: OffsetDateTime,
    /// Payments made with it.
    pub used_count: i64,
    /// When a dynamic code was used or deactivated.
    #[serde(with = "time_format::api_option", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub used_at: Option<OffsetDateTime>,
    /// The token subject that created it.
    pub created_by: String,
    /// Created.
    #[serde(with = "time_format::api")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    /// Last changed.
    #[serde(with = "time_format::api")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
    /// The location token (not serialized: it is in `location`).
    #[serde(skip)]
    pub location_token: Option<String>,
}

impl QrCode {
    /// The status at `now`: an active code past its expiry is expired.
    pub fn status_at(&self, now: OffsetDateTime) -> QrCodeStatus {
        match self.status {
            QrCodeStatus::Active if self.expires_at.is_some_and(|at| at <= now) => QrCodeStatus::Expired,
            status => status,
        }
    }

    /// Sets `status` and `is_valid` as of `now`.
    pub fn as_of(mut self, now: OffsetDateTime) -> Self {
        self.status = self.status_at(now);
        self.is_valid = self.status == QrCodeStatus::Active;
        self
    }
}

/// The payload up to and including `6304`: what the CRC covers.
pub fn emv_data(payload: &str) -> String {
    match payload.rfind("6304") {
        Some(at) if at + 8 == payload.len() => payload[..at + 4].to_owned(),
        _ => payload.to_owned(),
    }
}

/// What `PUT /qr-codes/{id}/deactivate` returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Deactivated {
    /// The code.
    pub id: i64,
    /// `used`.
    pub status: QrCodeStatus,
    /// When.
    #[serde(with = "time_format::api_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub used_at: Option<OffsetDateTime>,
    /// Payments made with it (1 once deactivated).
    pub used_count: i64,
}

/// Filters and page of `GET /qr-codes`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QrCodeFilter {
    /// Only this type.
    pub kind: Option<QrCodeType>,
    /// Only this status (as of the query's time).
    pub status: Option<QrCodeStatus>,
    /// Only this txid.
    pub tx_id: Option<String>,
    /// Page size, 1 to 100.
    pub limit: u32,
    /// Rows to skip.
    pub offset: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-01-24 10:30:00 UTC);

    fn request(kind: &str) -> QrCodeRequest {
        QrCodeRequest {
            kind: Some(kind.into()),
            merchant_name: Some("Loja ABC".into()),
            merchant_city: Some("São Paulo".into()),
            merchant_category_code: Some("5411".into()),
            pix_key: Some("12345678909".into()),
            amount: Some(15000),
            ..Default::default()
        }
    }

    #[test]
    fn txids_follow_the_central_banks_lengths() {
        let immediate = request("IMMEDIATE").validate(NOW).unwrap();
        assert_eq!(immediate.tx_id.as_ref().map(String::len), Some(25));
        let due = QrCodeRequest { due_date: Some("2026-02-10".into()), ..request("DUE_DATE") }.validate(NOW).unwrap();
        assert_eq!(due.tx_id.as_ref().map(String::len), Some(35));
        // The last payable day ends at midnight in Brasília.
        assert_eq!(due.expires_at, Some(datetime!(2026-03-13 02:59:59 UTC)));
        assert_eq!(request("STATIC").validate(NOW).unwrap().tx_id, None);
        let short =
            QrCodeRequest { tx_id: Some("ABC123".into()), due_date: Some("2026-02-10".into()), ..request("DUE_DATE") };
        assert!(short.validate(NOW).unwrap_err().to_string().starts_with("tx_id of a DUE_DATE code must be 26 to 35"));
        let long = QrCodeRequest { tx_id: Some("A".repeat(26)), ..request("IMMEDIATE") };
        assert!(long.validate(NOW).is_err());
    }

    #[test]
    fn static_payloads_carry_the_key_and_dynamic_ones_the_location() {
        let code =
            QrCodeRequest { tx_id: Some("ABC123".into()), description: Some("Compra".into()), ..request("STATIC") }
                .validate(NOW)
                .unwrap();
        let payload = code.payload(None).unwrap();
        let decoded = brcode_pix::decode(&payload).unwrap();
        assert_eq!(decoded.key(), Some("12345678909"));
        assert_eq!(decoded.txid(), Some("ABC123"));
        assert_eq!(decoded.merchant_city(), "Sao Paulo");
        assert_eq!(decoded.amount_centavos(), Some(15000));
        let dynamic = request("IMMEDIATE").validate(NOW).unwrap();
        let payload = dynamic.payload(Some("pix.example.com/pix/qr/v2/9d36b84fc70b478fb95c12729b90ca25")).unwrap();
        let decoded = brcode_pix::decode(&payload).unwrap();
        assert!(decoded.is_dynamic());
        assert_eq!((decoded.key(), decoded.txid(), decoded.amount()), (None, Some("***"), None));
        assert_eq!(emv_data(&payload), &payload[..payload.len() - 4]);
    }
}
