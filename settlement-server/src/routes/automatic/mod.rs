//! Pix Automático: the documented list of automatic payments, and the authorizations, payments,
//! wallets and product grants behind it. Every request carries a `nonce`; messages follow
//! `x-lang` (pt-BR by default).

pub mod context;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use settlement_core::automatic::model::{
    Authorization, AuthorizationRequest, AutomaticPayment, AutomaticPaymentRequest,
};
use settlement_core::automatic::refusal::{AutomaticError, Rule};
use settlement_core::automatic::{AuthorizationStatus, AutomaticPaymentStatus};
use settlement_core::service::automatic::Actor;
use settlement_core::store::AutomaticFilter;

use crate::app::AppState;
use crate::auth::{AutomaticRead, AutomaticStatus, AutomaticWrite};
use crate::routes::history::History;
use context::{Automatic, Body, ListQuery, Localized, id_of};

/// The headers every request of the group takes.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)] // Read by the `Automatic` extractor; declared here for the OpenAPI document.
pub struct GroupHeaders {
    /// A UUID v4 identifying the request; a state-changing request's nonce is single-use for 24 hours.
    #[param(pattern = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$")]
    nonce: String,
    /// `pt-BR` (default) or `en-US`: the language of error messages.
    #[serde(rename = "x-lang")]
    #[param(rename = "x-lang", pattern = "^(pt-BR|en-US)$", nullable = false)]
    x_lang: Option<String>,
    /// One of the caller's wallets (the default when absent).
    #[serde(rename = "x-wallet-uuid")]
    #[param(rename = "x-wallet-uuid", format = Uuid, pattern = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$", nullable = false)]
    x_wallet_uuid: Option<String>,
    /// A product acting for a user (needs `automatic.product` and the user's grant).
    #[serde(rename = "x-product-uuid")]
    #[param(rename = "x-product-uuid", format = Uuid, pattern = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$", nullable = false)]
    x_product_uuid: Option<String>,
    /// The user (its token subject, a UUID v4) the product acts for; requires `x-product-uuid`.
    #[serde(rename = "x-product-target-user-uuid")]
    #[param(rename = "x-product-target-user-uuid", format = Uuid, pattern = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$", nullable = false)]
    x_product_target_user_uuid: Option<String>,
}

/// A page of automatic payments, as documented.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AutomaticPaymentPage {
    /// Page number, from 1.
    page: u64,
    /// Page size.
    page_size: u32,
    /// Pages in all.
    page_total: u64,
    /// Payments matching.
    total: u64,
    /// The payments, each with its authorization.
    data: Vec<AutomaticPayment>,
}

/// A page of authorizations, in the same shape.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuthorizationPage {
    /// Page number, from 1.
    page: u64,
    /// Page size.
    page_size: u32,
    /// Pages in all.
    page_total: u64,
    /// Authorizations matching.
    total: u64,
    /// The authorizations.
    data: Vec<Authorization>,
}

/// The status the payer's institution confirms for a payment's cancellation.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusConfirmation {
    /// The outcome of the round trip.
    #[schema(required = true, nullable = false, pattern = "^(CANCELED|CANCELLATION_FAILED)$")]
    status: Option<String>,
}

/// The status the payer's institution confirms for an authorization.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthorizationConfirmation {
    /// The authorization's status, as its institution has it.
    #[schema(
        required = true,
        nullable = false,
        pattern = "^(PENDING|WAITING_APPROVAL|WAITING_REJECTION|APPROVED|REJECTED|WAITING_CANCELLATION|CANCELED|EXPIRED)$"
    )]
    status: Option<String>,
}

/// A wallet of the caller.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Wallet {
    /// Its UUID, for `x-wallet-uuid`.
    uuid: uuid::Uuid,
    /// Whether requests without `x-wallet-uuid` use it.
    is_default: bool,
}

type Page = Result<Query<Vec<(String, String)>>, QueryRejection>;

