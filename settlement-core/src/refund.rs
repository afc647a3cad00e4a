//! Refunds (devoluções): all or part of a completed payment given back, in the Central Bank's
//! model (API Pix `PUT /pix/{e2eid}/devolucao/{id}`) with this API's conventions: integer
//! centavos, snake_case, English names beside the Central Bank's.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::error::CoreError;
use crate::payment::MAX_DESCRIPTION;
use crate::time_format;

/// Why the money goes back: the Central Bank's `natureza`. `ORIGINAL` (the Central Bank's
/// `ORIGINAL`), `RETIRADA` (`RETIRADA`), `MED_FRAUD` (`MED_FRAUDE`), `MED_OPERATIONAL_FAILURE`
/// (`MED_OPERACIONAL`); the MED natures need the scope `refunds.med`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RefundNature {
    /// A refund of the payment itself (`ORIGINAL`, ISO reason MD06): the default.
    Original,
    /// The cash part of a Pix Saque or Troco (`RETIRADA`, SL02).
    Retirada,
    /// A return for fraud under the MED (`MED_FRAUDE`, FR01): the institution's to open.
    MedFraud,
    /// A return for an operational failure under the MED (`MED_OPERACIONAL`, BE08): the
    /// institution's to open.
    MedOperationalFailure,
}

impl RefundNature {
    /// Every nature.
    pub const ALL: [RefundNature; 4] =
        [RefundNature::Original, RefundNature::Retirada, RefundNature::MedFraud, RefundNature::MedOperationalFailure];

    /// The name the API uses.
    pub fn as_str(self) -> &'static str {
        match self {
            RefundNature::Original => "ORIGINAL",
            RefundNature::Retirada => "RETIRADA",
            RefundNature::MedFraud => "MED_FRAUD",
            RefundNature::MedOperationalFailure => "MED_OPERATIONAL_FAILURE",
        }
    }

    /// The Central Bank's name.
    pub fn central_bank_name(self) -> &'static str {
        match self {
            RefundNature::Original => "ORIGINAL",
            RefundNature::Retirada => "RETIRADA",
            RefundNature::MedFraud => "MED_FRAUDE",
            RefundNature::MedOperationalFailure => "MED_OPERACIONAL",
        }
    }

    /// Reads the API's name.
    pub fn parse(value: &str) -> Option<Self> {
        RefundNature::ALL.into_iter().find(|nature| nature.as_str() == value)
    }

    /// A return under the Special Return Mechanism (MED), which only the institution opens.
    ///
    /// ```
    /// use settlement_core::refund::RefundNature;
    /// assert!(RefundNature::MedFraud.is_med());
    /// assert!(!RefundNature::Original.is_med());
    /// ```
    pub fn is_med(self) -> bool {
        matches!(self, RefundNature::MedFraud | RefundNature::MedOperationalFailure)
    }
}

/// Where a refund is, with the Central Bank's names: `IN_PROCESS` (`EM_PROCESSAMENTO`), then
/// `RETURNED` (`DEVOLVIDO`) or `NOT_DONE` (`NAO_REALIZADO`, with a `reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RefundStatus {
    /// Asked for, not settled yet (`EM_PROCESSAMENTO`).
    InProcess,
    /// The money went back (`DEVOLVIDO`).
    Returned,
    /// It could not be made (`NAO_REALIZADO`); `reason` says why.
    NotDone,
}

impl RefundStatus {
    /// Every status.
    pub const ALL: [RefundStatus; 3] = [RefundStatus::InProcess, RefundStatus::Returned, RefundStatus::NotDone];

