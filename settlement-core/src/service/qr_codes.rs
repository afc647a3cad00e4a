//! The QR code services: issue, look up, deactivate, serve a dynamic code's charge, and judge
//! or take apart any payload.

use std::collections::BTreeMap;

use brcode_pix::emv::{DataObjects, is_template};
use brcode_pix::{DecodeError, DecodeOptions, Deviation, PIX_GUI};
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

use super::Settlement;
use crate::audit::{Resource, StateChange};
use crate::error::CoreError;
use crate::payment::NewPayment;
use crate::qrcode::{
    Deactivated, QrCode, QrCodeFilter, QrCodeRequest, QrCodeStatus, QrCodeType, generate_location_token,
};
use crate::store::{QrInserted, QrLookup, QrRecord, Store};
use crate::time_format;

/// The path under the public base URL where dynamic codes' charges are served.
pub const LOCATION_PATH: &str = "/pix/qr/v2/";

/// A dynamic code's charge, as the Central Bank's `cob` or `cobv` payload, ready to sign.
#[derive(Debug, Clone, PartialEq)]
pub struct ServedCharge {
    /// The payload's JSON.
    pub json: Value,
}

/// Why a charge is not served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChargeError {
    /// No code has this token.
    NotFound,
    /// The code was used, deactivated, or has expired.
    Gone(QrCodeStatus),
}

/// One problem of a payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PayloadProblem {
    /// The data object at fault (`63`, `26.01`), or `payload`.
    pub field: String,
    /// Byte offset in the payload.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

impl From<&DecodeError> for PayloadProblem {
    fn from(error: &DecodeError) -> Self {
        PayloadProblem { field: error.path().to_string(), offset: error.offset(), message: error.to_string() }
    }
}

/// A rule of the BR Code manual that a payload breaks and that wallets overlook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PayloadWarning {
    /// The relaxation that overlooks it: `long_merchant_name`, `long_merchant_city`,
    /// `missing_txid`, `nonstandard_txid` or `oversized_payload`.
    #[schema(example = "long_merchant_city")]
    pub relaxation: &'static str,
    /// The data object at fault (`60`, `62.05`), or `payload`.
    pub field: String,
    /// Byte offset in the payload.
    pub offset: usize,
    /// The rule broken.
    pub message: String,
}

impl From<&Deviation> for PayloadWarning {
    fn from(deviation: &Deviation) -> Self {
        let PayloadProblem { field, offset, message } = PayloadProblem::from(&deviation.error);
        PayloadWarning { relaxation: deviation.relaxation.name(), field, offset, message }
    }
}

/// A payload read as wallets read it: what stops a wallet paying it, and what only breaks
/// the manual's letter.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PayloadReading {
    /// What a wallet cannot get past: the structure, the CRC, the Pix GUI, a key or a
    /// location, the amount's format, and the rest no relaxation covers.
    pub errors: Vec<PayloadProblem>,
    /// What the manual forbids and wallets accept, with the relaxation's name.
    pub warnings: Vec<PayloadWarning>,
}

impl PayloadReading {
    /// Reads `payload` with every relaxation the codec has.
    pub fn of(payload: &str) -> Self {
        let found = DecodeOptions::lenient().examine(payload);
        PayloadReading {
            errors: found.errors.iter().map(PayloadProblem::from).collect(),
            warnings: found.deviations.iter().map(PayloadWarning::from).collect(),
        }
    }

    /// A wallet can pay it.
    pub fn payable(&self) -> bool {
        self.errors.is_empty()
    }

    /// It follows the manual to the letter.
    pub fn conformant(&self) -> bool {
        self.errors.is_empty() && self.warnings.is_empty()
    }
}

/// `POST /qr-codes/decode`: every field of a payload, valid or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DecodedPayload {
    /// A wallet can pay it: no problem in `errors`. Deviations that wallets accept are in
    /// `warnings` and leave it valid.
    pub valid: bool,
    /// It follows the BR Code manual to the letter: valid, and no warning.
    pub conformant: bool,
    /// `DYNAMIC` when the point of initiation is 12, else `STATIC`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// 26-01.
    pub pix_key: Option<String>,
    /// 62-05.
    pub tx_id: Option<String>,
    /// 26-25, the location of a dynamic code.
    pub url: Option<String>,
    /// 59.
    pub merchant_name: Option<String>,
    /// 60.
    pub merchant_city: Option<String>,
    /// 52.
    pub merchant_category_code: Option<String>,
    /// 54, in centavos.
    pub amount: Option<i64>,
    /// 54 in Brazilian style, `R$ 1.234,56`.
    pub amount_formatted: Option<String>,
    /// `BRL` for 986, else the numeric code.
    pub currency: Option<String>,
    /// 58.
    pub country_code: Option<String>,
    /// 63, as written.
    pub crc: Option<String>,
    /// The CRC computed over the payload.
    pub crc_computed: Option<String>,
    /// Whether the two agree.
    pub crc_valid: bool,
    /// 26-02.
    pub description: Option<String>,
    /// Every data object by tag, nested ones as `26.01`.
    pub raw_fields: BTreeMap<String, String>,
    /// Every problem found that a wallet cannot get past.
    pub errors: Vec<PayloadProblem>,
    /// Every rule of the manual broken that wallets overlook.
    pub warnings: Vec<PayloadWarning>,
}

