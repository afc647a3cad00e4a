//! The OpenAPI 3.1 document of every endpoint, generated from the handlers' annotations.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes::{automatic, files, health, history, payments, pix, qr_codes, schedules};

/// The API.
#[derive(OpenApi)]
#[openapi(
    info(title = "Settlement Service API", version = "1.0.0",
        description = "Pix settlement: payment requests, their status lifecycle and two-step credit confirmation. \
                       Every endpoint but health, readiness, metrics and this document needs a Bearer JWT with the scope it names."),
    paths(
        health::health, health::ready,
        payments::create, payments::list, payments::get, payments::cancel, payments::update_status,
        payments::confirm_credit, payments::credit,
        qr_codes::create, qr_codes::list, qr_codes::get, qr_codes::by_txid, qr_codes::deactivate,
        qr_codes::validate, qr_codes::decode, qr_codes::picture,
        pix::charge, pix::jwks,
        files::import, files::list, files::get, files::records, files::process, files::export,
        schedules::create, schedules::list, schedules::get, schedules::update, schedules::cancel,
        schedules::pause, schedules::resume, schedules::runs,
        automatic::list_payments, automatic::create_payment, automatic::get_payment, automatic::cancel_payment,
        automatic::confirm_payment, automatic::create_authorization, automatic::list_authorizations,
        automatic::get_authorization, automatic::approve_authorization, automatic::reject_authorization,
        automatic::cancel_authorization, automatic::confirm_authorization, automatic::wallets,
        automatic::create_wallet, automatic::grant_product, automatic::revoke_product,
        history::payment, history::qr_code, history::file_import, history::schedule,
        automatic::payment_history, automatic::authorization_history,
    ),
    components(schemas(crate::error::Envelope, crate::error::ErrorBody)),
    modifiers(&BearerAuth, &CommonErrors),
    tags((name = "health"), (name = "payments"), (name = "credit"), (name = "qr-codes"), (name = "pix"), (name = "files"), (name = "schedules"), (name = "pix-automatic")),
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
    }
}

/// The refusals any operation may give, documented on each with the error envelope, so that a
/// client (and a schema checker) knows every status it can meet: 400 for any operation with
/// parameters or a body, 401 and 403 for those that need a token, 404 for those with a path
/// parameter, 413 for those with a body, and 503 for those that reach the database.
struct CommonErrors;

impl Modify for CommonErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::{Operation, ParameterIn};
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};

        let refusal = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new().schema(Some(Ref::from_schema_name("Envelope"))).build(),
                )
                .build()
        };
        let add = |operation: &mut Operation| {
            let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
            let parameters = operation.parameters.as_deref().unwrap_or_default();
            let in_path = parameters.iter().any(|p| p.parameter_in == ParameterIn::Path);
            let body = operation.request_body.is_some();
            let mut codes = Vec::new();
            if body || !parameters.is_empty() {
                codes.push(("400", "The request breaks a rule; the message names the field"));
            }
            if secured {
                codes.push(("401", "No valid token"));
                codes.push(("403", "The token lacks the scope, or the caller may not act on this"));
                codes.push(("503", "The database is unavailable; retry later"));
            }
            if in_path {
                codes.push(("404", "Not found"));
            }
            if body {
                codes.push(("413", "The body is over its limit"));
            }
            for (code, description) in codes {
                operation.responses.responses.entry(code.to_owned()).or_insert_with(|| refusal(description).into());
            }
        };
        for item in openapi.paths.paths.values_mut() {
            for operation in
                [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten()
            {
                add(operation);
            }
        }
    }
}

/// `GET /api/v1/openapi.json`.
pub async fn document() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(ApiDoc::openapi())
}