    /// The name the API uses.
    pub fn as_str(self) -> &'static str {
        match self {
            RefundStatus::InProcess => "IN_PROCESS",
            RefundStatus::Returned => "RETURNED",
            RefundStatus::NotDone => "NOT_DONE",
        }
    }

    /// The Central Bank's name.
    pub fn central_bank_name(self) -> &'static str {
        match self {
            RefundStatus::InProcess => "EM_PROCESSAMENTO",
            RefundStatus::Returned => "DEVOLVIDO",
            RefundStatus::NotDone => "NAO_REALIZADO",
        }
    }

    /// Reads the API's name.
    pub fn parse(value: &str) -> Option<Self> {
        RefundStatus::ALL.into_iter().find(|status| status.as_str() == value)
    }

    /// `IN_PROCESS -> RETURNED, NOT_DONE`; both ends are final.
    ///
    /// ```
    /// use settlement_core::refund::RefundStatus::*;
    /// assert!(InProcess.can_become(Returned));
    /// assert!(!Returned.can_become(NotDone));
    /// ```
    pub fn can_become(self, to: RefundStatus) -> bool {
        self == RefundStatus::InProcess && to != RefundStatus::InProcess
    }
}

impl fmt::Display for RefundStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The body of `PUT /payments/{id}/refunds/{refund_id}`, as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"amount": 5000, "nature": "ORIGINAL", "description": "Item returned"}))]
pub struct RefundRequest {
    /// Centavos, at least 1; with the payment's other refunds not `NOT_DONE`, at most its amount.
    #[schema(required = true, minimum = 1, value_type = i64)]
    pub amount: Option<i64>,
    /// `ORIGINAL` (the default), `RETIRADA`, or a MED nature (which needs `refunds.med`).
    #[schema(value_type = Option<RefundNature>)]
    pub nature: Option<String>,
    /// At most 140 characters; sent to the payer with the return.
    #[schema(max_length = 140, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]*$")]
    pub description: Option<String>,
}

/// A refund request that passed every check of its own (the payment's are the service's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRefund {
    /// The caller's id for it: 1 to 35 letters and digits, unique per payment.
    pub refund_id: String,
    /// Centavos.
    pub amount: i64,
    /// Why.
    pub nature: RefundNature,
    /// Sent with the return.
    pub description: Option<String>,
}

impl NewRefund {
    /// Whether `refund` is what this request asks for: a repeated request with the same body
    /// finds the refund it made.
    pub fn matches(&self, refund: &Refund) -> bool {
        self.refund_id == refund.refund_id
            && self.amount == refund.amount
            && self.nature == refund.nature
            && self.description == refund.description
    }
}

/// The longest refund id.
pub const MAX_REFUND_ID: usize = 35;

fn invalid(field: &str, rule: impl fmt::Display) -> CoreError {
    CoreError::Validation { field: field.to_owned(), message: format!("{field} {rule}") }
}

/// Checks a refund id: 1 to 35 letters and digits, as the Central Bank's `id` of a devolução.
///
/// ```
/// use settlement_core::refund::check_refund_id;
/// assert!(check_refund_id("R1").is_ok());
/// assert!(check_refund_id("has-hyphen").is_err());
/// assert!(check_refund_id(&"A".repeat(36)).is_err());
/// ```
pub fn check_refund_id(refund_id: &str) -> Result<(), CoreError> {
    if refund_id.is_empty() || refund_id.len() > MAX_REFUND_ID || !refund_id.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return Err(invalid("refund_id", format!("must be 1 to {MAX_REFUND_ID} letters or digits")));
    }
    Ok(())
}

/// Checks a reason or description: at most 140 characters, no control characters.
fn short_text(value: Option<String>, field: &str) -> Result<Option<String>, CoreError> {
    match value {
        Some(text) if text.chars().count() > MAX_DESCRIPTION => {
            Err(invalid(field, format!("must be at most {MAX_DESCRIPTION} characters")))
        }
        Some(text) if text.chars().any(char::is_control) => Err(invalid(field, "must not contain control characters")),
        other => Ok(other),
    }
}