/// A stored code that a payload matches, as `POST /qr-codes/validate` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct StoredCodeCheck {
    /// The code.
    pub id: i64,
    /// Its type.
    #[serde(rename = "type")]
    pub kind: QrCodeType,
    /// Its key.
    pub pix_key: String,
    /// Its amount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<i64>,
    /// Its status now.
    pub status: QrCodeStatus,
    /// Payable now.
    pub is_valid: bool,
    /// Why not, or empty.
    pub validation_errors: String,
}

/// `POST /qr-codes/validate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PayloadCheck {
    /// A wallet can pay the payload and, when the service issued it, the code is still
    /// payable.
    pub valid: bool,
    /// The payload follows the BR Code manual to the letter.
    pub conformant: bool,
    /// The first reason it is not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Every problem of the payload itself that a wallet cannot get past.
    pub errors: Vec<PayloadProblem>,
    /// Every rule of the manual the payload breaks that wallets overlook.
    pub warnings: Vec<PayloadWarning>,
    /// The stored code it matches, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qr_code: Option<StoredCodeCheck>,
}

/// `R$ 1.234,56`.
pub fn format_brl(centavos: i64) -> String {
    let sign = if centavos < 0 { "-" } else { "" };
    let centavos = centavos.unsigned_abs();
    let reais = (centavos / 100).to_string();
    let mut grouped = String::new();
    for (index, digit) in reais.chars().enumerate() {
        if index > 0 && (reais.len() - index) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(digit);
    }
    format!("{sign}R$ {grouped},{:02}", centavos % 100)
}

/// Every readable data object of `payload` by tag (nested as `26.01`), read as far as the
/// structure allows.
fn raw_fields(payload: &str) -> BTreeMap<String, String> {
    let mut fields = BTreeMap::new();
    for object in DataObjects::new(payload).map_while(Result::ok) {
        let tag = format!("{:02}", object.id);
        if is_template(object.id) {
            let path = brcode_pix::TagPath::top(object.id);
            for inner in DataObjects::within(&object, path).map_while(Result::ok) {
                fields.insert(format!("{tag}.{:02}", inner.id), inner.value.to_owned());
            }
        }
        fields.insert(tag, object.value.to_owned());
    }
    fields
}

/// Takes a payload apart: every field it has and every problem it has, never failing.
pub fn decode_payload(payload: &str) -> DecodedPayload {
    let raw = raw_fields(payload);
    let reading = PayloadReading::of(payload);
    let get = |tag: &str| raw.get(tag).cloned();
    // The Pix merchant account: the template 26-51 whose GUI is Pix's.
    let pix = (26..=51)
        .map(|id| format!("{id:02}"))
        .find(|tag| raw.get(&format!("{tag}.00")).is_some_and(|gui| gui.eq_ignore_ascii_case(PIX_GUI)));
    let pix_field = |sub: &str| pix.as_ref().and_then(|tag| raw.get(&format!("{tag}.{sub}")).cloned());
    let amount = get("54").and_then(|text| brcode_pix::amount_centavos(&text));
    let crc = get("63");
    let crc_computed = payload
        .rfind("6304")
        .filter(|at| at + 8 == payload.len())
        .map(|at| format!("{:04X}", brcode_pix::crc16(&payload.as_bytes()[..at + 4])));
    let crc_valid =
        matches!((&crc, &crc_computed), (Some(found), Some(computed)) if found.eq_ignore_ascii_case(computed));
    DecodedPayload {
        valid: reading.payable(),
        conformant: reading.conformant(),
        kind: if get("01").as_deref() == Some("12") { "DYNAMIC" } else { "STATIC" },
        pix_key: pix_field("01"),
        tx_id: get("62.05"),
        url: pix_field("25"),
        merchant_name: get("59"),
        merchant_city: get("60"),
        merchant_category_code: get("52"),
        amount_formatted: amount.map(format_brl),
        amount,
        currency: get("53").map(|code| if code == "986" { "BRL".to_owned() } else { code }),
        country_code: get("58"),
        crc,
        crc_computed,
        crc_valid,
        description: pix_field("02"),
        raw_fields: raw,
        errors: reading.errors,
        warnings: reading.warnings,
    }
}

