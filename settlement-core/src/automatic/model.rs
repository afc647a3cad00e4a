//! Pix Automático's records: authorizations and automatic payments, as requested, checked and
//! returned.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::refusal::{AutomaticError, Rule};
use super::{AuthorizationStatus, AutomaticFrequency, AutomaticPaymentStatus, RetryPolicy, states};
use crate::time_format;
use crate::types::{Document, Ispb};

states! {
    /// How the payer gave the authorization (`tipoJornada`).
    Journey {
        /// A request outside any QR code (`JORNADA_1`).
        Journey1 => "JOURNEY_1",
        /// A recurrence QR code (`JORNADA_2`).
        Journey2 => "JOURNEY_2",
        /// A composite QR code with an immediate charge (`JORNADA_3`).
        Journey3 => "JOURNEY_3",
        /// A composite QR code with a due-date charge (`JORNADA_4`).
        Journey4 => "JOURNEY_4",
    }
}

states! {
    /// Why an automatic payment instruction is sent (attempt `tipo`).
    SchedulingPurpose {
        /// The cycle's instruction (`AGND`).
        Scheduling => "SCHEDULING",
        /// A new attempt after the cycle's payment failed (`NTAG`).
        NewAttempt => "NEW_ATTEMPT",
        /// The same instruction again after an operational failure (`RIFL`).
        Resend => "RESEND",
    }
}

impl RetryPolicy {
    /// The Central Bank's name.
    pub fn as_str(self) -> &'static str {
        match self {
            RetryPolicy::NotAllowed => "NAO_PERMITE",
            RetryPolicy::ThreeInSevenDays => "PERMITE_3R_7D",
        }
    }

    /// Reads the Central Bank's name.
    pub fn parse(value: &str) -> Option<Self> {
        [RetryPolicy::NotAllowed, RetryPolicy::ThreeInSevenDays].into_iter().find(|p| p.as_str() == value)
    }
}

fn invalid(field: &str, rule: Rule) -> AutomaticError {
    AutomaticError::invalid(field, rule)
}

/// A date `YYYY-MM-DD` of the field.
pub(crate) fn date(field: &str, text: &str) -> Result<Date, AutomaticError> {
    text.parse::<Date>().ok().filter(|_| text.len() == 10).ok_or_else(|| invalid(field, Rule::Date))
}

/// The body that creates an authorization.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthorizationRequest {
    /// JOURNEY_1..4.
    #[schema(required = true, nullable = false, pattern = "^JOURNEY_[1-4]$")]
    pub journey: Option<String>,
    /// WEEKLY, MONTHLY, QUARTERLY, SEMI_ANNUALLY, ANNUALLY.
    #[schema(required = true, nullable = false, pattern = "^(WEEKLY|MONTHLY|QUARTERLY|SEMI_ANNUALLY|ANNUALLY)$")]
    pub frequency: Option<String>,
    /// First cycle, `YYYY-MM-DD`.
    #[schema(required = true, nullable = false, format = Date)]
    pub start_date: Option<String>,
    /// Last day, `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub end_date: Option<String>,
    /// A fixed value per payment, centavos.
    #[schema(minimum = 1)]
    pub value: Option<i64>,
    /// The receiver's floor for the payer's maximum, centavos.
    #[schema(minimum = 1)]
    pub floor_max_value: Option<i64>,
    /// The payer's maximum per payment, centavos (never below the floor).
    #[schema(minimum = 1)]
    pub payment_max_value: Option<i64>,
    /// `NAO_PERMITE` (default) or `PERMITE_3R_7D`.
    #[schema(pattern = "^(NAO_PERMITE|PERMITE_3R_7D)$")]
    pub retry_policy: Option<String>,
    /// The payer's institution, where the payments are debited.
    #[schema(required = true, nullable = false, pattern = "^[0-9]{8}$")]
    pub owner_ispb: Option<String>,
    /// The receiver's institution.
    #[schema(required = true, nullable = false, pattern = "^[0-9]{8}$")]
    pub beneficiary_ispb: Option<String>,
    /// The receiver's CPF or CNPJ.
    #[schema(required = true, nullable = false, pattern = "^([0-9]{11}|[0-9A-Z]{12}[0-9]{2})$")]
    pub beneficiary_document: Option<String>,
    /// The receiver's name.
    #[schema(
        required = true,
        nullable = false,
        max_length = 140,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    )]
    pub beneficiary_name: Option<String>,
    /// The payer's CPF or CNPJ.
    #[schema(required = true, nullable = false, pattern = "^([0-9]{11}|[0-9A-Z]{12}[0-9]{2})$")]
    pub owner_document: Option<String>,
    /// The debtor's CPF or CNPJ, when not the payer.
    #[schema(pattern = "^([0-9]{11}|[0-9A-Z]{12}[0-9]{2})$")]
    pub debtor_document: Option<String>,
    /// The debtor's name.
    #[schema(max_length = 140)]
    pub debtor_name: Option<String>,
    /// The contract, at most 35 characters.
    #[schema(
        required = true,
        nullable = false,
        max_length = 35,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    )]
    pub contract_number: Option<String>,
    /// What the contract is.
    #[schema(
        required = true,
        nullable = false,
        max_length = 140,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    )]
    pub contract_description: Option<String>,
    /// When the request expires unanswered (RFC 3339).
    #[schema(required = true, nullable = false, format = DateTime)]
    pub request_expiration_date: Option<String>,
}