/// The filter of a list request.
fn list_filter<S>(
    request: &Automatic<S>,
    actor: Actor,
    query: Page,
    statuses: &[&'static str],
    one_of: &'static str,
) -> Result<(AutomaticFilter, ListQuery), Localized> {
    let Query(pairs) = query
        .map_err(|rejection| request.refuse(AutomaticError::invalid("query", Rule::Json(rejection.body_text()))))?;
    let list = ListQuery::parse(&pairs, statuses, one_of).map_err(|error| request.refuse(error))?;
    let filter = AutomaticFilter {
        owner: actor.owner,
        wallet: actor.wallet,
        statuses: list.statuses.clone(),
        descending: list.descending,
        size: list.size,
        offset: list.offset(),
    };
    Ok((filter, list))
}

fn names<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|state| name(*state)).collect()
}

/// List the caller's automatic Pix payments, with filters (`automatic.read`).
#[utoipa::path(get, path = "/api/v1/pix/scheduled-payments/automatic-payments", operation_id = "listAutomaticPayments", tag = "pix-automatic",
    params(GroupHeaders,
        ("page" = Option<u64>, Query, description = "Page number (default 1)", minimum = 1, maximum = 2147483647),
        ("size" = Option<u32>, Query, description = "Page size, 1 to 100 (default 20)", minimum = 1, maximum = 100),
        ("sort" = Option<String>, Query, description = "Page sort attribute: created_at", pattern = "^created_at$"),
        ("order" = Option<String>, Query, description = "asc (default) or desc", pattern = "^(asc|desc)$"),
        ("status" = Option<Vec<String>>, Query, description = "CREATED, WAITING_CANCELLATION, CANCELLATION_FAILED, CANCELED"),
    ),
    responses((status = 200, body = AutomaticPaymentPage), (status = 400, body = crate::error::Envelope), (status = 403, body = crate::error::Envelope)),
    security(("bearer" = ["automatic.read"])))]
pub async fn list_payments(
    State(state): State<AppState>,
    request: Automatic<AutomaticRead>,
    query: Page,
) -> Result<Json<AutomaticPaymentPage>, Localized> {
    let actor = request.actor(&state).await?;
    let statuses = names(AutomaticPaymentStatus::ALL, AutomaticPaymentStatus::as_str);
    let one_of = "CREATED, WAITING_CANCELLATION, CANCELLATION_FAILED, CANCELED";
    let (filter, list) = list_filter(&request, actor, query, &statuses, one_of)?;
    let (data, total) = state.settlement.automatic_payments(&filter).await.map_err(|e| request.refuse(e))?;
    let page_total = total.div_ceil(u64::from(list.size));
    Ok(Json(AutomaticPaymentPage { page: list.page, page_size: list.size, page_total, total, data }))
}

/// Send an automatic payment instruction under an APPROVED authorization (`automatic.write`):
/// SCHEDULING (the cycle's, 2 to 10 days before its due date), NEW_ATTEMPT (after the cycle's
/// payment failed, if the authorization allows retries) or RESEND (after a failure to send).
#[utoipa::path(post, path = "/api/v1/pix/scheduled-payments/automatic-payments", operation_id = "createAutomaticPayment", tag = "pix-automatic",
    params(GroupHeaders), request_body = AutomaticPaymentRequest,
    responses(
        (status = 201, body = AutomaticPayment),
        (status = 400, body = crate::error::Envelope),
        (status = 404, body = crate::error::Envelope, description = "No authorization of the caller's wallet has `authorization_id`"),
        (status = 409, body = crate::error::Envelope),
    ),
    security(("bearer" = ["automatic.write"])))]
pub async fn create_payment(
    State(state): State<AppState>,
    request: Automatic<AutomaticWrite>,
    Body(body): Body<AutomaticPaymentRequest>,
) -> Result<(StatusCode, Json<AutomaticPayment>), Localized> {
    let actor = request.actor(&state).await?;
    let created = state.settlement.create_automatic_payment(&actor, body).await.map_err(|e| request.refuse(e))?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// One automatic payment (`automatic.read`).
#[utoipa::path(get, path = "/api/v1/pix/scheduled-payments/automatic-payments/{id}", operation_id = "getAutomaticPayment", tag = "pix-automatic",
    params(("id" = uuid::Uuid, Path, description = "Payment ID"), GroupHeaders),
    responses((status = 200, body = AutomaticPayment), (status = 404, body = crate::error::Envelope)),
    security(("bearer" = ["automatic.read"])))]
