//! Assembling the service: store, services, auth, routes, middleware, background work, and a
//! graceful shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderName, Request as HttpRequest};
use axum::routing::get;
use settlement_core::webhooks::Reach;
use settlement_core::{Settlement, SqlStore, SystemClock};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::timeout::RequestBodyTimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::auth::Verifier;
use crate::config::{SecretSource, Settings};
use crate::error::ApiError;
use crate::extract::MAX_BODY;
use crate::jws::{JWKS_PATH, Signer};
use crate::metrics::{self, Metrics};
use crate::routes::{
    automatic, events, exports, files, health, history, payments, pix, qr_codes, refunds, schedules, webhooks,
};
use crate::{openapi, worker};

/// The documented list of automatic Pix payments, and its group.
const AUTOMATIC_PAYMENTS: &str = "/pix/scheduled-payments/automatic-payments";
/// The authorizations behind them.
const AUTHORIZATIONS: &str = "/pix/scheduled-payments/automatic-authorizations";

/// How long a client has to send its request's headers.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a request body may stall between two chunks (an upload may take long; it may not
/// stop).
pub const BODY_IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// What every handler shares.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The services.
    pub settlement: Settlement<SqlStore>,
    /// Token verification.
    pub verifier: Arc<Verifier>,
    /// Request metrics.
    pub metrics: Arc<Metrics>,
    /// Signs the charges served at dynamic codes' locations.
    pub signer: Arc<Signer>,
    /// Where uploads are spooled while they are read.
    pub upload_dir: std::path::PathBuf,
    /// Wakes the import worker when an import starts processing.
    pub import_work: Arc<tokio::sync::Notify>,
    /// Sends webhook deliveries.
    pub webhook_sender: crate::webhook_sender::Sender,
}

/// A configured service, ready to serve.
#[derive(Debug)]
pub struct App {
    state: AppState,
    /// How often due scheduled payments are released.
    pub release_interval: Duration,
    /// How long a client has to send its request's headers ([`HEADER_READ_TIMEOUT`]).
    pub header_read_timeout: Duration,
    /// How long a request body may stall ([`BODY_IDLE_TIMEOUT`]).
    pub body_idle_timeout: Duration,
}

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The data directory or a key file.
    #[error("{0}")]
    Io(String),
    /// The database.
    #[error(transparent)]
    Store(#[from] settlement_core::StoreError),
    /// The JWT configuration.
    #[error("{0}")]
    Auth(String),
}

