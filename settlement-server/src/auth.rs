//! Bearer JWT authentication and OAuth-style scopes.
//!
//! Tokens are verified with exactly one configured algorithm (HS256 with the secret, or RS256 /
//! ES256 with a public key), so `alg: none` and algorithm confusion fail; `exp` is required,
//! `nbf`, `iss` and `aud` are checked when present or configured, with 30 s of leeway. The
//! caller is the token's `sub`; its scopes are the space-separated `scope` claim.

use std::time::Duration;

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::error::ApiError;

/// Clock skew tolerated on `exp` and `nbf`, in seconds.
pub const LEEWAY_SECONDS: u64 = 30;

/// Checks tokens.
#[derive(Clone)]
pub struct Verifier {
    key: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier").field("algorithms", &self.validation.algorithms).finish_non_exhaustive()
    }
}

/// Who is calling, from a verified token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The token's `sub`.
    pub subject: String,
    /// The token's scopes.
    pub scopes: Vec<String>,
}

impl Caller {
    /// `Ok` when the token carries `scope`, else 403 `insufficient_scope`.
    pub fn require(&self, scope: &str) -> Result<(), ApiError> {
        if self.scopes.iter().any(|s| s == scope) { Ok(()) } else { Err(ApiError::insufficient_scope(scope)) }
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    scope: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    iat: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    nbf: Option<u64>,
    exp: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    iss: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    aud: Option<serde_json::Value>,
}

fn validation(algorithm: Algorithm, issuer: Option<&str>, audience: Option<&str>) -> Validation {
    let mut validation = Validation::new(algorithm);
    validation.leeway = LEEWAY_SECONDS;
    validation.validate_exp = true;
    validation.validate_nbf = true;
    validation.set_required_spec_claims(&["exp"]);
    if let Some(issuer) = issuer {
        validation.set_issuer(&[issuer]);
        validation.required_spec_claims.insert("iss".to_owned());
    }
    match audience {
        Some(audience) => {
            validation.set_audience(&[audience]);
            validation.required_spec_claims.insert("aud".to_owned());
        }
        None => validation.validate_aud = false,
    }
    validation
}

impl Verifier {
    /// HS256 tokens signed with `secret`.
    pub fn hs256(secret: &[u8], issuer: Option<&str>, audience: Option<&str>) -> Self {
        Verifier { key: DecodingKey::from_secret(secret), validation: validation(Algorithm::HS256, issuer, audience) }
    }

    /// RS256 or ES256 tokens, by the kind of the PEM public key.
    pub fn public_key(pem: &[u8], issuer: Option<&str>, audience: Option<&str>) -> Result<Self, String> {
        if let Ok(key) = DecodingKey::from_rsa_pem(pem) {
            return Ok(Verifier { key, validation: validation(Algorithm::RS256, issuer, audience) });
        }
        if let Ok(key) = DecodingKey::from_ec_pem(pem) {
            return Ok(Verifier { key, validation: validation(Algorithm::ES256, issuer, audience) });
        }
        Err("the JWT public key is neither an RSA nor an EC (P-256) public key in PEM".to_owned())
    }

    /// The algorithm tokens must use.
    pub fn algorithm(&self) -> Algorithm {
        self.validation.algorithms.first().copied().unwrap_or(Algorithm::HS256)
    }

    /// Verifies `token` and returns its caller.
    pub fn verify(&self, token: &str) -> Result<Caller, String> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.key, &self.validation).map_err(|error| {
            use jsonwebtoken::errors::ErrorKind;
            match error.kind() {
                ErrorKind::ExpiredSignature => "the token has expired".to_owned(),
                ErrorKind::ImmatureSignature => "the token is not valid yet (nbf)".to_owned(),
                ErrorKind::InvalidSignature => "the token's signature is invalid".to_owned(),
                ErrorKind::InvalidAlgorithm => {
                    format!("the token's algorithm is not the one configured ({:?})", self.algorithm())
                }
                ErrorKind::InvalidIssuer => "the token's issuer is not accepted".to_owned(),
                ErrorKind::InvalidAudience => "the token's audience is not accepted".to_owned(),
                ErrorKind::MissingRequiredClaim(claim) => format!("the token has no {claim} claim"),
                _ => format!("the token is invalid: {error}"),
            }
        })?;
        let subject = data.claims.sub.filter(|s| !s.is_empty()).ok_or("the token has no sub claim")?;
        let scopes = data.claims.scope.unwrap_or_default().split_whitespace().map(str::to_owned).collect();
        Ok(Caller { subject, scopes })
    }
}