impl RefundRequest {
    /// Checks the request for `refund_id`.
    ///
    /// ```
    /// use settlement_core::refund::{RefundNature, RefundRequest};
    /// let request = RefundRequest { amount: Some(500), ..Default::default() };
    /// assert_eq!(request.validate("R1").unwrap().nature, RefundNature::Original);
    /// assert!(RefundRequest { amount: Some(0), ..Default::default() }.validate("R1").is_err());
    /// ```
    pub fn validate(self, refund_id: &str) -> Result<NewRefund, CoreError> {
        check_refund_id(refund_id)?;
        let amount = self.amount.ok_or_else(|| invalid("amount", "is required"))?;
        if amount < 1 {
            return Err(invalid("amount", "must be an integer of at least 1 (centavos)"));
        }
        let nature = match self.nature.as_deref() {
            None => RefundNature::Original,
            Some(text) => RefundNature::parse(text).ok_or_else(|| {
                invalid("nature", "must be one of ORIGINAL, RETIRADA, MED_FRAUD, MED_OPERATIONAL_FAILURE")
            })?,
        };
        let description = short_text(self.description, "description")?;
        Ok(NewRefund { refund_id: refund_id.to_owned(), amount, nature, description })
    }
}

/// A stored refund, as the API returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Refund {
    /// The service's id.
    pub id: i64,
    /// The caller's id, unique per payment.
    pub refund_id: String,
    /// The payment it gives back.
    pub payment_request_id: i64,
    /// The return's id in the SPI: `D`, the ISPB of the institution that returns the money (the
    /// payment's creditor's), `yyyyMMddHHmm` and 11 letters and digits.
    #[schema(example = "D87654321202601241030ABCDE123456")]
    pub rtr_id: String,
    /// Centavos.
    pub amount: i64,
    /// Why.
    pub nature: RefundNature,
    /// Sent with the return.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Where it is.
    pub status: RefundStatus,
    /// Why it was `NOT_DONE`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// When it was asked for.
    #[serde(with = "time_format::api")]
    #[schema(value_type = String, format = DateTime)]
    pub requested_at: OffsetDateTime,
    /// When the money went back (`RETURNED`).
    #[serde(with = "time_format::api_option", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub settled_at: Option<OffsetDateTime>,
    /// The token subject that asked for it.
    pub created_by: String,
    /// Last changed.
    #[serde(with = "time_format::api")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

/// The body of `PUT /payments/{id}/refunds/{refund_id}/status`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundStatusRequest {
    /// `RETURNED` or `NOT_DONE`.
    #[schema(required = true, value_type = String, pattern = "^(RETURNED|NOT_DONE)$")]
    pub status: Option<String>,
    /// Why it was not done: required with `NOT_DONE`, refused with `RETURNED`; at most 140
    /// characters.
    #[schema(max_length = 140, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]*$")]
    pub reason: Option<String>,
}

/// A checked end of a refund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundSettlement {
    /// `RETURNED` or `NOT_DONE`.
    pub to: RefundStatus,
    /// With `NOT_DONE`.
    pub reason: Option<String>,
}

impl RefundStatusRequest {
    /// Checks the request.
    ///
    /// ```
    /// use settlement_core::refund::RefundStatusRequest;
    /// let done = RefundStatusRequest { status: Some("RETURNED".into()), reason: None };
    /// assert!(done.validate().is_ok());
    /// let unexplained = RefundStatusRequest { status: Some("NOT_DONE".into()), reason: None };
    /// assert!(unexplained.validate().is_err());
    /// ```
    pub fn validate(self) -> Result<RefundSettlement, CoreError> {
        let status = self.status.ok_or_else(|| invalid("status", "is required"))?;
        let to = RefundStatus::parse(&status)
            .filter(|status| *status != RefundStatus::InProcess)
            .ok_or_else(|| invalid("status", "must be RETURNED or NOT_DONE"))?;
        let reason = short_text(self.reason, "reason")?;
        match (to, &reason) {
            (RefundStatus::NotDone, None) => Err(invalid("reason", "is required with NOT_DONE")),
            (RefundStatus::NotDone, Some(text)) if text.trim().is_empty() => {
                Err(invalid("reason", "must not be empty"))
            }
            (RefundStatus::Returned, Some(_)) => Err(invalid("reason", "is only accepted with NOT_DONE")),
            _ => Ok(RefundSettlement { to, reason }),
        }
    }
}

