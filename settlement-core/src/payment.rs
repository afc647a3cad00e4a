//! Payment requests: what a caller sends, what is stored, and the status lifecycle.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::{CoreError, Violations};
use crate::time_format;
use crate::types::{AccountType, Document, EndToEndId, Ispb};

/// Where a payment request is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum PaymentStatus {
    /// Created, waiting to be processed.
    Pending,
    /// Waiting for its scheduled date.
    Scheduled,
    /// Being processed.
    Processing,
    /// Settled.
    Completed,
    /// Processing failed.
    Failed,
    /// Cancelled by the user.
    Cancelled,
}

impl PaymentStatus {
    /// Every status, for tables and tests.
    pub const ALL: [PaymentStatus; 6] = [
        PaymentStatus::Pending,
        PaymentStatus::Scheduled,
        PaymentStatus::Processing,
        PaymentStatus::Completed,
        PaymentStatus::Failed,
        PaymentStatus::Cancelled,
    ];

    /// The transitions of the API document's table, and no other:
    /// `PENDING -> PROCESSING, SCHEDULED, CANCELLED`; `SCHEDULED -> PENDING, CANCELLED`;
    /// `PROCESSING -> COMPLETED, FAILED`. `COMPLETED`, `FAILED` and `CANCELLED` are final.
    ///
    /// ```
    /// use settlement_core::PaymentStatus::*;
    /// assert!(Pending.can_become(Processing));
    /// assert!(!Completed.can_become(Cancelled));
    /// ```
    pub fn can_become(self, to: PaymentStatus) -> bool {
        use PaymentStatus::*;
        matches!(
            (self, to),
            (Pending, Processing | Scheduled | Cancelled)
                | (Scheduled, Pending | Cancelled)
                | (Processing, Completed | Failed)
        )
    }

    /// `Ok` when the table allows `self -> to`, else the error that names both states.
    pub fn transition(self, to: PaymentStatus) -> Result<PaymentStatus, CoreError> {
        if self.can_become(to) { Ok(to) } else { Err(CoreError::InvalidTransition { from: self, to }) }
    }

    /// The name the API uses.
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::Pending => "PENDING",
            PaymentStatus::Scheduled => "SCHEDULED",
            PaymentStatus::Processing => "PROCESSING",
            PaymentStatus::Completed => "COMPLETED",
            PaymentStatus::Failed => "FAILED",
            PaymentStatus::Cancelled => "CANCELLED",
        }
    }

    /// Reads the API's name.
    pub fn parse(value: &str) -> Option<Self> {
        PaymentStatus::ALL.into_iter().find(|status| status.as_str() == value)
    }
}

impl fmt::Display for PaymentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A discount for paying by a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Discount {
    /// Pay on or before this date to get the discount.
    #[serde(with = "time_format::api")]
    #[schema(value_type = String, format = DateTime, example = "2026-02-10T00:00:00Z")]
    pub date: OffsetDateTime,
    /// The discount, centavos, at least 1.
    pub amount: i64,
}

/// A key and value the caller attaches to the payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdditionalInfo {
    /// Non-empty.
    #[schema(max_length = 255, pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$")]
    pub key: String,
    /// The value.
    #[schema(max_length = 255, pattern = r"^[^\x00-\x1F\x7F-\x9F]*$")]
    pub value: String,
}