pub async fn get_payment(
    State(state): State<AppState>,
    request: Automatic<AutomaticRead>,
    Path(id): Path<String>,
) -> Result<Json<AutomaticPayment>, Localized> {
    let actor = request.actor(&state).await?;
    let id = id_of(&id, request.lang)?;
    Ok(Json(state.settlement.automatic_payment(&actor, id).await.map_err(|e| request.refuse(e))?))
}

/// One automatic payment's state changes, with who made each and when (`automatic.read`).
#[utoipa::path(get, path = "/api/v1/pix/scheduled-payments/automatic-payments/{id}/history", operation_id = "getAutomaticPaymentHistory", tag = "pix-automatic",
    params(("id" = uuid::Uuid, Path, description = "Payment ID"), GroupHeaders),
    responses((status = 200, body = History), (status = 404, body = crate::error::Envelope)),
    security(("bearer" = ["automatic.read"])))]
pub async fn payment_history(
    State(state): State<AppState>,
    request: Automatic<AutomaticRead>,
    Path(id): Path<String>,
) -> Result<Json<History>, Localized> {
    let actor = request.actor(&state).await?;
    let id = id_of(&id, request.lang)?;
    let data = state.settlement.automatic_payment_history(&actor, id).await.map_err(|e| request.refuse(e))?;
    Ok(Json(History { data }))
}

/// Cancel a scheduled automatic payment (`automatic.write`): WAITING_CANCELLATION until the
/// payer's institution confirms; refused (409) after 22:00 São Paulo time on the day before its
/// due date.
#[utoipa::path(delete, path = "/api/v1/pix/scheduled-payments/automatic-payments/{id}", operation_id = "cancelAutomaticPayment", tag = "pix-automatic",
    params(("id" = uuid::Uuid, Path, description = "Payment ID"), GroupHeaders),
    responses((status = 200, body = AutomaticPayment), (status = 404, body = crate::error::Envelope), (status = 409, body = crate::error::Envelope)),
    security(("bearer" = ["automatic.write"])))]
pub async fn cancel_payment(
    State(state): State<AppState>,
    request: Automatic<AutomaticWrite>,
    Path(id): Path<String>,
) -> Result<Json<AutomaticPayment>, Localized> {
    let actor = request.actor(&state).await?;
    let id = id_of(&id, request.lang)?;
    Ok(Json(state.settlement.cancel_automatic_payment(&actor, id).await.map_err(|e| request.refuse(e))?))
}

/// The payer's institution confirms a cancellation (`automatic.status`): CANCELED or
/// CANCELLATION_FAILED.
#[utoipa::path(put, path = "/api/v1/pix/scheduled-payments/automatic-payments/{id}/status", operation_id = "updateAutomaticPaymentStatus", tag = "pix-automatic",
    params(("id" = uuid::Uuid, Path, description = "Payment ID"), GroupHeaders), request_body = StatusConfirmation,
    responses((status = 200, body = AutomaticPayment), (status = 404, body = crate::error::Envelope), (status = 409, body = crate::error::Envelope)),
    security(("bearer" = ["automatic.status"])))]
pub async fn confirm_payment(
    State(state): State<AppState>,
    request: Automatic<AutomaticStatus>,
    Path(id): Path<String>,
    Body(body): Body<StatusConfirmation>,
) -> Result<Json<AutomaticPayment>, Localized> {
    let id = id_of(&id, request.lang)?;
    let status = body
        .status
        .as_deref()
        .and_then(AutomaticPaymentStatus::parse)
        .filter(|s| matches!(s, AutomaticPaymentStatus::Canceled | AutomaticPaymentStatus::CancellationFailed))
        .ok_or_else(|| {
            request.refuse(AutomaticError::invalid("status", Rule::OneOf("CANCELED, CANCELLATION_FAILED")))
        })?;
    Ok(Json(
        state
            .settlement
            .confirm_automatic_payment(id, status, &request.caller.subject)
            .await
            .map_err(|e| request.refuse(e))?,
    ))
}

