//! Where payments are kept. [`Store`] is what the services need; [`SqlStore`] provides it over
//! SQLite (the embedded default) or PostgreSQL, from one set of queries.

mod sql;

use std::future::Future;

use time::OffsetDateTime;

pub use sql::{Backend, SqlStore};

use crate::audit::{Resource, Stamp, StateChange};
use crate::credit::{CreditConfirmation, NewCredit};
use crate::files::parse::ParseError;
use crate::files::reconcile::{Decision, Found};
use crate::files::remessa::{ExportFilter, FileExport, NewExport};
use crate::files::{FileImport, FileType, ImportFilter, ImportRecord, ParsedRecord, RecordFilter, RecordStatus};
use crate::payment::NewPayment as PaymentToCreate;
use crate::payment::{NewPayment, Payment, PaymentFilter, StatusUpdate};
use crate::qrcode::{NewQrCode, QrCode, QrCodeFilter};
use crate::refund::{NewRefund, Refund, RefundFilter, RefundSettlement};
use crate::schedule::{Schedule, ScheduleRule, ScheduleStatus, ScheduleType};
use crate::webhooks::{
    Claimed, Delivery, DeliveryFilter, Endpoint, EventFilter, Outcome, Publication, RawEvent, Subscription,
};

/// A failure of the store itself (not a refusal of the domain).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database cannot be reached.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The database answered with an error.
    #[error("database error: {0}")]
    Database(String),
    /// A stored value does not read back (a row written by something else).
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Tls(_) => {
                StoreError::Unavailable(error.to_string())
            }
            sqlx::Error::Database(ref db) if db.message().contains("unable to open") => {
                StoreError::Unavailable(error.to_string())
            }
            sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) | sqlx::Error::ColumnNotFound(_) => {
                StoreError::Corrupt(error.to_string())
            }
            other => StoreError::Database(other.to_string()),
        }
    }
}

/// The caller's idempotency key for a create, and a digest of the request it came with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyClaim {
    /// The caller (token subject): keys are per caller.
    pub subject: String,
    /// The `Idempotency-Key` header.
    pub key: String,
    /// SHA-256 of the canonical request body, hexadecimal.
    pub request_hash: String,
}

/// What inserting a payment did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inserted {
    /// Stored (with a claim, its JSON is kept with the key, for replays).
    Created(Box<Payment>),
    /// The idempotency key was seen before: its request digest and first response.
    Replay {
        /// The digest of the first request.
        request_hash: String,
        /// The first response body.
        response: String,
    },
    /// Another payment has this `external_id`.
    DuplicateExternalId(i64),
    /// The single-use QR code it pays is no longer active (used, deactivated or expired);
    /// nothing was stored.
    QrCodeUnavailable,
}

/// The QR code a new payment pays, to record in the payment's own transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QrUse {
    /// The code.
    pub id: i64,
    /// Dynamic: the payment uses it up, if it is still active and unexpired. Static: counted.
    pub single_use: bool,
}

/// How to find a stored QR code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QrLookup<'a> {
    /// By its service id.
    Id(i64),
    /// By its txid.
    TxId(&'a str),
    /// By a dynamic code's location token.
    Token(&'a str),
    /// By its exact payload.
    Payload(&'a str),
}

/// What inserting a QR code did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QrInserted {
    /// Stored.
    Created(Box<QrCode>),
    /// Another code has this txid.
    DuplicateTxid(i64),
}

/// A QR code to store: the checked request and what the service made of it.
#[derive(Debug, Clone, Copy)]
pub struct QrRecord<'a> {
    /// The checked request.
    pub code: &'a NewQrCode,
    /// The BR Code.
    pub payload: &'a str,
    /// A dynamic code's location token.
    pub location_token: Option<&'a str>,
    /// A dynamic code's location, as in the payload.
    pub location: Option<&'a str>,
    /// Who creates it.
    pub created_by: &'a str,
    /// When.
    pub at: OffsetDateTime,
}