/// What a payment's refunds add up to, on the payment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct RefundSummary {
    /// Refunds asked for, in every status.
    pub count: i64,
    /// Centavos given back (`RETURNED`): the payment's `refunded_amount`.
    pub returned_amount: i64,
    /// Centavos asked for and not settled yet (`IN_PROCESS`).
    pub in_process_amount: i64,
    /// Centavos a new refund may still ask for.
    pub refundable_amount: i64,
}

impl RefundSummary {
    /// The summary of a payment of `amount` with these totals; `None` when it has no refund.
    pub fn of(amount: i64, count: i64, returned: i64, in_process: i64) -> Option<Self> {
        (count > 0).then(|| RefundSummary {
            count,
            returned_amount: returned,
            in_process_amount: in_process,
            refundable_amount: (amount - returned - in_process).max(0),
        })
    }
}

/// Filters and page of `GET /refunds` and a payment's refunds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RefundFilter {
    /// Only this payment's.
    pub payment_request_id: Option<i64>,
    /// Only this status.
    pub status: Option<RefundStatus>,
    /// Asked for at or after this time.
    pub requested_from: Option<OffsetDateTime>,
    /// Asked for before this time.
    pub requested_before: Option<OffsetDateTime>,
    /// Page size, 1 to 100.
    pub limit: u32,
    /// Rows to skip.
    pub offset: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_and_only_in_process_moves() {
        for nature in RefundNature::ALL {
            assert_eq!(RefundNature::parse(nature.as_str()), Some(nature));
        }
        for from in RefundStatus::ALL {
            assert_eq!(RefundStatus::parse(from.as_str()), Some(from));
            for to in RefundStatus::ALL {
                let allowed = from == RefundStatus::InProcess && to != RefundStatus::InProcess;
                assert_eq!(from.can_become(to), allowed, "{from} -> {to}");
            }
        }
    }

    #[test]
    fn each_field_is_checked() {
        let request = |amount, nature: Option<&str>, description: Option<&str>| RefundRequest {
            amount,
            nature: nature.map(str::to_owned),
            description: description.map(str::to_owned),
        };
        let field = |result: Result<NewRefund, CoreError>| match result {
            Err(CoreError::Validation { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field(request(None, None, None).validate("R1")), "amount");
        assert_eq!(field(request(Some(-5), None, None).validate("R1")), "amount");
        assert_eq!(field(request(Some(5), Some("MED_FRAUDE"), None).validate("R1")), "nature");
        assert_eq!(field(request(Some(5), None, Some(&"x".repeat(141))).validate("R1")), "description");
        assert_eq!(field(request(Some(5), None, Some("a\u{7}b")).validate("R1")), "description");
        assert_eq!(field(request(Some(5), None, None).validate("")), "refund_id");
        let ok = request(Some(5), Some("MED_OPERATIONAL_FAILURE"), Some(&"é".repeat(140))).validate("A1b2").unwrap();
        assert!(ok.nature.is_med());
        let reason = |status: &str, reason: Option<&str>| {
            RefundStatusRequest { status: Some(status.to_owned()), reason: reason.map(str::to_owned) }.validate()
        };
        assert!(reason("IN_PROCESS", None).is_err());
        assert!(reason("RETURNED", Some("why")).is_err());
        assert!(reason("NOT_DONE", Some(" ")).is_err());
        assert_eq!(reason("NOT_DONE", Some("no balance")).unwrap().reason.as_deref(), Some("no balance"));
    }
}