/// A checked authorization request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuthorization {
    /// Journey.
    pub journey: Journey,
    /// Frequency.
    pub frequency: AutomaticFrequency,
    /// First cycle.
    pub start_date: Date,
    /// Last day.
    pub end_date: Option<Date>,
    /// Fixed value.
    pub value: Option<i64>,
    /// Floor.
    pub floor_max_value: Option<i64>,
    /// Payer's maximum.
    pub payment_max_value: Option<i64>,
    /// Retries.
    pub retry_policy: RetryPolicy,
    /// Payer's institution.
    pub owner_ispb: String,
    /// Receiver's institution.
    pub beneficiary_ispb: String,
    /// Receiver's document.
    pub beneficiary_document: String,
    /// Receiver's name.
    pub beneficiary_name: String,
    /// Payer's document.
    pub owner_document: String,
    /// Debtor's document.
    pub debtor_document: Option<String>,
    /// Debtor's name.
    pub debtor_name: Option<String>,
    /// Contract.
    pub contract_number: String,
    /// Contract's description.
    pub contract_description: String,
    /// Expiry of the request.
    pub request_expiration_date: OffsetDateTime,
}

impl AuthorizationRequest {
    /// Checks the request; the first failure names its field.
    pub fn validate(self, now: OffsetDateTime) -> Result<NewAuthorization, AutomaticError> {
        let required = |value: Option<String>, field: &str| {
            value.filter(|v| !v.trim().is_empty()).ok_or_else(|| invalid(field, Rule::Required))
        };
        let journey = Journey::parse(&required(self.journey, "journey")?)
            .ok_or_else(|| invalid("journey", Rule::OneOf("JOURNEY_1, JOURNEY_2, JOURNEY_3, JOURNEY_4")))?;
        let frequency = AutomaticFrequency::parse(&required(self.frequency, "frequency")?)
            .ok_or_else(|| invalid("frequency", Rule::OneOf("WEEKLY, MONTHLY, QUARTERLY, SEMI_ANNUALLY, ANNUALLY")))?;
        let start_date = date("start_date", &required(self.start_date, "start_date")?)?;
        let end_date = self.end_date.as_deref().map(|text| date("end_date", text)).transpose()?;
        if end_date.is_some_and(|end| end < start_date) {
            return Err(invalid("end_date", Rule::Before("start_date")));
        }
        for (field, value) in [
            ("value", self.value),
            ("floor_max_value", self.floor_max_value),
            ("payment_max_value", self.payment_max_value),
        ] {
            if value.is_some_and(|v| v < 1) {
                return Err(invalid(field, Rule::AtLeastOneCentavo));
            }
        }
        if self.value.is_some() && self.floor_max_value.is_some() {
            return Err(invalid("floor_max_value", Rule::FixedAndFloor));
        }
        if let (Some(max), Some(floor)) = (self.payment_max_value, self.floor_max_value)
            && max < floor
        {
            return Err(invalid("payment_max_value", Rule::BelowFloor(floor)));
        }
        let retry_policy = match self.retry_policy.as_deref() {
            None => RetryPolicy::NotAllowed,
            Some(text) => RetryPolicy::parse(text)
                .ok_or_else(|| invalid("retry_policy", Rule::OneOf("NAO_PERMITE, PERMITE_3R_7D")))?,
        };
        let ispb = |value: Option<String>, field: &str| -> Result<String, AutomaticError> {
            let text = required(value, field)?;
            Ispb::parse(&text).map(|ispb| ispb.as_str().to_owned()).map_err(|_| invalid(field, Rule::Ispb))
        };
        let owner_ispb = ispb(self.owner_ispb, "owner_ispb")?;
        let beneficiary_ispb = ispb(self.beneficiary_ispb, "beneficiary_ispb")?;
        let document = |text: &str, field: &str| -> Result<String, AutomaticError> {
            Document::parse(text).map(|d| d.as_str().to_owned()).map_err(|_| invalid(field, Rule::Document))
        };
        let beneficiary_document =
            document(&required(self.beneficiary_document, "beneficiary_document")?, "beneficiary_document")?;
        let beneficiary_name = required(self.beneficiary_name, "beneficiary_name")?;
        let owner_document = document(&required(self.owner_document, "owner_document")?, "owner_document")?;
        let debtor_document =
            self.debtor_document.as_deref().map(|text| document(text, "debtor_document")).transpose()?;
        let contract_number = required(self.contract_number, "contract_number")?;
        if contract_number.chars().count() > 35 {
            return Err(invalid("contract_number", Rule::TooLong(35)));
        }
        let contract_description = required(self.contract_description, "contract_description")?;
        for (field, text, max) in [
            ("beneficiary_name", Some(&beneficiary_name), 140),
            ("debtor_name", self.debtor_name.as_ref(), 140),
            ("contract_description", Some(&contract_description), 140),
        ] {
            if text.is_some_and(|text| text.chars().count() > max) {
                return Err(invalid(field, Rule::TooLong(max)));
            }
        }
        let expiration = required(self.request_expiration_date, "request_expiration_date")?;
        let request_expiration_date =
            time_format::parse(&expiration).ok_or_else(|| invalid("request_expiration_date", Rule::DateTime))?;
        if request_expiration_date <= now {
            return Err(invalid("request_expiration_date", Rule::NotFuture));
        }
        Ok(NewAuthorization {
            journey,
            frequency,
            start_date,
            end_date,
            value: self.value,
            floor_max_value: self.floor_max_value,
            payment_max_value: self.payment_max_value,
            retry_policy,
            owner_ispb,
            beneficiary_ispb,
            beneficiary_document,
            beneficiary_name,
            owner_document,
            debtor_document,
            debtor_name: self.debtor_name,
            contract_number,
            contract_description,
            request_expiration_date,
        })
    }
}