/// Where QR codes are kept.
pub trait QrCodeStore {
    /// Stores a new code, unless another has its txid.
    fn insert_qr_code(&self, record: QrRecord<'_>) -> impl Future<Output = Result<QrInserted, StoreError>> + Send;

    /// One code.
    fn qr_code(&self, lookup: QrLookup<'_>) -> impl Future<Output = Result<Option<QrCode>, StoreError>> + Send;

    /// A page of codes matching `filter` as of `now`, newest first, and how many match in all.
    fn qr_codes(
        &self,
        filter: &QrCodeFilter,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<(Vec<QrCode>, u64), StoreError>> + Send;

    /// Marks an active code used at `at`; `None` when it was not active.
    fn deactivate_qr_code(
        &self,
        id: i64,
        at: OffsetDateTime,
        actor: &str,
    ) -> impl Future<Output = Result<Option<QrCode>, StoreError>> + Send;
}

/// What a conditional status update did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Updated {
    /// Applied.
    Applied(Box<Payment>),
    /// The payment was not in the expected status (or does not exist); nothing changed.
    Stale,
    /// Another payment has this end-to-end id.
    DuplicateEndToEndId(i64),
}

/// What inserting a credit confirmation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreditInserted {
    /// Stored.
    Created(CreditConfirmation),
    /// The payment had one already, with this id.
    AlreadyConfirmed(i64),
}

/// A file import to store.
#[derive(Debug, Clone, Copy)]
pub struct NewImport<'a> {
    /// The uploaded file's name.
    pub filename: &'a str,
    /// Its format.
    pub file_type: FileType,
    /// Its size.
    pub file_size: u64,
    /// SHA-256 of its bytes, hexadecimal.
    pub file_hash: &'a str,
    /// The uploader.
    pub created_by: &'a str,
    /// When.
    pub at: OffsetDateTime,
}

/// A file's records as its reader yields them: chunks, or the error that makes it unreadable.
pub type RecordChunks = tokio::sync::mpsc::Receiver<Result<Vec<ParsedRecord>, ParseError>>;

/// What storing an import did.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportInserted {
    /// Stored with all its records.
    Created(Box<FileImport>),
    /// A file with the same hash was imported already: that import's id.
    Duplicate(i64),
    /// The reader failed: nothing was stored.
    Unreadable(ParseError),
}

/// What processing one record decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordOutcome {
    /// The record.
    pub record_id: i64,
    /// The payment to create, or why not.
    pub payment: Result<PaymentToCreate, String>,
}

/// Where payment files are kept.
pub trait FileStore {
    /// Stores an import and every record the channel brings, in one transaction.
    fn insert_import(
        &self,
        import: NewImport<'_>,
        records: RecordChunks,
    ) -> impl Future<Output = Result<ImportInserted, StoreError>> + Send;

    /// One import.
    fn file_import(&self, id: i64) -> impl Future<Output = Result<Option<FileImport>, StoreError>> + Send;

    /// The import of the file with this hash.
    fn file_import_by_hash(&self, hash: &str) -> impl Future<Output = Result<Option<FileImport>, StoreError>> + Send;

    /// A page of imports, newest first, and how many match.
    fn file_imports(
        &self,
        filter: &ImportFilter,
    ) -> impl Future<Output = Result<(Vec<FileImport>, u64), StoreError>> + Send;

    /// A page of an import's records in file order, and how many match.
    fn import_records(
        &self,
        import_id: i64,
        filter: &RecordFilter,
    ) -> impl Future<Output = Result<(Vec<ImportRecord>, u64), StoreError>> + Send;

    /// `UPLOADED` to `PROCESSING`; `None` when the import was not `UPLOADED`.
    fn start_import(
        &self,
        id: i64,
        at: OffsetDateTime,
        actor: &str,
    ) -> impl Future<Output = Result<Option<FileImport>, StoreError>> + Send;

    /// The imports being processed: id, uploader and what their records are.
    fn imports_processing(
        &self,
    ) -> impl Future<Output = Result<Vec<(i64, String, crate::files::ImportKind)>, StoreError>> + Send;