/// Ask a payer for an authorization of a recurrence (`automatic.write`): PENDING until the payer
/// answers or `request_expiration_date` passes.
#[utoipa::path(post, path = "/api/v1/pix/scheduled-payments/automatic-authorizations", operation_id = "createAutomaticAuthorization", tag = "pix-automatic",
    params(GroupHeaders), request_body = AuthorizationRequest,
    responses((status = 201, body = Authorization), (status = 400, body = crate::error::Envelope)),
    security(("bearer" = ["automatic.write"])))]
pub async fn create_authorization(
    State(state): State<AppState>,
    request: Automatic<AutomaticWrite>,
    Body(body): Body<AuthorizationRequest>,
) -> Result<(StatusCode, Json<Authorization>), Localized> {
    let actor = request.actor(&state).await?;
    let created = state.settlement.create_authorization(&actor, body).await.map_err(|e| request.refuse(e))?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// List the caller's authorizations (`automatic.read`), with the payments list's parameters.
#[utoipa::path(get, path = "/api/v1/pix/scheduled-payments/automatic-authorizations", operation_id = "listAutomaticAuthorizations", tag = "pix-automatic",
    params(GroupHeaders,
        ("page" = Option<u64>, Query, description = "Page number (default 1)", minimum = 1, maximum = 2147483647),
        ("size" = Option<u32>, Query, description = "Page size, 1 to 100 (default 20)", minimum = 1, maximum = 100),
        ("sort" = Option<String>, Query, description = "Page sort attribute: created_at", pattern = "^created_at$"),
        ("order" = Option<String>, Query, description = "asc (default) or desc", pattern = "^(asc|desc)$"),
        ("status" = Option<Vec<String>>, Query, description = "Authorization statuses"),
    ),
    responses((status = 200, body = AuthorizationPage), (status = 400, body = crate::error::Envelope)),
    security(("bearer" = ["automatic.read"])))]
pub async fn list_authorizations(
    State(state): State<AppState>,
    request: Automatic<AutomaticRead>,
    query: Page,
) -> Result<Json<AuthorizationPage>, Localized> {
    let actor = request.actor(&state).await?;
    let statuses = names(AuthorizationStatus::ALL, AuthorizationStatus::as_str);
    let one_of =
        "PENDING, WAITING_APPROVAL, WAITING_REJECTION, APPROVED, REJECTED, WAITING_CANCELLATION, CANCELED, EXPIRED";
    let (filter, list) = list_filter(&request, actor, query, &statuses, one_of)?;
    let (data, total) = state.settlement.authorizations(&filter).await.map_err(|e| request.refuse(e))?;
    let page_total = total.div_ceil(u64::from(list.size));
    Ok(Json(AuthorizationPage { page: list.page, page_size: list.size, page_total, total, data }))
}

/// One authorization (`automatic.read`).
#[utoipa::path(get, path = "/api/v1/pix/scheduled-payments/automatic-authorizations/{id}", operation_id = "getAutomaticAuthorization", tag = "pix-automatic",
    params(("id" = uuid::Uuid, Path, description = "Authorization ID"), GroupHeaders),
    responses((status = 200, body = Authorization), (status = 404, body = crate::error::Envelope)),
    security(("bearer" = ["automatic.read"])))]
pub async fn get_authorization(
    State(state): State<AppState>,
    request: Automatic<AutomaticRead>,
    Path(id): Path<String>,
) -> Result<Json<Authorization>, Localized> {
    let actor = request.actor(&state).await?;
    let id = id_of(&id, request.lang)?;
    Ok(Json(state.settlement.authorization(&actor, id).await.map_err(|e| request.refuse(e))?))
}

/// One authorization's state changes, with who made each and when (`automatic.read`).
#[utoipa::path(get, path = "/api/v1/pix/scheduled-payments/automatic-authorizations/{id}/history", operation_id = "getAutomaticAuthorizationHistory", tag = "pix-automatic",
    params(("id" = uuid::Uuid, Path, description = "Authorization ID"), GroupHeaders),
    responses((status = 200, body = History), (status = 404, body = crate::error::Envelope)),
    security(("bearer" = ["automatic.read"])))]
