//! What a service refuses, and why.

use crate::payment::PaymentStatus;
use crate::store::StoreError;

/// A refusal by a service; each maps to one API error code.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CoreError {
    /// Input that breaks a rule; the message names the field and the rule.
    #[error("{message}")]
    Validation {
        /// The field (`debtor_ispb`, `discounts[0].amount`).
        field: String,
        /// `"<field> <rule>"`.
        message: String,
    },
    /// Input that breaks several rules: every one, in the order the fields are checked. Its
    /// message is the first one's, so that a client reading only the message reads what a
    /// single [`CoreError::Validation`] would say.
    #[error("{}", .0.first().map_or("the request is invalid", |first| first.message.as_str()))]
    Violations(Vec<Violation>),
    /// No such payment request.
    #[error("payment request not found")]
    PaymentNotFound,
    /// The payment has no credit confirmation.
    #[error("credit confirmation not found")]
    CreditNotFound,
    /// The status table does not allow this change.
    #[error("cannot transition payment from {from} to {to}")]
    InvalidTransition {
        /// The payment's status.
        from: PaymentStatus,
        /// The status asked for.
        to: PaymentStatus,
    },
    /// Cancel asked of a payment that cannot be cancelled.
    #[error("cannot cancel payment in {0} status")]
    CannotCancel(PaymentStatus),
    /// Another payment has this `external_id`.
    #[error("external_id {external_id} already used by payment {existing_id}")]
    DuplicateExternalId {
        /// The id.
        external_id: String,
        /// The payment that has it.
        existing_id: i64,
    },
    /// Another payment has this end-to-end id.
    #[error("end_to_end_id {end_to_end_id} already used by payment {existing_id}")]
    DuplicateEndToEndId {
        /// The id.
        end_to_end_id: String,
        /// The payment that has it.
        existing_id: i64,
    },
    /// Credit can only be confirmed for a completed payment.
    #[error("credit can only be confirmed for a COMPLETED payment; this one is {0}")]
    NotCompleted(PaymentStatus),
    /// Credit was confirmed already.
    #[error("credit already confirmed for this payment (confirmation {0})")]
    AlreadyConfirmed(i64),
    /// The amount confirmed is not the payment's.
    #[error("confirmed amount {found} does not match the payment amount {expected}")]
    AmountMismatch {
        /// The payment's amount.
        expected: i64,
        /// The amount given.
        found: i64,
    },
    /// The idempotency key was used with another body.
    #[error("Idempotency-Key already used with a different request body")]
    IdempotencyKeyReused,
    /// No such QR code.
    #[error("QR code not found")]
    QrCodeNotFound,
    /// Another QR code has this txid.
    #[error("tx_id {tx_id} already used by QR code {existing_id}")]
    DuplicateTxid {
        /// The txid.
        tx_id: String,
        /// The code that has it.
        existing_id: i64,
    },
    /// A QR code cannot make this change (deactivating a static code, or twice).
    #[error("{0}")]
    QrCodeTransition(String),
    /// The single-use QR code the payment pays was used already.
    #[error("QR code {0} was already used")]
    QrCodeUsed(i64),
    /// The QR code the payment pays has expired.
    #[error("QR code {0} has expired")]
    QrCodeExpired(i64),
    /// No such file import.
    #[error("file import not found")]
    ImportNotFound,
    /// The same file (same SHA-256) was imported already.
    #[error(
        "this file was already imported as import {existing_id} (same SHA-256): importing it again would pay twice"
    )]
    DuplicateFile {
        /// The earlier import.
        existing_id: i64,
    },
    /// The file's content is not the announced type.
    #[error("file_type {announced} does not match the file's content, which looks like {found}")]
    FileTypeMismatch {
        /// What the upload said.
        announced: crate::files::FileType,
        /// What the content looks like.
        found: crate::files::FileType,
    },
    /// The file cannot be read; nothing was stored.
    #[error("the file cannot be read: {0}")]
    FileUnreadable(crate::files::parse::ParseError),
    /// Only an uploaded import can be processed.
    #[error("import {id} is {status}; only an UPLOADED import can be processed")]
    ImportNotProcessable {
        /// The import.
        id: i64,
        /// Its status.
        status: &'static str,
    },
    /// No such export.
    #[error("file export not found")]
    ExportNotFound,
    /// A remessa to send would hold no payment.
    #[error("no PENDING payment matches the filters: a remessa must send at least one")]
    NothingToSend,
    /// The payments to send kept changing while the remessa was written.
    #[error("the payments matching the filters changed while the remessa was written; ask again")]
    ExportRaced,
    /// A payment cannot be written in the file's layout.
    #[error("the remessa cannot be written: {0}")]
    ExportUnwritable(String),
    /// No such schedule.
    #[error("schedule not found")]
    ScheduleNotFound,
    /// The schedule's state table does not allow this.
    #[error("cannot {action} a schedule in {from} status")]
    ScheduleTransition {
        /// What was asked (`pause`, `resume`, `cancel`, `update`).
        action: &'static str,
        /// The schedule's status.
        from: crate::schedule::ScheduleStatus,
    },
    /// No such webhook endpoint (or not the caller's).
    #[error("webhook endpoint not found")]
    WebhookNotFound,
    /// No such delivery of the endpoint.
    #[error("delivery not found")]
    DeliveryNotFound,
    /// No such refund of the payment.
    #[error("refund not found")]
    RefundNotFound,
    /// The refund id was used for this payment with another request.
    #[error("refund_id {0} was already used for this payment with another amount, nature or description")]
    RefundIdReused(String),
    /// Only a completed payment can be refunded.
    #[error("only a COMPLETED payment can be refunded; this one is {0}")]
    PaymentNotRefundable(PaymentStatus),
    /// The payment was settled too long ago.
    #[error("refunds are accepted within {days} days of the payment's settlement; it was processed at {processed_at}")]
    RefundWindowClosed {
        /// The window, in days.
        days: i64,
        /// When the payment was processed (RFC 3339).
        processed_at: String,
    },
    /// The refund would take the payment's refunds past its amount.
    #[error(
        "a refund of {asked} would exceed the payment's amount {amount}: {returned} returned and {in_process} in \
         process leave {left} to refund"
    )]
    RefundExceedsAmount {
        /// The amount asked for.
        asked: i64,
        /// The payment's amount.
        amount: i64,
        /// Returned already.
        returned: i64,
        /// Asked for and not settled.
        in_process: i64,
        /// What is left.
        left: i64,
    },
    /// The payment's refunds kept changing while this one was asked for.
    #[error("the payment's refunds kept changing while this one was asked for; ask again")]
    RefundRaced,
    /// The refund's status table does not allow this change.
    #[error("cannot move a refund from {from} to {to}")]
    RefundTransition {
        /// Its status.
        from: crate::refund::RefundStatus,
        /// The status asked for.
        to: crate::refund::RefundStatus,
    },
    /// A schedule of a payment that does not exist.
    #[error("payment_request_id {0}: no payment request has this id")]
    TemplateNotFound(i64),
    /// A reconciliation asked of an import of payments.
    #[error("import {0} is a payments file, not a retorno: it has no reconciliation")]
    NotARetorno(i64),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One rule a request breaks: the Central Bank's API Pix calls the list `violacoes`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Violation {
    /// The field (`debtor_ispb`, `discounts[0].amount`).
    pub field: String,
    /// `"<field> <rule>"`.
    pub message: String,
}

