//! The OpenAPI 3.1 document of every endpoint, generated from the handlers' annotations.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes::{automatic, files, health, payments, pix, qr_codes, schedules};

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
    ),
    components(schemas(crate::error::Envelope, crate::error::ErrorBody)),
    modifiers(&BearerAuth),
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

/// `GET /api/v1/openapi.json`.
pub async fn document() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(ApiDoc::openapi())
}