pub async fn authorization_history(
    State(state): State<AppState>,
    request: Automatic<AutomaticRead>,
    Path(id): Path<String>,
) -> Result<Json<History>, Localized> {
    let actor = request.actor(&state).await?;
    let id = id_of(&id, request.lang)?;
    let data = state.settlement.authorization_history(&actor, id).await.map_err(|e| request.refuse(e))?;
    Ok(Json(History { data }))
}

/// The payer accepts a PENDING request (`automatic.write`): WAITING_APPROVAL until its
/// institution confirms.
#[utoipa::path(put, path = "/api/v1/pix/scheduled-payments/automatic-authorizations/{id}/approve", operation_id = "approveAutomaticAuthorization", tag = "pix-automatic",
    params(("id" = uuid::Uuid, Path, description = "Authorization ID"), GroupHeaders),
    responses((status = 200, body = Authorization), (status = 404, body = crate::error::Envelope), (status = 409, body = crate::error::Envelope)),
    security(("bearer" = ["automatic.write"])))]
pub async fn approve_authorization(
    State(state): State<AppState>,
    request: Automatic<AutomaticWrite>,
    Path(id): Path<String>,
) -> Result<Json<Authorization>, Localized> {
    answer(state, request, id, true).await
}

/// The payer refuses a PENDING request (`automatic.write`): WAITING_REJECTION until its
/// institution confirms.
#[utoipa::path(put, path = "/api/v1/pix/scheduled-payments/automatic-authorizations/{id}/reject", operation_id = "rejectAutomaticAuthorization", tag = "pix-automatic",
    params(("id" = uuid::Uuid, Path, description = "Authorization ID"), GroupHeaders),
    responses((status = 200, body = Authorization), (status = 404, body = crate::error::Envelope), (status = 409, body = crate::error::Envelope)),
    security(("bearer" = ["automatic.write"])))]
pub async fn reject_authorization(
    State(state): State<AppState>,
    request: Automatic<AutomaticWrite>,
    Path(id): Path<String>,
) -> Result<Json<Authorization>, Localized> {
    answer(state, request, id, false).await
}

async fn answer(
    state: AppState,
    request: Automatic<AutomaticWrite>,
    id: String,
    approve: bool,
) -> Result<Json<Authorization>, Localized> {
    let actor = request.actor(&state).await?;
    let id = id_of(&id, request.lang)?;
    Ok(Json(state.settlement.answer_authorization(&actor, id, approve).await.map_err(|e| request.refuse(e))?))
}

/// Cancel a PENDING or APPROVED authorization (`automatic.write`): WAITING_CANCELLATION until
/// the payer's institution confirms.
#[utoipa::path(delete, path = "/api/v1/pix/scheduled-payments/automatic-authorizations/{id}", operation_id = "cancelAutomaticAuthorization", tag = "pix-automatic",
    params(("id" = uuid::Uuid, Path, description = "Authorization ID"), GroupHeaders),
    responses((status = 200, body = Authorization), (status = 404, body = crate::error::Envelope), (status = 409, body = crate::error::Envelope)),
    security(("bearer" = ["automatic.write"])))]
pub async fn cancel_authorization(
    State(state): State<AppState>,
    request: Automatic<AutomaticWrite>,
    Path(id): Path<String>,
) -> Result<Json<Authorization>, Localized> {
    let actor = request.actor(&state).await?;
    let id = id_of(&id, request.lang)?;
    Ok(Json(state.settlement.cancel_authorization(&actor, id).await.map_err(|e| request.refuse(e))?))
}

/// The payer's institution confirms a round trip (`automatic.status`): WAITING_APPROVAL to
/// APPROVED, WAITING_REJECTION to REJECTED, WAITING_CANCELLATION to CANCELED, or back when it
/// failed.
#[utoipa::path(put, path = "/api/v1/pix/scheduled-payments/automatic-authorizations/{id}/status", operation_id = "updateAutomaticAuthorizationStatus", tag = "pix-automatic",
    params(("id" = uuid::Uuid, Path, description = "Authorization ID"), GroupHeaders), request_body = AuthorizationConfirmation,
    responses((status = 200, body = Authorization), (status = 404, body = crate::error::Envelope), (status = 409, body = crate::error::Envelope)),
    security(("bearer" = ["automatic.status"])))]