/// The body of `POST /payments`, as sent. [`PaymentRequest::validate`] checks it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "external_id": "MERCHANT-12345", "amount": 15000, "currency": "BRL",
    "debtor_ispb": "12345678", "debtor_document": "12345678909", "debtor_name": "João da Silva",
    "debtor_account_no": "123456", "debtor_account_type": "CACC", "debtor_branch": "0001",
    "creditor_ispb": "87654321", "creditor_document": "98765432100", "creditor_name": "Maria Santos",
    "creditor_account_no": "654321", "creditor_account_type": "SVGS", "creditor_branch": "0002",
    "description": "Payment for invoice #12345", "scheduled_date": "2026-02-15T10:00:00Z"
}))]
pub struct PaymentRequest {
    /// The caller's own id for the payment; unique.
    #[schema(max_length = 255, pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$")]
    pub external_id: Option<String>,
    /// Centavos, at least 1.
    #[schema(required = true, nullable = false, minimum = 1)]
    pub amount: Option<i64>,
    /// `BRL` (the default).
    #[schema(pattern = "^BRL$")]
    pub currency: Option<String>,
    /// Payer's institution, 8 digits.
    #[schema(required = true, nullable = false, pattern = "^[0-9]{8}$")]
    pub debtor_ispb: Option<String>,
    /// Payer's CPF or CNPJ.
    #[schema(required = true, nullable = false, pattern = "^([0-9]{11}|[0-9A-Z]{12}[0-9]{2})$")]
    pub debtor_document: Option<String>,
    /// Payer's name.
    #[schema(max_length = 255, pattern = r"^[^\x00-\x1F\x7F-\x9F]*$")]
    pub debtor_name: Option<String>,
    /// Payer's account number.
    #[schema(
        required = true,
        nullable = false,
        max_length = 255,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    )]
    pub debtor_account_no: Option<String>,
    /// Payer's account type.
    #[schema(value_type = Option<AccountType>, required = true, nullable = false)]
    pub debtor_account_type: Option<String>,
    /// Payer's branch.
    #[schema(max_length = 255, pattern = r"^[^\x00-\x1F\x7F-\x9F]*$")]
    pub debtor_branch: Option<String>,
    /// Payee's institution, 8 digits.
    #[schema(required = true, nullable = false, pattern = "^[0-9]{8}$")]
    pub creditor_ispb: Option<String>,
    /// Payee's CPF or CNPJ.
    #[schema(required = true, nullable = false, pattern = "^([0-9]{11}|[0-9A-Z]{12}[0-9]{2})$")]
    pub creditor_document: Option<String>,
    /// Payee's name.
    #[schema(max_length = 255, pattern = r"^[^\x00-\x1F\x7F-\x9F]*$")]
    pub creditor_name: Option<String>,
    /// Payee's account number.
    #[schema(
        required = true,
        nullable = false,
        max_length = 255,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    )]
    pub creditor_account_no: Option<String>,
    /// Payee's account type.
    #[schema(value_type = Option<AccountType>, required = true, nullable = false)]
    pub creditor_account_type: Option<String>,
    /// Payee's branch.
    #[schema(max_length = 255, pattern = r"^[^\x00-\x1F\x7F-\x9F]*$")]
    pub creditor_branch: Option<String>,
    /// At most 140 characters.
    #[schema(max_length = 140, pattern = r"^[^\x00-\x1F\x7F-\x9F]*$")]
    pub description: Option<String>,
    /// The BR Code the payment pays, if any.
    #[schema(max_length = 512)]
    pub qr_code_data: Option<String>,
    /// The charge's txid, if any.
    #[schema(pattern = "^[A-Za-z0-9]{1,35}$")]
    pub tx_id: Option<String>,
    /// RFC 3339; a future date creates the payment `SCHEDULED`.
    #[schema(format = DateTime)]
    pub scheduled_date: Option<String>,
    /// Discounts by date.
    pub discounts: Option<Vec<DiscountRequest>>,
    /// Extra keys and values.
    pub additional_info: Option<Vec<AdditionalInfo>>,
}

/// A discount as sent: the date is checked by [`PaymentRequest::validate`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DiscountRequest {
    /// RFC 3339.
    #[schema(format = DateTime, required = true, nullable = false)]
    pub date: Option<String>,
    /// Centavos, at least 1.
    #[schema(required = true, nullable = false, minimum = 1)]
    pub amount: Option<i64>,
}

/// One side of a payment: institution, person and account. The API requires the document and
/// account; a payment imported from a file has what its format carries (DESIGN.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    /// Institution.
    pub ispb: Ispb,
    /// CPF or CNPJ.
    pub document: Option<Document>,
    /// Name, if given.
    pub name: Option<String>,
    /// Account number.
    pub account_no: Option<String>,
    /// Account type.
    pub account_type: Option<AccountType>,
    /// Branch, if given.
    pub branch: Option<String>,
}