impl App {
    /// Connects to the database, applies migrations, and sets up token verification and the
    /// charge-signing key. Payers reach the service at `settings.public_url`, by default
    /// `http://127.0.0.1:8080`.
    pub async fn build(settings: &Settings) -> Result<App, StartError> {
        let url = settings.database_url();
        if url.starts_with("sqlite:") && settings.database_url.is_none() {
            settings
                .prepare_data_dir()
                .map_err(|e| StartError::Io(format!("data directory {}: {e}", settings.data_dir.display())))?;
        }
        let store = SqlStore::connect(&url).await?;
        store.migrate().await?;
        let verifier = verifier(settings)?;
        let public_url = settings.public_url.as_deref().unwrap_or("http://127.0.0.1:8080");
        if jiff::tz::TimeZone::get(&settings.time_zone).is_err() {
            return Err(StartError::Io(format!(
                "SETTLEMENT_TIME_ZONE {:?} is not an IANA time zone",
                settings.time_zone
            )));
        }
        let signer = Signer::load(settings, public_url).map_err(StartError::Auth)?;
        let upload_dir = settings.data_dir.join("uploads");
        std::fs::create_dir_all(&upload_dir)
            .map_err(|e| StartError::Io(format!("upload directory {}: {e}", upload_dir.display())))?;
        // Spools a killed server left behind: their uploads never answered, so nothing refers to them.
        if let Ok(entries) = std::fs::read_dir(&upload_dir) {
            for entry in entries.flatten() {
                if entry.path().extension().is_some_and(|extension| extension == "upload") {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
        let reach = Reach { allow_private: settings.webhooks_allow_private };
        if reach.allow_private {
            tracing::warn!("webhooks may use plain http and reach private addresses (--webhooks-allow-private)");
        }
        let webhook_sender = crate::webhook_sender::Sender::new(reach).map_err(StartError::Io)?;
        let state = AppState {
            settlement: Settlement::new(store, Arc::new(SystemClock))
                .with_public_url(public_url)
                .with_schedules(&settings.time_zone, settings.schedule_failure_limit)
                .with_webhooks(reach)
                .with_refund_window(settings.refund_window_days),
            verifier: Arc::new(verifier),
            metrics: Arc::new(Metrics::default()),
            signer: Arc::new(signer),
            upload_dir,
            import_work: Arc::new(tokio::sync::Notify::new()),
            webhook_sender,
        };
        Ok(App {
            state,
            release_interval: Duration::from_secs(1),
            header_read_timeout: HEADER_READ_TIMEOUT,
            body_idle_timeout: BODY_IDLE_TIMEOUT,
        })
    }

    /// The shared state.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The routes, under `/api/v1` (health and readiness also at the root).
    pub fn router(&self) -> Router {
        router(self.state.clone())
    }

    /// Serves on `listener` until `shutdown` completes; then stops taking connections, lets
    /// in-flight requests finish, stops the background work and closes the database.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let (stop, stopped) = watch::channel(false);
        let settlement = &self.state.settlement;
        let releaser =
            tokio::spawn(worker::release_scheduled(settlement.clone(), self.release_interval, stopped.clone()));
        let importer =
            tokio::spawn(worker::process_imports(settlement.clone(), self.state.import_work.clone(), stopped.clone()));
        let scheduler = tokio::spawn(worker::run_schedules(settlement.clone(), stopped.clone()));
        let automatic = tokio::spawn(worker::run_automatic(settlement.clone(), stopped.clone()));
        let webhooks =
            tokio::spawn(worker::deliver_webhooks(settlement.clone(), self.state.webhook_sender.clone(), stopped));
        let router = self.router().layer(RequestBodyTimeoutLayer::new(self.body_idle_timeout));
        let result = crate::listen::serve(listener, router, self.header_read_timeout, shutdown).await;
        let _ = stop.send(true);
        let _ = releaser.await;
        let _ = importer.await;
        let _ = scheduler.await;
        let _ = automatic.await;
        let _ = webhooks.await;
        self.state.settlement.store().close().await;
        result
    }
}

fn verifier(settings: &Settings) -> Result<Verifier, StartError> {
    let (issuer, audience) = (settings.jwt_issuer.as_deref(), settings.jwt_audience.as_deref());
    if let Some(pem) =
        settings.public_key_pem().map_err(|e| StartError::Auth(format!("SETTLEMENT_JWT_PUBLIC_KEY: {e}")))?
    {
        let verifier = Verifier::public_key(&pem, issuer, audience).map_err(StartError::Auth)?;
        tracing::info!(algorithm = ?verifier.algorithm(), "verifying tokens with the configured public key");
        return Ok(verifier);
    }
    let (secret, source) = settings.hs256_secret().map_err(|e| StartError::Io(format!("JWT secret: {e}")))?;
    if source != SecretSource::Configured {
        let path = settings.data_dir.join(crate::config::SECRET_FILE);
        if source == SecretSource::Generated {
            tracing::warn!(path = %path.display(), "no SETTLEMENT_JWT_SECRET: generated an HS256 signing secret");
        }
        tracing::info!(
            "mint a token with: settlement token --data-dir {} --sub you@example.com --scope \"payments.read payments.write payments.status credit.read credit.write qrcodes.read qrcodes.write files.read files.write schedules.read schedules.write automatic.read automatic.write automatic.status webhooks.read webhooks.write refunds.read refunds.write refunds.status\"",
            settings.data_dir.display()
        );
    }
    Ok(Verifier::hs256(&secret, issuer, audience))
}

/// The largest multipart body of an upload: the 100 MiB file and its framing.
const MAX_UPLOAD_BODY: usize = settlement_core::files::MAX_FILE_SIZE as usize + 1024 * 1024;

/// The router over `state`.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/health", get(health::health))
        .route("/ready", get(health::ready))
        .route("/openapi.json", get(openapi::document))
        .route("/payments", get(payments::list).post(payments::create))
        .route("/payments/{id}", get(payments::get).delete(payments::cancel))
        .route("/payments/{id}/status", axum::routing::put(payments::update_status))
        .route("/payments/{id}/confirm-credit", get(payments::credit).post(payments::confirm_credit))
        .route("/payments/{id}/history", get(history::payment))
        .route("/payments/{id}/refunds", get(refunds::list_payment_refunds))
        .route("/payments/{id}/refunds/{refund_id}", get(refunds::get_refund).put(refunds::request_refund))
        .route("/payments/{id}/refunds/{refund_id}/status", axum::routing::put(refunds::update_refund_status))
        .route("/payments/{id}/refunds/{refund_id}/history", get(refunds::refund_history))
        .route("/refunds", get(refunds::list_refunds))
        .route("/qr-codes", get(qr_codes::list).post(qr_codes::create))
        .route("/qr-codes/validate", axum::routing::post(qr_codes::validate))
        .route("/qr-codes/decode", axum::routing::post(qr_codes::decode))
        .route("/qr-codes/txid/{tx_id}", get(qr_codes::by_txid))
        .route("/qr-codes/{id}", get(qr_codes::get))
        .route("/qr-codes/{id}/deactivate", axum::routing::put(qr_codes::deactivate))
        .route("/qr-codes/{id}/image", get(qr_codes::picture))
        .route("/qr-codes/{id}/history", get(history::qr_code))
        .route(
            "/files/import",
            // Uploads are streamed to disk and limited to 100 MiB as they arrive; the limit
            // here only leaves room for the multipart framing around them.
            axum::routing::post(files::import).layer(DefaultBodyLimit::max(MAX_UPLOAD_BODY)),
        )
        .route("/files/imports", get(files::list))
        .route("/files/imports/{id}", get(files::get))
        .route("/files/imports/{id}/records", get(files::records))
        .route("/files/imports/{id}/process", axum::routing::post(files::process))
        .route("/files/imports/{id}/history", get(history::file_import))
        .route("/files/imports/{id}/reconciliation", get(files::reconciliation))
        .route("/files/export", get(files::export))
        .route("/files/exports", get(exports::list_exports))
        .route("/files/exports/{id}", get(exports::get_export))
        .route("/files/exports/{id}/file", get(exports::export_file))
        .route("/files/exports/{id}/history", get(history::file_export))
        .route("/schedules", get(schedules::list).post(schedules::create))
        .route("/schedules/{id}", get(schedules::get).put(schedules::update).delete(schedules::cancel))
        .route("/schedules/{id}/pause", axum::routing::put(schedules::pause))
        .route("/schedules/{id}/resume", axum::routing::put(schedules::resume))
        .route("/schedules/{id}/runs", get(schedules::runs))
        .route("/schedules/{id}/history", get(history::schedule))
        .route(AUTOMATIC_PAYMENTS, get(automatic::list_payments).post(automatic::create_payment))
        .route(&format!("{AUTOMATIC_PAYMENTS}/{{id}}"), get(automatic::get_payment).delete(automatic::cancel_payment))
        .route(&format!("{AUTOMATIC_PAYMENTS}/{{id}}/status"), axum::routing::put(automatic::confirm_payment))
        .route(&format!("{AUTOMATIC_PAYMENTS}/{{id}}/history"), get(automatic::payment_history))
        .route(AUTHORIZATIONS, get(automatic::list_authorizations).post(automatic::create_authorization))
        .route(
            &format!("{AUTHORIZATIONS}/{{id}}"),
            get(automatic::get_authorization).delete(automatic::cancel_authorization),
        )
        .route(&format!("{AUTHORIZATIONS}/{{id}}/approve"), axum::routing::put(automatic::approve_authorization))
        .route(&format!("{AUTHORIZATIONS}/{{id}}/reject"), axum::routing::put(automatic::reject_authorization))
        .route(&format!("{AUTHORIZATIONS}/{{id}}/status"), axum::routing::put(automatic::confirm_authorization))
        .route(&format!("{AUTHORIZATIONS}/{{id}}/history"), get(automatic::authorization_history))
        .route("/webhooks", get(webhooks::list).post(webhooks::create))
        .route("/webhooks/{id}", get(webhooks::get).patch(webhooks::update).delete(webhooks::delete))
        .route("/webhooks/{id}/rotate-secret", axum::routing::post(webhooks::rotate_secret))
        .route("/webhooks/{id}/deliveries", get(webhooks::deliveries))
        .route("/webhooks/{id}/deliveries/{delivery_id}/retry", axum::routing::post(webhooks::retry))
        .route("/webhooks/{id}/replay", axum::routing::post(webhooks::replay))
        .route("/events", get(events::list))
        .route("/pix/wallets", get(automatic::wallets).post(automatic::create_wallet))
        .route(
            "/pix/product-grants/{product_uuid}",
            axum::routing::put(automatic::grant_product).delete(automatic::revoke_product),
        );
    let request_id = HeaderName::from_static("x-request-id");
    let metrics = state.metrics.clone();
    Router::new()
        .route("/health", get(health::health))
        .route("/ready", get(health::ready))
        .route("/metrics", get(metrics::render).with_state(metrics.clone()))
        .route(&format!("{}{{token}}", settlement_core::service::LOCATION_PATH), get(pix::charge))
        .route(JWKS_PATH, get(pix::jwks))
        .nest("/api/v1", api)
        .fallback(|request: Request| async move { ApiError::no_route(request.method().as_str(), request.uri().path()) })
        .method_not_allowed_fallback(|request: Request| async move {
            ApiError::new(
                axum::http::StatusCode::METHOD_NOT_ALLOWED,
                "METHOD_NOT_ALLOWED",
                format!("{} is not allowed on {}", request.method(), request.uri().path()),
            )
        })
        .with_state(state)
        .layer(axum::middleware::from_fn_with_state(metrics, metrics::track))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &HttpRequest<_>| {
            let id =
                request.extensions().get::<RequestId>().and_then(|id| id.header_value().to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
}

/// Binds `addr`.
pub async fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    TcpListener::bind(addr).await
}