/// An authorization, as the API returns it (the document's `pix_automatic_authorization`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Authorization {
    /// Its id.
    pub id: Uuid,
    /// JOURNEY_1..4.
    #[schema(value_type = String)]
    pub journey: String,
    /// The frequency.
    #[schema(value_type = String)]
    pub frequency: String,
    /// First cycle.
    pub start_date: String,
    /// Last day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
    /// Fixed value, centavos.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<i64>,
    /// The receiver's floor, centavos.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub floor_max_value: Option<i64>,
    /// The payer's institution, where the payments are debited.
    pub owner_ispb: String,
    /// The receiver's institution.
    pub beneficiary_ispb: String,
    /// The receiver's document.
    pub beneficiary_document: String,
    /// The receiver's name.
    pub beneficiary_name: String,
    /// The payer's document.
    pub owner_document: String,
    /// The debtor's document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub debtor_document: Option<String>,
    /// The debtor's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub debtor_name: Option<String>,
    /// The contract.
    pub contract_number: String,
    /// What it is.
    pub contract_description: String,
    /// Expiry of the request.
    #[serde(with = "time_format::api")]
    #[schema(value_type = String, format = DateTime)]
    pub request_expiration_date: OffsetDateTime,
    /// Its status.
    #[schema(value_type = String)]
    pub status: String,
    /// The payer's maximum, centavos.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_max_value: Option<i64>,
    /// `NAO_PERMITE` or `PERMITE_3R_7D`.
    pub retry_policy: String,
    /// Created.
    #[serde(with = "time_format::api")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    /// Last changed.
    #[serde(with = "time_format::api")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
    /// The service's row id.
    #[serde(skip)]
    pub row_id: i64,
}