/// A payment request that passed every check, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPayment {
    /// The caller's id.
    pub external_id: Option<String>,
    /// Centavos, at least 1.
    pub amount: i64,
    /// The payer.
    pub debtor: Party,
    /// The payee.
    pub creditor: Party,
    /// At most 140 characters.
    pub description: Option<String>,
    /// The BR Code, if any.
    pub qr_code_data: Option<String>,
    /// The txid, if any.
    pub tx_id: Option<String>,
    /// When to process it.
    pub scheduled_date: Option<OffsetDateTime>,
    /// Discounts.
    pub discounts: Vec<Discount>,
    /// Extra keys and values.
    pub additional_info: Vec<AdditionalInfo>,
    /// `SCHEDULED` when the date is in the future, else `PENDING`.
    pub status: PaymentStatus,
}

/// The longest description the API accepts, in characters.
pub const MAX_DESCRIPTION: usize = 140;
/// The longest free-text field (names, account numbers, ids), in characters.
pub const MAX_TEXT: usize = 255;

fn invalid(field: impl Into<String>, rule: impl fmt::Display) -> CoreError {
    let field = field.into();
    CoreError::Validation { message: format!("{field} {rule}"), field }
}

/// What a check without a value and without a violation would say: none does, since every
/// check that finds no value notes why.
fn unchecked() -> CoreError {
    invalid("request", "could not be read")
}

fn required<T>(value: Option<T>, field: &str) -> Result<T, CoreError> {
    value.ok_or_else(|| invalid(field, "is required"))
}

fn text(value: Option<String>, field: &str, max: usize) -> Result<Option<String>, CoreError> {
    match value {
        Some(value) if value.chars().count() > max => Err(invalid(field, format!("must be at most {max} characters"))),
        Some(value) if value.chars().any(char::is_control) => {
            Err(invalid(field, "must not contain control characters"))
        }
        other => Ok(other),
    }
}

fn required_text(value: Option<String>, field: &str) -> Result<String, CoreError> {
    let value = required(text(value, field, MAX_TEXT)?, field)?;
    if value.trim().is_empty() {
        return Err(invalid(field, "must not be empty"));
    }
    Ok(value)
}

/// Which fields a payment must have: all the API's schema requires, or only what every
/// imported record carries (the ISPBs and the amount).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirements {
    /// `POST /payments`: the schema's required list.
    Api,
    /// A record of an imported file.
    Import,
}

/// One side of a request, as sent.
struct PartyFields {
    ispb: Option<String>,
    document: Option<String>,
    name: Option<String>,
    account_no: Option<String>,
    account_type: Option<String>,
    branch: Option<String>,
}

/// One side's fields, each violation noted in `found`; `None` when any is.
fn party(requirements: Requirements, prefix: &str, fields: PartyFields, found: &mut Violations) -> Option<Party> {
    let PartyFields { ispb, document, name, account_no, account_type, branch } = fields;
    let field = |name: &str| format!("{prefix}_{name}");
    let ispb = found.check(
        required(ispb, &field("ispb")).and_then(|ispb| Ispb::parse(&ispb).map_err(|rule| invalid(field("ispb"), rule))),
    );
    let needed = |value: Option<String>, name: &str| match (value, requirements) {
        (None, Requirements::Api) => Err(invalid(field(name), "is required")),
        (value, _) => Ok(value),
    };
    let document = found.check(needed(document, "document").and_then(|document| {
        document.map(|document| Document::parse(&document).map_err(|rule| invalid(field("document"), rule))).transpose()
    }));
    let name = found.check(text(name, &field("name"), MAX_TEXT));
    let account_no = found.check(
        needed(account_no, "account_no")
            .and_then(|account| account.map(|account| required_text(Some(account), &field("account_no"))).transpose()),
    );
    let account_type = found.check(needed(account_type, "account_type").and_then(|kind| {
        kind.map(|kind| AccountType::parse(&kind).map_err(|rule| invalid(field("account_type"), rule))).transpose()
    }));
    let branch = found.check(text(branch, &field("branch"), MAX_TEXT));
    Some(Party {
        ispb: ispb?,
        document: document?,
        name: name?,
        account_no: account_no?,
        account_type: account_type?,
        branch: branch?,
    })
}