    /// Up to `limit` pending records of an import, in file order: id and payment fields (JSON).
    fn pending_records(
        &self,
        import_id: i64,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<(i64, String)>, StoreError>> + Send;

    /// In one transaction: creates the payments, marks each record, counts them on the import.
    /// Returns false, changing nothing, when a record was no longer pending (another worker).
    fn apply_records(
        &self,
        import_id: i64,
        outcomes: &[RecordOutcome],
        created_by: &str,
        at: OffsetDateTime,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// `PROCESSING` to `COMPLETED` once no record is pending.
    fn complete_import(
        &self,
        id: i64,
        at: OffsetDateTime,
        actor: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

/// A reconciliation's figures for one record outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Tally {
    /// Records.
    pub count: i64,
    /// Their amounts (paid, else asked), centavos.
    pub amount: i64,
}

/// Where remessas sent are kept, and how retornos answer them.
pub trait RemessaStore {
    /// In one transaction: stores the export and its payments, and moves each payment
    /// `PENDING -> PROCESSING` with the export as the actor. `None`, changing nothing, when a
    /// payment is no longer `PENDING` (another request sent or changed it).
    fn record_export(
        &self,
        export: &NewExport<'_>,
    ) -> impl Future<Output = Result<Option<FileExport>, StoreError>> + Send;

    /// The sequence number the next remessa of `format`'s layout to its bank takes (NSA).
    fn next_file_number(
        &self,
        format: crate::files::remessa::RemessaFormat,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// One export, with its payment ids in file order.
    fn file_export(&self, id: i64) -> impl Future<Output = Result<Option<FileExport>, StoreError>> + Send;

    /// A page of exports, newest first, and how many match.
    fn file_exports(
        &self,
        filter: &ExportFilter,
    ) -> impl Future<Output = Result<(Vec<FileExport>, u64), StoreError>> + Send;

    /// Up to `limit` of an export's payments after payment `after_id`, in file order (which is
    /// id order).
    fn export_payments(
        &self,
        id: i64,
        after_id: i64,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<Payment>, StoreError>> + Send;

    /// The payments with these ids, each with whether its credit is confirmed.
    fn payments_found(&self, ids: &[i64]) -> impl Future<Output = Result<Vec<Found>, StoreError>> + Send;

    /// The `COMPLETED` payments to the holder of this CPF or CNPJ for any of these amounts: the
    /// payments a statement's credits may confirm.
    fn credits_expected(
        &self,
        holder: &str,
        amounts: &[i64],
    ) -> impl Future<Output = Result<Vec<Found>, StoreError>> + Send;

    /// The payments that have these end-to-end ids: id by end-to-end id.
    fn end_to_end_holders(
        &self,
        ids: &[String],
    ) -> impl Future<Output = Result<std::collections::HashMap<String, i64>, StoreError>> + Send;

    /// In one transaction: applies each decision's payment change (guarded by the status it was
    /// decided from) with its credit confirmation, answers the remessa of each payment found,
    /// marks each record and counts them on the import. Returns false, changing nothing, when a
    /// payment or a record changed meanwhile: the caller decides again.
    fn apply_decisions(
        &self,
        import_id: i64,
        decisions: &[Decision],
        at: OffsetDateTime,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// An import's records counted and summed by status.
    fn record_tallies(
        &self,
        import_id: i64,
    ) -> impl Future<Output = Result<Vec<(RecordStatus, Tally)>, StoreError>> + Send;
}

/// Filters and page of `GET /schedules`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScheduleFilter {
    /// Only this status.
    pub status: Option<ScheduleStatus>,
    /// Only this type.
    pub kind: Option<ScheduleType>,
    /// Only schedules due (active, `next_run_at` passed) at this time, or only those not due.
    pub due: Option<(bool, OffsetDateTime)>,
    /// Page size, 1 to 100.
    pub limit: u32,
    /// Rows to skip.
    pub offset: u64,
}

/// What one occurrence of a schedule did, to record with the schedule's advance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRecord {
    /// The occurrence's number, from 0.
    pub occurrence: i64,
    /// When it was due.
    pub scheduled_for: OffsetDateTime,
    /// The payment it made, or why it made none.
    pub payment: Result<PaymentToCreate, String>,
    /// The schedule's next run after this one (`None`: the series is over).
    pub next_run_at: Option<OffsetDateTime>,
    /// Pause the schedule after this run (too many failures in a row).
    pub pause: bool,
}

/// A run of a schedule, as the API returns it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ScheduleRun {
    /// The occurrence's number, from 1.
    pub occurrence: i64,
    /// When it was due.
    #[serde(with = "crate::time_format::api")]
    #[schema(value_type = String, format = DateTime)]
    pub scheduled_for: OffsetDateTime,
    /// When it ran.
    #[serde(with = "crate::time_format::api")]
    #[schema(value_type = String, format = DateTime)]
    pub ran_at: OffsetDateTime,
    /// `SUCCESS` or `FAILED`.
    pub outcome: String,
    /// The payment it made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_request_id: Option<i64>,
    /// Why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Where schedules are kept.
pub trait ScheduleStore {
    /// Stores a new schedule: ACTIVE with its next occurrence, or COMPLETED without one.
    fn insert_schedule(
        &self,
        template: i64,
        rule: &ScheduleRule,
        next: Option<(i64, OffsetDateTime)>,
        created_by: &str,
        at: OffsetDateTime,
    ) -> impl Future<Output = Result<Schedule, StoreError>> + Send;

    /// One schedule.
    fn schedule(&self, id: i64) -> impl Future<Output = Result<Option<Schedule>, StoreError>> + Send;

    /// A page of schedules, newest first, and how many match.
    fn schedules(
        &self,
        filter: &ScheduleFilter,
    ) -> impl Future<Output = Result<(Vec<Schedule>, u64), StoreError>> + Send;

    /// Replaces the rule and next run of a schedule still in `from` (one of `allowed`); `None`
    /// when it was not.
    #[allow(clippy::too_many_arguments)]
    fn change_schedule(
        &self,
        id: i64,
        allowed: &[ScheduleStatus],
        status: ScheduleStatus,
        rule: Option<&ScheduleRule>,
        next: Option<(i64, Option<OffsetDateTime>)>,
        stamp: Stamp<'_>,
    ) -> impl Future<Output = Result<Option<Schedule>, StoreError>> + Send;

    /// Up to `limit` ACTIVE schedules due at `now`, oldest first.
    fn due_schedules(
        &self,
        now: OffsetDateTime,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<Schedule>, StoreError>> + Send;

    /// In one transaction: records occurrence `run.occurrence` of schedule `id` (once: the pair
    /// is unique), creates its payment, and advances the schedule, if the schedule is still
    /// ACTIVE at that occurrence. Returns false, changing nothing, when it was not (another
    /// worker ran it). The payment is `created_by`'s; the schedule's change is `actor`'s.
    fn record_run(
        &self,
        schedule: &Schedule,
        run: &RunRecord,
        created_by: &str,
        at: OffsetDateTime,
        actor: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// A schedule's runs, in order.
    fn schedule_runs(
        &self,
        id: i64,
        limit: u32,
        offset: u64,
    ) -> impl Future<Output = Result<(Vec<ScheduleRun>, u64), StoreError>> + Send;
}

/// The authorizations or automatic payments of an owner's wallet, filtered and paged as the
/// list endpoint asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutomaticFilter {
    /// The payer.
    pub owner: String,
    /// The payer's wallet.
    pub wallet: uuid::Uuid,
    /// Only these statuses, by their API names from the closed enums (all when empty).
    pub statuses: Vec<&'static str>,
    /// Newest first.
    pub descending: bool,
    /// Page size.
    pub size: u32,
    /// Rows to skip.
    pub offset: u64,
}

/// Where Pix Automático's records are kept.
pub trait AutomaticStore {
    /// The owner's wallet: `requested` when it is the owner's (`None` when it is not), else
    /// the owner's default, created on first use.
    fn wallet(
        &self,
        owner: &str,
        requested: Option<uuid::Uuid>,
        at: OffsetDateTime,
    ) -> impl Future<Output = Result<Option<uuid::Uuid>, StoreError>> + Send;

    /// A new wallet of the owner.
    fn create_wallet(
        &self,
        owner: &str,
        at: OffsetDateTime,
    ) -> impl Future<Output = Result<uuid::Uuid, StoreError>> + Send;

    /// The owner's wallets, the default first, and which is the default.
    fn wallets(&self, owner: &str) -> impl Future<Output = Result<Vec<(uuid::Uuid, bool)>, StoreError>> + Send;

    /// Withdraws what `user` granted `product`; false when there was nothing.
    fn revoke_product(&self, product: uuid::Uuid, user: &str) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Records that `user` lets `product` act for them.
    fn grant_product(
        &self,
        product: uuid::Uuid,
        user: &str,
        at: OffsetDateTime,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Whether `user` lets `product` act for them.
    fn product_granted(&self, product: uuid::Uuid, user: &str)
    -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Records a state-changing request's nonce; false when the subject used it within the
    /// 24 hours before `at`.
    fn use_nonce(
        &self,
        subject: &str,
        nonce: uuid::Uuid,
        at: OffsetDateTime,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Stores a PENDING authorization.
    fn insert_authorization(
        &self,
        owner: &str,
        wallet: uuid::Uuid,
        new: &crate::automatic::model::NewAuthorization,
        stamp: Stamp<'_>,
    ) -> impl Future<Output = Result<crate::automatic::model::Authorization, StoreError>> + Send;

    /// A page of an owner's wallet's authorizations, by creation, and how many match.
    fn authorizations(
        &self,
        filter: &AutomaticFilter,
    ) -> impl Future<Output = Result<(Vec<crate::automatic::model::Authorization>, u64), StoreError>> + Send;

    /// One authorization and its owner and wallet.
    fn authorization(
        &self,
        id: uuid::Uuid,
    ) -> impl Future<Output = Result<Option<(crate::automatic::model::Authorization, String, uuid::Uuid)>, StoreError>> + Send;

    /// Moves an authorization from `from` to `to`; `None` when it was not in `from`.
    fn set_authorization_status(
        &self,
        id: uuid::Uuid,
        from: crate::automatic::AuthorizationStatus,
        to: crate::automatic::AuthorizationStatus,
        stamp: Stamp<'_>,
    ) -> impl Future<Output = Result<Option<crate::automatic::model::Authorization>, StoreError>> + Send;

    /// PENDING authorizations whose request expired by `now` become EXPIRED; how many.
    fn expire_authorizations(
        &self,
        now: OffsetDateTime,
        actor: &str,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Stores a CREATED automatic payment for `(cycle, attempt)`; `None` when that cycle and
    /// attempt has one.
    #[allow(clippy::too_many_arguments)]
    fn insert_automatic_payment(
        &self,
        authorization: &crate::automatic::model::Authorization,
        owner: &str,
        wallet: uuid::Uuid,
        due_date: &str,
        cycle_attempt: (i64, i64),
        value: i64,
        purpose: crate::automatic::model::SchedulingPurpose,
        stamp: Stamp<'_>,
    ) -> impl Future<Output = Result<Option<crate::automatic::model::AutomaticPayment>, StoreError>> + Send;

    /// One automatic payment and its owner and wallet.
    fn automatic_payment(
        &self,
        id: uuid::Uuid,
    ) -> impl Future<
        Output = Result<Option<(crate::automatic::model::AutomaticPayment, String, uuid::Uuid)>, StoreError>,
    > + Send;

    /// The payments of one cycle of an authorization, by attempt.
    fn cycle_payments(
        &self,
        authorization: &crate::automatic::model::Authorization,
        cycle: i64,
    ) -> impl Future<Output = Result<Vec<crate::automatic::model::AutomaticPayment>, StoreError>> + Send;

    /// A page of an owner's wallet's automatic payments, by creation, and how many match.
    fn automatic_payments(
        &self,
        filter: &AutomaticFilter,
    ) -> impl Future<Output = Result<(Vec<crate::automatic::model::AutomaticPayment>, u64), StoreError>> + Send;

    /// Moves an automatic payment from one of `from` to `to`; `None` when it was in none (or,
    /// moving to WAITING_CANCELLATION, when it was settled already).
    fn set_automatic_payment_status(
        &self,
        id: uuid::Uuid,
        from: &[crate::automatic::AutomaticPaymentStatus],
        to: crate::automatic::AutomaticPaymentStatus,
        stamp: Stamp<'_>,
    ) -> impl Future<Output = Result<Option<crate::automatic::model::AutomaticPayment>, StoreError>> + Send;

    /// Up to `limit` unsettled automatic payments that stand (CREATED or CANCELLATION_FAILED)
    /// due on or before `today`, and their owners.
    fn due_automatic_payments(
        &self,
        today: &str,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<(crate::automatic::model::AutomaticPayment, String)>, StoreError>> + Send;

    /// In one transaction: the payment request (or the reason there is none) and the automatic
    /// payment's settlement, once: false, changing nothing, when it was settled already.
    fn settle_automatic_payment(
        &self,
        payment: &crate::automatic::model::AutomaticPayment,
        request: &Result<PaymentToCreate, String>,
        created_by: &str,
        at: OffsetDateTime,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

/// A webhook endpoint to store.
#[derive(Debug, Clone)]
pub struct NewEndpoint<'a> {
    /// Its URL.
    pub url: &'a str,
    /// What it is for.
    pub description: Option<&'a str>,
    /// Its selectors.
    pub selectors: &'a [String],
    /// Whether deliveries are made.
    pub enabled: bool,
    /// Its signing secret.
    pub secret: &'a str,
    /// Who registered it.
    pub owner: &'a str,
    /// The owner's read scopes.
    pub scopes: &'a [String],
    /// When.
    pub at: OffsetDateTime,
}

/// A change of an endpoint; `scopes` replace the kept read scopes whenever the owner changes it.
#[derive(Debug, Clone)]
pub struct EndpointChange<'a> {
    /// A new URL.
    pub url: Option<&'a str>,
    /// New selectors.
    pub selectors: Option<&'a [String]>,
    /// A new description, or its removal.
    pub description: Option<Option<&'a str>>,
    /// On or off.
    pub enabled: Option<bool>,
    /// The owner's read scopes now.
    pub scopes: &'a [String],
    /// When.
    pub at: OffsetDateTime,
}

/// Where webhook endpoints, events and deliveries are kept.
pub trait WebhookStore {
    /// Stores an endpoint.
    fn insert_endpoint(&self, new: &NewEndpoint<'_>) -> impl Future<Output = Result<Endpoint, StoreError>> + Send;

    /// One of `owner`'s endpoints.
    fn endpoint(&self, id: i64, owner: &str) -> impl Future<Output = Result<Option<Endpoint>, StoreError>> + Send;

    /// A page of `owner`'s endpoints, oldest first, and how many there are.
    fn endpoints(
        &self,
        owner: &str,
        limit: u32,
        offset: u64,
    ) -> impl Future<Output = Result<(Vec<Endpoint>, u64), StoreError>> + Send;

    /// Changes one of `owner`'s endpoints.
    fn update_endpoint(
        &self,
        id: i64,
        owner: &str,
        change: &EndpointChange<'_>,
    ) -> impl Future<Output = Result<Option<Endpoint>, StoreError>> + Send;

    /// Gives one of `owner`'s endpoints a new secret; the old one signs until `until`.
    fn rotate_secret(
        &self,
        id: i64,
        owner: &str,
        secret: &str,
        until: OffsetDateTime,
        at: OffsetDateTime,
    ) -> impl Future<Output = Result<Option<Endpoint>, StoreError>> + Send;

    /// Removes one of `owner`'s endpoints and its deliveries; false when there was none.
    fn delete_endpoint(&self, id: i64, owner: &str) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Up to `limit` events not yet published, oldest first.
    fn unpublished_events(&self, limit: u32) -> impl Future<Output = Result<Vec<RawEvent>, StoreError>> + Send;

    /// The enabled endpoints' subscriptions.
    fn subscriptions(&self) -> impl Future<Output = Result<Vec<Subscription>, StoreError>> + Send;

    /// In one transaction, publishes each event not published yet (another sender may have) and
    /// queues its deliveries; returns how many it published.
    fn publish(
        &self,
        publications: &[Publication],
        at: OffsetDateTime,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Claims up to `limit` deliveries due at `now` until `until`: of enabled endpoints, each the
    /// oldest pending of its object and endpoint, none claimed by another sender.
    fn claim_deliveries(
        &self,
        now: OffsetDateTime,
        until: OffsetDateTime,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<Claimed>, StoreError>> + Send;

    /// In one transaction, records each attempt, moves its delivery on, and tracks its endpoint's
    /// failures: disabled after failing for [`crate::webhooks::retry::DISABLE_AFTER`], or when gone.
    fn record_outcomes(
        &self,
        outcomes: &[Outcome],
        at: OffsetDateTime,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// A page of an endpoint's deliveries, newest first, with their attempts, and how many match.
    fn deliveries(
        &self,
        endpoint_id: i64,
        filter: &DeliveryFilter,
    ) -> impl Future<Output = Result<(Vec<Delivery>, u64), StoreError>> + Send;

    /// Makes one of an endpoint's deliveries due now, whatever its status.
    fn retry_delivery(
        &self,
        endpoint_id: i64,
        delivery_id: i64,
        at: OffsetDateTime,
    ) -> impl Future<Output = Result<Option<Delivery>, StoreError>> + Send;

    /// Queues again what an endpoint missed since `since`: its failed deliveries, and the events
    /// of `owner` of `types` it has none of; returns how many.
    fn replay(
        &self,
        endpoint_id: i64,
        owner: &str,
        types: &[&str],
        since: OffsetDateTime,
        at: OffsetDateTime,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// A page of published events, in the order they were made, each with its `data` if it was
    /// rendered.
    fn events(
        &self,
        filter: &EventFilter,
    ) -> impl Future<Output = Result<Vec<(RawEvent, Option<String>)>, StoreError>> + Send;

    /// These events, as written.
    fn raw_events(&self, ids: &[i64]) -> impl Future<Output = Result<Vec<RawEvent>, StoreError>> + Send;

    /// Keeps each event's rendered `data`, unless another sender kept one first; returns what is
    /// kept, by event.
    fn keep_event_data(
        &self,
        rendered: &[(i64, String)],
    ) -> impl Future<Output = Result<std::collections::HashMap<i64, String>, StoreError>> + Send;

    /// One run of a schedule, by its occurrence (0-based).
    fn schedule_run(
        &self,
        schedule_id: i64,
        occurrence: i64,
    ) -> impl Future<Output = Result<Option<ScheduleRun>, StoreError>> + Send;
}

/// A refund to store, for the payment it gives back.
#[derive(Debug, Clone, Copy)]
pub struct RefundRecord<'a> {
    /// The payment.
    pub payment_id: i64,
    /// The checked request.
    pub refund: &'a NewRefund,
    /// Its return id.
    pub rtr_id: &'a str,
    /// Who asks, and when.
    pub stamp: Stamp<'a>,
}

/// What asking for a refund did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefundInserted {
    /// Stored, and counted on its payment.
    Created(Box<Refund>),
    /// The payment has a refund with this `refund_id` already: that one. Nothing was stored.
    Existing(Box<Refund>),
    /// The payment is not `COMPLETED`, or the refund would take its refunds past its amount:
    /// the payment as it is now (`None`: there is none). Nothing was stored.
    Refused(Option<Box<Payment>>),
}

/// How to find a refund.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundLookup<'a> {
    /// By its service id.
    Id(i64),
    /// By its payment and the caller's `refund_id`.
    Caller(i64, &'a str),
}

/// Where refunds are kept.
pub trait RefundStore {
    /// In one transaction: stores the refund `IN_PROCESS` and counts it on its payment, if the
    /// payment is `COMPLETED` and its refunds not `NOT_DONE` stay within its amount. Racing
    /// requests on one payment take its row in turn, so together they cannot exceed it.
    fn insert_refund(
        &self,
        record: RefundRecord<'_>,
    ) -> impl Future<Output = Result<RefundInserted, StoreError>> + Send;

    /// One refund.
    fn refund(&self, lookup: RefundLookup<'_>) -> impl Future<Output = Result<Option<Refund>, StoreError>> + Send;

    /// A page of refunds matching `filter`, newest first, and how many match.
    fn refunds(&self, filter: &RefundFilter) -> impl Future<Output = Result<(Vec<Refund>, u64), StoreError>> + Send;

    /// In one transaction: ends an `IN_PROCESS` refund and moves its amount on its payment (to
    /// `refunded_amount` when `RETURNED`, back to what is refundable when `NOT_DONE`); `None`
    /// when it was not `IN_PROCESS`.
    fn settle_refund(
        &self,
        id: i64,
        settlement: &RefundSettlement,
        stamp: Stamp<'_>,
    ) -> impl Future<Output = Result<Option<Refund>, StoreError>> + Send;
}

/// The storage the services need. Every method is one transaction; every state change is
/// conditional on the state it was decided from.
pub trait Store:
    QrCodeStore
    + FileStore
    + RemessaStore
    + ScheduleStore
    + AutomaticStore
    + WebhookStore
    + RefundStore
    + Clone
    + Send
    + Sync
    + 'static
{
    /// A round trip to the database.
    fn ping(&self) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Stores a new payment created by `created_by` at `at`; with a claim, records the key in
    /// the same transaction, or replays what the key recorded; with a QR code, records its use
    /// in the same transaction too.
    fn insert_payment(
        &self,
        payment: &NewPayment,
        created_by: &str,
        at: OffsetDateTime,
        claim: Option<&IdempotencyClaim>,
        qr: Option<QrUse>,
    ) -> impl Future<Output = Result<Inserted, StoreError>> + Send;

    /// One payment.
    fn payment(&self, id: i64) -> impl Future<Output = Result<Option<Payment>, StoreError>> + Send;

    /// A page of payments matching `filter`, newest first, and how many match in all.
    fn payments(&self, filter: &PaymentFilter) -> impl Future<Output = Result<(Vec<Payment>, u64), StoreError>> + Send;

    /// Up to `limit` payments matching `filter` (its page ignored) with ids above `after_id`,
    /// in id order: an export walks them page by page without offsets.
    fn payments_after(
        &self,
        filter: &PaymentFilter,
        after_id: i64,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<Payment>, StoreError>> + Send;

    /// Applies `update` if the payment is still in `update.from`.
    fn update_status(&self, id: i64, update: &StatusUpdate)
    -> impl Future<Output = Result<Updated, StoreError>> + Send;

    /// Moves every `SCHEDULED` payment whose date is at or before `now` to `PENDING`, as
    /// `actor`; returns how many.
    fn release_due(&self, now: OffsetDateTime, actor: &str) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Stores a credit confirmation, unless the payment has one.
    fn insert_credit(&self, credit: &NewCredit) -> impl Future<Output = Result<CreditInserted, StoreError>> + Send;

    /// The credit confirmation of a payment.
    fn credit(&self, payment_id: i64) -> impl Future<Output = Result<Option<CreditConfirmation>, StoreError>> + Send;

    /// The state changes of one object, oldest first.
    fn history(&self, resource: Resource, id: i64)
    -> impl Future<Output = Result<Vec<StateChange>, StoreError>> + Send;
}