/// The violations of one request, gathered field by field so that one answer lists them all.
#[derive(Debug, Default)]
pub(crate) struct Violations(Vec<Violation>);

impl Violations {
    /// `result`'s value, or `None` with its violations noted.
    pub(crate) fn check<T>(&mut self, result: Result<T, CoreError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.0.extend(error.violations());
                None
            }
        }
    }

    /// Notes `error` when `broken`.
    pub(crate) fn refuse_if(&mut self, broken: bool, error: impl FnOnce() -> CoreError) {
        if broken {
            self.0.extend(error().violations());
        }
    }

    /// Nothing was wrong, or the error listing everything that was.
    pub(crate) fn finish(self) -> Result<(), CoreError> {
        let mut found = self.0;
        match found.len() {
            0 => Ok(()),
            1 => {
                let Violation { field, message } = found.remove(0);
                Err(CoreError::Validation { field, message })
            }
            _ => Err(CoreError::Violations(found)),
        }
    }
}

impl CoreError {
    /// Every rule the input breaks: one for [`CoreError::Validation`], all for
    /// [`CoreError::Violations`], none for a refusal of another kind.
    pub fn violations(&self) -> Vec<Violation> {
        match self {
            CoreError::Validation { field, message } => {
                vec![Violation { field: field.clone(), message: message.clone() }]
            }
            CoreError::Violations(all) => all.clone(),
            _ => Vec::new(),
        }
    }