impl PaymentRequest {
    /// Checks every field against the API's schema, and documents against their check digits;
    /// the error lists every violation, each naming its field and rule. `now` decides whether the payment is
    /// `SCHEDULED`.
    pub fn validate(self, now: OffsetDateTime) -> Result<NewPayment, CoreError> {
        self.validate_for(Requirements::Api, now)
    }

    /// The same checks, with the fields `requirements` asks for.
    pub fn validate_for(self, requirements: Requirements, now: OffsetDateTime) -> Result<NewPayment, CoreError> {
        // Every field is checked, and the answer lists every violation.
        let mut found = Violations::default();
        let amount = found.check(required(self.amount, "amount").and_then(|amount| match amount {
            1.. => Ok(amount),
            _ => Err(invalid("amount", "must be an integer of at least 1 (centavos)")),
        }));
        found.refuse_if(self.currency.as_deref().is_some_and(|currency| currency != "BRL"), || {
            invalid("currency", "must be BRL")
        });
        let external_id = found.check(text(self.external_id, "external_id", MAX_TEXT).and_then(|id| match id {
            Some(id) if id.trim().is_empty() => Err(invalid("external_id", "must not be empty when given")),
            id => Ok(id),
        }));
        let debtor = PartyFields {
            ispb: self.debtor_ispb,
            document: self.debtor_document,
            name: self.debtor_name,
            account_no: self.debtor_account_no,
            account_type: self.debtor_account_type,
            branch: self.debtor_branch,
        };
        let debtor = party(requirements, "debtor", debtor, &mut found);
        let creditor = PartyFields {
            ispb: self.creditor_ispb,
            document: self.creditor_document,
            name: self.creditor_name,
            account_no: self.creditor_account_no,
            account_type: self.creditor_account_type,
            branch: self.creditor_branch,
        };
        let creditor = party(requirements, "creditor", creditor, &mut found);
        let description = found.check(text(self.description, "description", MAX_DESCRIPTION));
        // Read as wallets read it: a code they pay is accepted, deviations from the manual's
        // letter included (`POST /qr-codes/decode` lists them).
        let qr_code_data = found.check(text(self.qr_code_data, "qr_code_data", 512).and_then(|data| match data {
            Some(payload) => match brcode_pix::DecodeOptions::lenient().decode(&payload) {
                Ok(_) => Ok(Some(payload)),
                Err(error) => Err(invalid("qr_code_data", format!("must be a BR Code a wallet can pay: {error}"))),
            },
            None => Ok(None),
        }));
        let tx_id = found.check(text(self.tx_id, "tx_id", 35).and_then(|id| match id {
            Some(id) if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric()) => {
                Err(invalid("tx_id", "must be 1 to 35 letters or digits"))
            }
            id => Ok(id),
        }));
        let scheduled_date = found.check(
            self.scheduled_date
                .map(|text| {
                    time_format::parse(&text).ok_or_else(|| {
                        invalid("scheduled_date", "must be an RFC 3339 date-time, such as 2026-02-15T10:00:00Z")
                    })
                })
                .transpose(),
        );
        let mut discounts = Vec::new();
        for (index, discount) in self.discounts.unwrap_or_default().into_iter().enumerate() {
            let field = |name: &str| format!("discounts[{index}].{name}");
            let date = found.check(required(discount.date, &field("date")).and_then(|date| {
                time_format::parse(&date).ok_or_else(|| invalid(field("date"), "must be an RFC 3339 date-time"))
            }));
            let value = found.check(required(discount.amount, &field("amount")).and_then(|value| match value {
                ..1 => Err(invalid(field("amount"), "must be an integer of at least 1 (centavos)")),
                value if amount.is_some_and(|amount| value >= amount) => {
                    Err(invalid(field("amount"), "must be less than the payment's amount"))
                }
                value => Ok(value),
            }));
            if let (Some(date), Some(value)) = (date, value) {
                discounts.push(Discount { date: date.replace_nanosecond(0).unwrap_or(date), amount: value });
            }
        }
        let additional_info = self.additional_info.unwrap_or_default();
        for (index, info) in additional_info.iter().enumerate() {
            let key = format!("additional_info[{index}].key");
            found.refuse_if(info.key.trim().is_empty(), || invalid(&key, "must not be empty"));
            found.check(text(Some(info.key.clone()), &key, MAX_TEXT));
            found.check(text(Some(info.value.clone()), &format!("additional_info[{index}].value"), MAX_TEXT));
        }
        found.finish()?;
        let (Some(amount), Some(external_id), Some(debtor), Some(creditor), Some(description)) =
            (amount, external_id, debtor, creditor, description)
        else {
            return Err(unchecked());
        };
        let (Some(qr_code_data), Some(tx_id), Some(scheduled_date)) = (qr_code_data, tx_id, scheduled_date) else {
            return Err(unchecked());
        };
        let scheduled_date = scheduled_date.map(|at| at.replace_nanosecond(0).unwrap_or(at));
        let status = match scheduled_date {
            Some(at) if at > now => PaymentStatus::Scheduled,
            _ => PaymentStatus::Pending,
        };
        Ok(NewPayment {
            external_id,
            amount,
            debtor,
            creditor,
            description,
            qr_code_data,
            tx_id,
            scheduled_date,
            discounts,
            additional_info,
            status,
        })
    }
}