impl Authorization {
    /// The status, typed.
    pub fn state(&self) -> Option<AuthorizationStatus> {
        AuthorizationStatus::parse(&self.status)
    }

    /// The frequency, typed.
    pub fn cadence(&self) -> Option<AutomaticFrequency> {
        AutomaticFrequency::parse(&self.frequency)
    }

    /// The retry policy, typed.
    pub fn retries(&self) -> RetryPolicy {
        RetryPolicy::parse(&self.retry_policy).unwrap_or(RetryPolicy::NotAllowed)
    }
}

/// The body that creates an automatic payment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AutomaticPaymentRequest {
    /// The authorization.
    #[schema(required = true, nullable = false)]
    pub authorization_id: Option<Uuid>,
    /// The due date, `YYYY-MM-DD`.
    #[schema(required = true, nullable = false, format = Date)]
    pub due_date: Option<String>,
    /// Centavos.
    #[schema(minimum = 1)]
    pub value: Option<i64>,
    /// SCHEDULING (default), NEW_ATTEMPT or RESEND.
    #[schema(pattern = "^(SCHEDULING|NEW_ATTEMPT|RESEND)$")]
    pub scheduling_purpose: Option<String>,
}

/// An automatic payment, as the list returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct AutomaticPayment {
    /// Its id.
    pub id: Uuid,
    /// Its authorization, whole.
    pub pix_automatic_authorization: Authorization,
    /// Due date.
    pub due_date: String,
    /// Centavos.
    pub value: i64,
    /// SCHEDULING, NEW_ATTEMPT or RESEND.
    #[schema(value_type = String)]
    pub scheduling_purpose: String,
    /// CREATED, WAITING_CANCELLATION, CANCELLATION_FAILED, CANCELED.
    #[schema(value_type = String)]
    pub status: String,
    /// What became of it on its due date: the status of the payment request it became
    /// (PENDING, PROCESSING, COMPLETED, FAILED...), or FAILED when none could be made; absent
    /// before.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub settlement: Option<String>,
    /// Why no payment request could be made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub settlement_error: Option<String>,
    /// The payment request it became.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_request_id: Option<i64>,
    /// Created.
    #[serde(with = "time_format::api")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    /// Last changed.
    #[serde(with = "time_format::api")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
    /// The cycle, from 0.
    #[serde(skip)]
    pub cycle: i64,
    /// The attempt within the cycle, from 0.
    #[serde(skip)]
    pub attempt: i64,
    /// The service's row id.
    #[serde(skip)]
    pub row_id: i64,
}

impl AutomaticPayment {
    /// The status, typed.
    pub fn state(&self) -> Option<AutomaticPaymentStatus> {
        AutomaticPaymentStatus::parse(&self.status)
    }

    /// The purpose, typed.
    pub fn purpose(&self) -> Option<SchedulingPurpose> {
        SchedulingPurpose::parse(&self.scheduling_purpose)
    }

    /// Not cancelled: it counts in its cycle.
    pub fn is_live(&self) -> bool {
        self.state() != Some(AutomaticPaymentStatus::Canceled)
    }

    /// It was settled and did not pay: no payment request could be made, or the one made
    /// failed or was cancelled.
    pub fn failed(&self) -> bool {
        matches!(self.settlement.as_deref(), Some("FAILED" | "CANCELLED"))
    }

    /// It failed before any payment was made (a failure to send, which RESEND answers).
    pub fn failed_to_send(&self) -> bool {
        self.settlement_error.is_some()
    }
}