    /// Every violation's message joined by `; `, for where one line of text holds the refusal
    /// (an import record's error, a schedule run's); the message for a refusal of another kind.
    pub fn explained(&self) -> String {
        match self {
            CoreError::Violations(all) => all.iter().map(|v| v.message.as_str()).collect::<Vec<_>>().join("; "),
            other => other.to_string(),
        }
    }

    /// The API's error code.
    pub fn code(&self) -> &'static str {
        match self {
            CoreError::Validation { .. } | CoreError::Violations(_) => "VALIDATION_ERROR",
            CoreError::PaymentNotFound | CoreError::CreditNotFound | CoreError::QrCodeNotFound => "NOT_FOUND",
            CoreError::DuplicateTxid { .. } => "DUPLICATE_TXID",
            CoreError::QrCodeTransition(_) => "INVALID_TRANSITION",
            CoreError::QrCodeUsed(_) => "QR_CODE_USED",
            CoreError::ImportNotFound | CoreError::ScheduleNotFound | CoreError::ExportNotFound => "NOT_FOUND",
            CoreError::WebhookNotFound | CoreError::DeliveryNotFound | CoreError::RefundNotFound => "NOT_FOUND",
            CoreError::RefundIdReused(_) => "REFUND_ID_REUSED",
            CoreError::PaymentNotRefundable(_) => "PAYMENT_NOT_REFUNDABLE",
            CoreError::RefundWindowClosed { .. } => "REFUND_WINDOW_CLOSED",
            CoreError::RefundExceedsAmount { .. } => "REFUND_EXCEEDS_AMOUNT",
            CoreError::RefundRaced => "REFUND_CONFLICT",
            CoreError::NotARetorno(_) => "NOT_A_RETORNO",
            CoreError::TemplateNotFound(_) => "NOT_FOUND",
            CoreError::RefundTransition { .. } => "INVALID_TRANSITION",
            CoreError::NothingToSend => "NOTHING_TO_SEND",
            CoreError::ExportRaced => "EXPORT_CONFLICT",
            CoreError::ExportUnwritable(_) => "FILE_UNWRITABLE",
            CoreError::ScheduleTransition { .. } => "INVALID_TRANSITION",
            CoreError::DuplicateFile { .. } => "DUPLICATE_FILE",
            CoreError::FileTypeMismatch { .. } => "VALIDATION_ERROR",
            CoreError::FileUnreadable(_) => "FILE_UNREADABLE",
            CoreError::ImportNotProcessable { .. } => "INVALID_TRANSITION",
            CoreError::QrCodeExpired(_) => "QR_CODE_EXPIRED",
            CoreError::InvalidTransition { .. } | CoreError::CannotCancel(_) => "INVALID_TRANSITION",
            CoreError::DuplicateExternalId { .. } => "DUPLICATE_EXTERNAL_ID",
            CoreError::DuplicateEndToEndId { .. } => "DUPLICATE_END_TO_END_ID",
            CoreError::NotCompleted(_) => "PAYMENT_NOT_COMPLETED",
            CoreError::AlreadyConfirmed(_) => "ALREADY_CONFIRMED",
            CoreError::AmountMismatch { .. } => "AMOUNT_MISMATCH",
            CoreError::IdempotencyKeyReused => "IDEMPOTENCY_KEY_REUSED",
            CoreError::Store(StoreError::Unavailable(_)) => "DATABASE_UNAVAILABLE",
            CoreError::Store(_) => "INTERNAL_ERROR",
        }
    }
}