/// A stored payment request, as the API returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Payment {
    /// The service's id.
    pub id: i64,
    /// A UUID for the payment.
    pub unique_id: Uuid,
    /// The caller's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Where it is in its life.
    pub status: PaymentStatus,
    /// Centavos.
    pub amount: i64,
    /// `BRL`.
    pub currency: String,
    /// Payer's institution.
    pub debtor_ispb: String,
    /// Payer's CPF or CNPJ.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub debtor_document: Option<String>,
    /// Payer's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub debtor_name: Option<String>,
    /// Payer's account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub debtor_account_no: Option<String>,
    /// Payer's account type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub debtor_account_type: Option<AccountType>,
    /// Payer's branch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub debtor_branch: Option<String>,
    /// Payee's institution.
    pub creditor_ispb: String,
    /// Payee's CPF or CNPJ.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creditor_document: Option<String>,
    /// Payee's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creditor_name: Option<String>,
    /// Payee's account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creditor_account_no: Option<String>,
    /// Payee's account type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creditor_account_type: Option<AccountType>,
    /// Payee's branch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creditor_branch: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The BR Code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qr_code_data: Option<String>,
    /// The txid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tx_id: Option<String>,
    /// When it is to be processed.
    #[serde(with = "time_format::api_option", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub scheduled_date: Option<OffsetDateTime>,
    /// Discounts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub discounts: Vec<Discount>,
    /// Extra keys and values.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub additional_info: Vec<AdditionalInfo>,
    /// Set when the payment completes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_to_end_id: Option<String>,
    /// When it completed or failed.
    #[serde(with = "time_format::api_option", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub processed_at: Option<OffsetDateTime>,
    /// Why it failed, when a bank's retorno failed it: the bank's occurrence codes and texts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_reason: Option<String>,
    /// Centavos given back by refunds that reached `RETURNED`. A refunded payment stays
    /// `COMPLETED`.
    pub refunded_amount: i64,
    /// What the payment's refunds add up to; absent when it has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refunds: Option<crate::refund::RefundSummary>,
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
}

/// A payment in a list: the fields the API document's list shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PaymentSummary {
    /// The service's id.
    pub id: i64,
    /// A UUID for the payment.
    pub unique_id: Uuid,
    /// The caller's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Status.
    pub status: PaymentStatus,
    /// Centavos.
    pub amount: i64,
    /// `BRL`.
    pub currency: String,
    /// Payer's institution.
    pub debtor_ispb: String,
    /// Payee's institution.
    pub creditor_ispb: String,
    /// Set when completed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_to_end_id: Option<String>,
    /// Created.
    #[serde(with = "time_format::api")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    /// When it completed or failed.
    #[serde(with = "time_format::api_option", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub processed_at: Option<OffsetDateTime>,
}