/// The location token at the end of a dynamic code's URL.
fn location_token(url: &str) -> Option<&str> {
    url.rsplit_once(LOCATION_PATH).map(|(_, token)| token).filter(|token| !token.is_empty())
}

impl<S: Store> Settlement<S> {
    /// Issues a code: checks the request, builds the payload (and a dynamic code's location),
    /// and stores it.
    pub async fn create_qr_code(&self, request: QrCodeRequest, caller: &str) -> Result<QrCode, CoreError> {
        let now = self.clock.now();
        let code = request.validate(now)?;
        let token = code.kind.is_dynamic().then(generate_location_token);
        let location = token.as_ref().map(|token| format!("{}{LOCATION_PATH}{token}", self.location_base));
        let payload = code.payload(location.as_deref())?;
        let record = QrRecord {
            code: &code,
            payload: &payload,
            location_token: token.as_deref(),
            location: location.as_deref(),
            created_by: caller,
            at: now,
        };
        match self.store.insert_qr_code(record).await? {
            QrInserted::Created(stored) => Ok(stored.as_of(now)),
            QrInserted::DuplicateTxid(existing_id) => {
                Err(CoreError::DuplicateTxid { tx_id: code.tx_id.unwrap_or_default(), existing_id })
            }
        }
    }

    /// One code, as of now.
    pub async fn qr_code(&self, id: i64) -> Result<QrCode, CoreError> {
        let code = self.store.qr_code(QrLookup::Id(id)).await?.ok_or(CoreError::QrCodeNotFound)?;
        Ok(code.as_of(self.clock.now()))
    }

    /// The code with this txid, as of now.
    pub async fn qr_code_by_txid(&self, tx_id: &str) -> Result<QrCode, CoreError> {
        let code = self.store.qr_code(QrLookup::TxId(tx_id)).await?.ok_or(CoreError::QrCodeNotFound)?;
        Ok(code.as_of(self.clock.now()))
    }

    /// A page of codes and the number matching.
    pub async fn qr_codes(&self, filter: &QrCodeFilter) -> Result<(Vec<QrCode>, u64), CoreError> {
        let now = self.clock.now();
        let (codes, total) = self.store.qr_codes(filter, now).await?;
        Ok((codes.into_iter().map(|code| code.as_of(now)).collect(), total))
    }

    /// A code's state changes, oldest first.
    pub async fn qr_code_history(&self, id: i64) -> Result<Vec<StateChange>, CoreError> {
        self.qr_code(id).await?;
        Ok(self.store.history(Resource::QrCode, id).await?)
    }

    /// Marks a dynamic code used, for `caller`; a static code, or one used already, is refused.
    pub async fn deactivate_qr_code(&self, id: i64, caller: &str) -> Result<Deactivated, CoreError> {
        let code = self.qr_code(id).await?;
        if code.kind == QrCodeType::Static {
            return Err(CoreError::QrCodeTransition(
                "cannot deactivate a STATIC QR code: it is reusable and never expires".to_owned(),
            ));
        }
        match self.store.deactivate_qr_code(id, self.clock.now(), caller).await? {
            Some(code) => {
                Ok(Deactivated { id: code.id, status: code.status, used_at: code.used_at, used_count: code.used_count })
            }
            None => Err(CoreError::QrCodeTransition(format!("QR code {id} is already used"))),
        }
    }

    /// The stored code a new payment pays: by its txid, else by its BR Code (a dynamic code's
    /// location token, or a static code's exact payload).
    pub(super) async fn qr_code_paid_by(&self, payment: &NewPayment) -> Result<Option<QrCode>, CoreError> {
        if let Some(tx_id) = &payment.tx_id
            && let Some(code) = self.store.qr_code(QrLookup::TxId(tx_id)).await?
        {
            return Ok(Some(code));
        }
        let Some(payload) = &payment.qr_code_data else { return Ok(None) };
        let Ok(decoded) = DecodeOptions::lenient().decode(payload) else { return Ok(None) };
        let lookup = match decoded.url().and_then(location_token) {
            Some(token) => QrLookup::Token(token),
            None => QrLookup::Payload(payload),
        };
        Ok(self.store.qr_code(lookup).await?)
    }

