//! Credit confirmation: the second step, where an operator confirms the money arrived.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::time_format;

/// The body of `POST /payments/{id}/confirm-credit`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreditRequest {
    /// The amount credited, centavos; must equal the payment's.
    #[schema(required = true, nullable = false, minimum = 1)]
    pub amount: Option<i64>,
    /// Free text, at most 500 characters.
    #[schema(max_length = 500, pattern = r"^[^\x00-\x1F\x7F-\x9F]*$")]
    pub notes: Option<String>,
}

/// The longest note, in characters.
pub const MAX_NOTES: usize = 500;

/// A confirmation, as the API returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CreditConfirmation {
    /// The service's id.
    pub id: i64,
    /// A UUID.
    pub unique_id: Uuid,
    /// The payment confirmed.
    pub payment_request_id: i64,
    /// `CONFIRMED`.
    pub status: String,
    /// When.
    #[serde(with = "time_format::api")]
    #[schema(value_type = String, format = DateTime)]
    pub confirmed_at: OffsetDateTime,
    /// Who: the token's subject.
    pub confirmed_by: String,
    /// Centavos.
    pub confirmed_amount: i64,
    /// Notes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Interest and fines paid beside the principal, centavos, when a retorno reports them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interest: Option<i64>,
    /// A fine paid apart from the interest, centavos, where the bank reports it apart.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fine: Option<i64>,
    /// Discounts and rebates granted, centavos, when a retorno reports them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discount: Option<i64>,
    /// Created.
    #[serde(with = "time_format::api")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    /// Last changed.
    #[serde(with = "time_format::api")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

/// A confirmation to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCredit {
    /// The payment.
    pub payment_request_id: i64,
    /// Who.
    pub confirmed_by: String,
    /// Centavos.
    pub amount: i64,
    /// Notes.
    pub notes: Option<String>,
    /// When.
    pub at: OffsetDateTime,
}