pub async fn confirm_authorization(
    State(state): State<AppState>,
    request: Automatic<AutomaticStatus>,
    Path(id): Path<String>,
    Body(body): Body<AuthorizationConfirmation>,
) -> Result<Json<Authorization>, Localized> {
    let id = id_of(&id, request.lang)?;
    let one_of =
        "PENDING, WAITING_APPROVAL, WAITING_REJECTION, APPROVED, REJECTED, WAITING_CANCELLATION, CANCELED, EXPIRED";
    let status = body
        .status
        .as_deref()
        .and_then(AuthorizationStatus::parse)
        .ok_or_else(|| request.refuse(AutomaticError::invalid("status", Rule::OneOf(one_of))))?;
    Ok(Json(
        state
            .settlement
            .confirm_authorization(id, status, &request.caller.subject)
            .await
            .map_err(|e| request.refuse(e))?,
    ))
}

/// The caller's wallets, the default first (`automatic.read`).
#[utoipa::path(get, path = "/api/v1/pix/wallets", operation_id = "listWallets", tag = "pix-automatic", params(GroupHeaders),
    responses((status = 200, body = Vec<Wallet>)), security(("bearer" = ["automatic.read"])))]
pub async fn wallets(
    State(state): State<AppState>,
    request: Automatic<AutomaticRead>,
) -> Result<Json<Vec<Wallet>>, Localized> {
    let wallets = state.settlement.wallets(&request.caller.subject).await.map_err(|e| request.refuse(e))?;
    Ok(Json(wallets.into_iter().map(|(uuid, is_default)| Wallet { uuid, is_default }).collect()))
}

/// Open another wallet (`automatic.write`).
#[utoipa::path(post, path = "/api/v1/pix/wallets", operation_id = "createWallet", tag = "pix-automatic", params(GroupHeaders),
    responses((status = 201, body = Wallet)), security(("bearer" = ["automatic.write"])))]
pub async fn create_wallet(
    State(state): State<AppState>,
    request: Automatic<AutomaticWrite>,
) -> Result<(StatusCode, Json<Wallet>), Localized> {
    let uuid = state.settlement.create_wallet(&request.caller.subject).await.map_err(|e| request.refuse(e))?;
    Ok((StatusCode::CREATED, Json(Wallet { uuid, is_default: false })))
}

/// Let a product act for the caller (`automatic.write`).
#[utoipa::path(put, path = "/api/v1/pix/product-grants/{product_uuid}", operation_id = "grantProduct", tag = "pix-automatic",
    params(("product_uuid" = uuid::Uuid, Path, description = "Product ID"), GroupHeaders),
    responses((status = 204)), security(("bearer" = ["automatic.write"])))]
pub async fn grant_product(
    State(state): State<AppState>,
    request: Automatic<AutomaticWrite>,
    Path(product): Path<String>,
) -> Result<StatusCode, Localized> {
    let product = id_of(&product, request.lang)?;
    state.settlement.grant_product(&request.caller.subject, product).await.map_err(|e| request.refuse(e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Withdraw a product's grant (`automatic.write`); withdrawing one not granted changes nothing.
#[utoipa::path(delete, path = "/api/v1/pix/product-grants/{product_uuid}", operation_id = "revokeProduct", tag = "pix-automatic",
    params(("product_uuid" = uuid::Uuid, Path, description = "Product ID"), GroupHeaders),
    responses((status = 204)), security(("bearer" = ["automatic.write"])))]
pub async fn revoke_product(
    State(state): State<AppState>,
    request: Automatic<AutomaticWrite>,
    Path(product): Path<String>,
) -> Result<StatusCode, Localized> {
    let product = id_of(&product, request.lang)?;
    state.settlement.revoke_product(&request.caller.subject, product).await.map_err(|e| request.refuse(e))?;
    Ok(StatusCode::NO_CONTENT)
}