impl From<&Payment> for PaymentSummary {
    fn from(p: &Payment) -> Self {
        PaymentSummary {
            id: p.id,
            unique_id: p.unique_id,
            external_id: p.external_id.clone(),
            status: p.status,
            amount: p.amount,
            currency: p.currency.clone(),
            debtor_ispb: p.debtor_ispb.clone(),
            creditor_ispb: p.creditor_ispb.clone(),
            end_to_end_id: p.end_to_end_id.clone(),
            created_at: p.created_at,
            processed_at: p.processed_at,
        }
    }
}

/// Filters and page of `GET /payments`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaymentFilter {
    /// Only this status.
    pub status: Option<PaymentStatus>,
    /// Only this payer institution.
    pub debtor_ispb: Option<String>,
    /// Only this payee institution.
    pub creditor_ispb: Option<String>,
    /// At least this amount.
    pub min_amount: Option<i64>,
    /// At most this amount.
    pub max_amount: Option<i64>,
    /// Created at or after this time.
    pub created_from: Option<OffsetDateTime>,
    /// Created before this time.
    pub created_before: Option<OffsetDateTime>,
    /// Only payments sent in a remessa at or before this time that no retorno has answered and are
    /// still `PROCESSING`.
    pub awaiting_return_before: Option<OffsetDateTime>,
    /// Page size, 1 to 100.
    pub limit: u32,
    /// Rows to skip.
    pub offset: u64,
}

/// The body of `PUT /payments/{id}/status`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusUpdateRequest {
    /// The new status.
    #[schema(value_type = Option<PaymentStatus>, required = true, nullable = false)]
    pub status: Option<String>,
    /// For `COMPLETED`: the SPI's end-to-end id; generated when absent.
    #[schema(
        pattern = "^E[0-9]{8}[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])([01][0-9]|2[0-3])[0-5][0-9][A-Za-z0-9]{1,11}$"
    )]
    pub end_to_end_id: Option<String>,
}

/// A checked status change, as the store applies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusUpdate {
    /// The status the payment must be in for the change to apply.
    pub from: PaymentStatus,
    /// The new status.
    pub to: PaymentStatus,
    /// Set on `COMPLETED`.
    pub end_to_end_id: Option<EndToEndId>,
    /// Set on `COMPLETED` and `FAILED`.
    pub processed_at: Option<OffsetDateTime>,
    /// Now.
    pub updated_at: OffsetDateTime,
    /// Who makes the change (the audit trail's actor).
    pub changed_by: String,
}

/// What `PUT /payments/{id}/status` returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct StatusView {
    /// The payment.
    pub id: i64,
    /// Its new status.
    pub status: PaymentStatus,
    /// Set when completed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_to_end_id: Option<String>,
    /// When it completed or failed.
    #[serde(with = "time_format::api_option", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub processed_at: Option<OffsetDateTime>,
    /// Now.
    #[serde(with = "time_format::api")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

impl From<&Payment> for StatusView {
    fn from(p: &Payment) -> Self {
        StatusView {
            id: p.id,
            status: p.status,
            end_to_end_id: p.end_to_end_id.clone(),
            processed_at: p.processed_at,
            updated_at: p.updated_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PaymentStatus::*;

    #[test]
    fn the_transition_table_is_the_documents() {
        let allowed = [
            (Pending, Processing),
            (Pending, Scheduled),
            (Pending, Cancelled),
            (Scheduled, Pending),
            (Scheduled, Cancelled),
            (Processing, Completed),
            (Processing, Failed),
        ];
        for from in PaymentStatus::ALL {
            for to in PaymentStatus::ALL {
                let expected = allowed.contains(&(from, to));
                assert_eq!(from.can_become(to), expected, "{from} -> {to}");
                match from.transition(to) {
                    Ok(status) => assert_eq!(status, to),
                    Err(error) => {
                        assert!(!expected);
                        assert!(error.to_string().contains(from.as_str()) && error.to_string().contains(to.as_str()));
                    }
                }
            }
        }
        for status in PaymentStatus::ALL {
            assert_eq!(PaymentStatus::parse(status.as_str()), Some(status));
        }
    }
}