    /// The charge a dynamic code's location serves, as the Central Bank's `cob` (or `cobv`).
    pub async fn served_charge(&self, token: &str) -> Result<ServedCharge, ChargeError> {
        let now = self.clock.now();
        let code = match self.store.qr_code(QrLookup::Token(token)).await {
            Ok(Some(code)) if code.kind.is_dynamic() => code,
            _ => return Err(ChargeError::NotFound),
        };
        let status = code.status_at(now);
        if status != QrCodeStatus::Active {
            return Err(ChargeError::Gone(status));
        }
        let amount = |centavos: i64| format!("{}.{:02}", centavos / 100, centavos % 100);
        let mut calendario = json!({
            "criacao": time_format::format(code.created_at),
            "apresentacao": time_format::format(now),
        });
        let mut valor = json!({ "original": amount(code.amount.unwrap_or_default()) });
        if code.kind == QrCodeType::DueDate {
            calendario["dataDeVencimento"] = json!(code.due_date);
            calendario["validadeAposVencimento"] = json!(code.days_after_due);
            if let Some(fine) = code.fine {
                valor["multa"] = json!({ "modalidade": 1, "valorPerc": amount(fine) });
            }
            if let Some(interest) = code.interest {
                valor["juros"] = json!({ "modalidade": 1, "valorPerc": amount(interest) });
            }
            if let Some(discount) = code.discount {
                valor["desconto"] = json!({
                    "modalidade": 1,
                    "descontoDataFixa": [{ "data": code.due_date, "valorPerc": amount(discount) }],
                });
            }
        } else if let Some(expires_at) = code.expires_at {
            calendario["expiracao"] = json!((expires_at - code.created_at).whole_seconds());
        }
        let mut charge = json!({
            "txid": code.tx_id,
            "revisao": 0,
            "calendario": calendario,
            "status": "ATIVA",
            "valor": valor,
            "chave": code.pix_key,
        });
        if let Some(description) = &code.description {
            charge["solicitacaoPagador"] = json!(description);
        }
        if let Some(document) = &code.debtor_document {
            let kind = if document.len() == 11 { "cpf" } else { "cnpj" };
            charge["devedor"] = json!({ kind: document });
            if let Some(name) = &code.debtor_name {
                charge["devedor"]["nome"] = json!(name);
            }
        }
        if code.kind == QrCodeType::DueDate {
            charge["recebedor"] = json!({ "nome": code.merchant_name, "cidade": code.merchant_city });
        }
        Ok(ServedCharge { json: charge })
    }

    /// Judges a payload: its own problems, and, when the service issued it, whether it is
    /// still payable.
    pub async fn check_payload(&self, payload: &str) -> Result<PayloadCheck, CoreError> {
        let now = self.clock.now();
        let reading = PayloadReading::of(payload);
        let conformant = reading.conformant();
        let PayloadReading { errors, warnings } = reading;
        let stored = match DecodeOptions::lenient().decode(payload) {
            Ok(decoded) => match decoded.url().and_then(location_token) {
                Some(token) => self.store.qr_code(QrLookup::Token(token)).await?,
                None => self.store.qr_code(QrLookup::Payload(payload)).await?,
            },
            Err(_) => self.store.qr_code(QrLookup::Payload(payload)).await?,
        };
        let qr_code = stored.map(|code| {
            let status = code.status_at(now);
            let validation_errors = match (&errors.first(), status) {
                (Some(problem), _) => problem.message.clone(),
                (None, QrCodeStatus::Expired) => "QR code expired".to_owned(),
                (None, QrCodeStatus::Used) => "QR code already used or deactivated".to_owned(),
                (None, QrCodeStatus::Active) => String::new(),
            };
            StoredCodeCheck {
                id: code.id,
                kind: code.kind,
                pix_key: code.pix_key,
                amount: code.amount,
                status,
                is_valid: validation_errors.is_empty(),
                validation_errors,
            }
        });
        let error = match (errors.first(), &qr_code) {
            (Some(problem), _) => Some(problem.message.clone()),
            (None, Some(code)) if !code.is_valid => Some(code.validation_errors.clone()),
            _ => None,
        };
        Ok(PayloadCheck { valid: error.is_none(), conformant, error, errors, warnings, qr_code })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brazilian_money() {
        assert_eq!(format_brl(15000), "R$ 150,00");
        assert_eq!(format_brl(123456), "R$ 1.234,56");
        assert_eq!(format_brl(5), "R$ 0,05");
        assert_eq!(format_brl(100000000), "R$ 1.000.000,00");
    }

    #[test]
    fn decoding_lists_fields_and_every_problem() {
        let good = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";
        let decoded = decode_payload(good);
        assert!(decoded.valid && decoded.crc_valid && decoded.errors.is_empty());
        assert_eq!(decoded.kind, "STATIC");
        assert_eq!(decoded.pix_key.as_deref(), Some("123e4567-e12b-12d1-a456-426655440000"));
        assert_eq!(decoded.raw_fields["26.00"], "br.gov.bcb.pix");
        assert_eq!(decoded.raw_fields["62.05"], "***");
        let bad = good.replace("5303986", "5303840").replace("5802BR", "5802US");
        let decoded = decode_payload(&bad);
        assert!(!decoded.valid && !decoded.crc_valid);
        assert_eq!(decoded.errors.len(), 3, "{:?}", decoded.errors);
        assert_eq!(decoded.currency.as_deref(), Some("840"));
        assert_eq!(decode_payload("garbage").errors.len(), 1);
    }
}