/// Signs an HS256 token for `subject` with `scope`, valid for `ttl`.
pub fn mint(
    secret: &[u8],
    subject: &str,
    scope: &str,
    ttl: Duration,
    issuer: Option<&str>,
    audience: Option<&str>,
) -> Result<String, String> {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_err(|e| e.to_string())?.as_secs();
    let claims = Claims {
        sub: Some(subject.to_owned()),
        scope: Some(scope.to_owned()),
        iat: Some(now),
        nbf: Some(now),
        exp: now + ttl.as_secs(),
        iss: issuer.map(str::to_owned),
        aud: audience.map(|a| serde_json::Value::String(a.to_owned())),
    };
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(secret))
        .map_err(|e| e.to_string())
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .ok_or_else(|| ApiError::unauthorized("missing Authorization: Bearer <token> header"))?;
        let token = header
            .to_str()
            .ok()
            .and_then(|value| value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer ")))
            .map(str::trim)
            .filter(|token| !token.is_empty())
            .ok_or_else(|| ApiError::unauthorized("the Authorization header must be Bearer <token>"))?;
        state.verifier.verify(token).map_err(ApiError::unauthorized)
    }
}

/// A scope an endpoint requires, as a type, so that the requirement is checked while the request
/// is extracted: before its body is read or judged.
pub trait Scope {
    /// The scope's name in the token.
    const NAME: &'static str;
}

macro_rules! scopes {
    ($($(#[$doc:meta])* $type:ident => $name:literal,)*) => {
        $(
            $(#[$doc])*
            #[derive(Debug)]
            pub struct $type;

            impl Scope for $type {
                const NAME: &'static str = $name;
            }
        )*
    };
}

scopes! {
    /// `payments.read`: list and read payments.
    PaymentsRead => "payments.read",
    /// `payments.write`: create and cancel payments.
    PaymentsWrite => "payments.write",
    /// `payments.status`: the processing system's status updates.
    PaymentsStatus => "payments.status",
    /// `credit.read`: read credit confirmations.
    CreditRead => "credit.read",
    /// `credit.write`: confirm credit.
    CreditWrite => "credit.write",
    /// `qrcodes.read`: read, list, validate and decode QR codes.
    QrCodesRead => "qrcodes.read",
    /// `qrcodes.write`: issue and deactivate QR codes.
    QrCodesWrite => "qrcodes.write",
    /// `files.read`: read imports and their records, export payments.
    FilesRead => "files.read",
    /// `files.write`: import files and process them.
    FilesWrite => "files.write",
    /// `schedules.read`: read schedules and their runs.
    SchedulesRead => "schedules.read",
    /// `schedules.write`: create, change, pause, resume and cancel schedules.
    SchedulesWrite => "schedules.write",
    /// `automatic.read`: read Pix Automático authorizations, payments and wallets.
    AutomaticRead => "automatic.read",
    /// `automatic.write`: ask, answer and cancel authorizations; send and cancel payments.
    AutomaticWrite => "automatic.write",
    /// `automatic.status`: the payer's institution confirms authorizations' and cancellations'
    /// round trips.
    AutomaticStatus => "automatic.status",
    /// `refunds.read`: read refunds.
    RefundsRead => "refunds.read",
    /// `refunds.write`: ask for refunds of completed payments.
    RefundsWrite => "refunds.write",
    /// `refunds.status`: the processing system ends refunds (returned, or not done).
    RefundsStatus => "refunds.status",
    /// `refunds.med`: beside `refunds.write`, open a refund under the MED (fraud, operational
    /// failure): the institution's.
    RefundsMed => "refunds.med",
    /// `webhooks.read`: read the caller's webhook endpoints and their deliveries.
    WebhooksRead => "webhooks.read",
    /// `webhooks.write`: register, change, rotate, remove, retry and replay the caller's
    /// webhook endpoints.
    WebhooksWrite => "webhooks.write",
}

/// A verified caller holding scope `S`: 401 without a valid token, 403 without the scope.
#[derive(Debug)]
pub struct Authorized<S>(pub Caller, pub std::marker::PhantomData<S>);

impl<S: Scope + Send + Sync> FromRequestParts<AppState> for Authorized<S> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let caller = Caller::from_request_parts(parts, state).await?;
        caller.require(S::NAME)?;
        Ok(Authorized(caller, std::marker::PhantomData))
    }
}
