//! What every request of the Pix Automático group carries (its language, its caller, its
//! nonce, the wallet it acts on), its list parameters and body, and its refusals, all in the
//! request's language.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use settlement_core::automatic::refusal::{AutomaticError, Lang, Rule};
use settlement_core::service::automatic::{ActingAs, Actor};
use uuid::Uuid;

use crate::app::AppState;
use crate::auth::{Caller, Scope};
use crate::error::ApiError;
use crate::extract::MAX_BODY;

/// `automatic.product`: act for a user who granted the product.
pub const PRODUCT_SCOPE: &str = "automatic.product";

/// A refusal, in the language the request asked for.
#[derive(Debug)]
pub struct Localized {
    /// What was refused.
    pub error: AutomaticError,
    /// In which language.
    pub lang: Lang,
}

impl Localized {
    /// `error` in `lang`.
    pub fn new(error: impl Into<AutomaticError>, lang: Lang) -> Self {
        Localized { error: error.into(), lang }
    }
}

/// The HTTP status of a refusal's code.
fn status_of(code: &str) -> StatusCode {
    match code {
        "VALIDATION_ERROR" => StatusCode::BAD_REQUEST,
        "UNAUTHORIZED" => StatusCode::UNAUTHORIZED,
        "INSUFFICIENT_SCOPE" | "FORBIDDEN" => StatusCode::FORBIDDEN,
        "NOT_FOUND" => StatusCode::NOT_FOUND,
        "PAYLOAD_TOO_LARGE" => StatusCode::PAYLOAD_TOO_LARGE,
        "REQUEST_TIMEOUT" => StatusCode::REQUEST_TIMEOUT,
        "DATABASE_UNAVAILABLE" => StatusCode::SERVICE_UNAVAILABLE,
        "INTERNAL_ERROR" => StatusCode::INTERNAL_SERVER_ERROR,
        // Transitions, the cancellation cut-off, reused nonces: conflicts with the state.
        _ => StatusCode::CONFLICT,
    }
}

impl IntoResponse for Localized {
    fn into_response(self) -> Response {
        if let AutomaticError::Store(store) = &self.error {
            tracing::error!(error = %store, "store failure");
        }
        let code = self.error.code();
        let mut error = ApiError::new(status_of(code), code, self.error.message(self.lang));
        error.challenge = match &self.error {
            AutomaticError::Unauthorized(_) => Some(r#"Bearer error="invalid_token""#.to_owned()),
            AutomaticError::MissingScope(scope) => {
                Some(format!(r#"Bearer error="insufficient_scope", scope="{scope}""#))
            }
            _ => None,
        };
        let mut response = error.into_response();
        response.headers_mut().insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(self.lang.as_str()));
        response
    }
}

/// The request's language: `x-lang`, else `Accept-Language`, else pt-BR. An `x-lang` we do not
/// speak is refused (in pt-BR), not ignored.
pub fn lang_of(headers: &HeaderMap) -> Result<Lang, Localized> {
    if let Some(value) = headers.get("x-lang") {
        return value
            .to_str()
            .ok()
            .and_then(Lang::parse)
            .ok_or_else(|| Localized::new(AutomaticError::invalid("x-lang", Rule::OneOf("pt-BR, en-US")), Lang::PtBr));
    }
    Ok(headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .and_then(Lang::from_accept_language)
        .unwrap_or_default())
}

/// A UUID v4 header, if present; given twice, it is refused rather than one of them picked.
fn uuid_header(headers: &HeaderMap, name: &'static str, lang: Lang) -> Result<Option<Uuid>, Localized> {
    let Some(value) = headers.get(name) else { return Ok(None) };
    if headers.get_all(name).iter().nth(1).is_some() {
        return Err(Localized::new(AutomaticError::invalid(name, Rule::Repeated), lang));
    }
    value
        .to_str()
        .ok()
        .and_then(|text| Uuid::parse_str(text.trim()).ok())
        .filter(|uuid| uuid.get_version_num() == 4)
        .map(Some)
        .ok_or_else(|| Localized::new(AutomaticError::invalid(name, Rule::UuidV4), lang))
}

/// A request of the group by a caller holding scope `S`: 401 without a valid token, 403 without
/// the scope, 400 without a UUID v4 `nonce` or with malformed headers, and, for a request that
/// changes state, 409 when its nonce was used in the last 24 hours.
#[derive(Debug)]
pub struct Automatic<S> {
    /// The messages' language.
    pub lang: Lang,
    /// The verified caller.
    pub caller: Caller,
    acting: ActingAs,
    scope: std::marker::PhantomData<S>,
}

impl<S> Automatic<S> {
    /// The wallet the request acts on: the caller's own, or that of the user a product acts for
    /// (403 otherwise).
    pub async fn actor(&self, state: &AppState) -> Result<Actor, Localized> {
        state.settlement.automatic_actor(&self.caller.subject, self.acting.clone()).await.map_err(|e| self.refuse(e))
    }

    /// A refusal in the request's language.
    pub fn refuse(&self, error: AutomaticError) -> Localized {
        Localized::new(error, self.lang)
    }
}

impl<S: Scope + Send + Sync> FromRequestParts<AppState> for Automatic<S> {
    type Rejection = Localized;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Localized> {
        // Credentials are judged before anything else is read, as on the rest of the API: a
        // request without a valid token is 401 whatever its other headers say (in the language
        // asked for when that much can be read).
        let lang = lang_of(&parts.headers);
        let asked = lang.as_ref().copied().unwrap_or_default();
        let caller = Caller::from_request_parts(parts, state)
            .await
            .map_err(|error| Localized::new(AutomaticError::Unauthorized(error.message), asked))?;
        if !caller.scopes.iter().any(|scope| scope == S::NAME) {
            return Err(Localized::new(AutomaticError::MissingScope(S::NAME), asked));
        }
        let lang = lang?;
        let refuse = |error: AutomaticError| Localized::new(error, lang);
        let nonce = uuid_header(&parts.headers, "nonce", lang)?
            .ok_or_else(|| refuse(AutomaticError::invalid("nonce", Rule::Required)))?;
        let wallet = uuid_header(&parts.headers, "x-wallet-uuid", lang)?;
        let product = uuid_header(&parts.headers, "x-product-uuid", lang)?;
        let target = uuid_header(&parts.headers, "x-product-target-user-uuid", lang)?;
        let product = match (product, target) {
            (None, None) => None,
            (Some(product), Some(user)) => Some((product, user.to_string())),
            (None, Some(_)) => {
                return Err(refuse(AutomaticError::invalid(
                    "x-product-target-user-uuid",
                    Rule::Requires("x-product-uuid"),
                )));
            }
            (Some(_), None) => {
                return Err(refuse(AutomaticError::invalid(
                    "x-product-uuid",
                    Rule::Requires("x-product-target-user-uuid"),
                )));
            }
        };
        let may_act_for_users = caller.scopes.iter().any(|scope| scope == PRODUCT_SCOPE);
        if !matches!(parts.method, Method::GET | Method::HEAD) {
            state.settlement.use_nonce(&caller.subject, nonce).await.map_err(refuse)?;
        }
        Ok(Automatic {
            lang,
            caller,
            acting: ActingAs { wallet, product, may_act_for_users },
            scope: std::marker::PhantomData,
        })
    }
}

/// A JSON object body of the group, typed; its refusals name the field, in the request's language.
#[derive(Debug)]
pub struct Body<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for Body<T> {
    type Rejection = Localized;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Localized> {
        let lang = lang_of(request.headers()).unwrap_or_default();
        let refuse =
            |field: &str, detail: String| Localized::new(AutomaticError::invalid(field, Rule::Json(detail)), lang);
        let bytes = Bytes::from_request(request, state).await.map_err(|rejection| {
            if crate::extract::body_timed_out(&rejection) {
                Localized::new(AutomaticError::BodyStalled, lang)
            } else if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Localized::new(AutomaticError::TooLarge(MAX_BODY), lang)
            } else {
                refuse("body", rejection.body_text())
            }
        })?;
        let mut raw: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|error| refuse("body", error.to_string()))?;
        crate::extract::whole_numbers(&mut raw);
        if !raw.is_object() {
            return Err(refuse("body", "expected a JSON object".to_owned()));
        }
        serde_path_to_error::deserialize(&raw).map(Body).map_err(|error| {
            let path = error.path().to_string();
            let field = if path == "." { "body".to_owned() } else { path };
            refuse(&field, error.into_inner().to_string())
        })
    }
}

/// A resource id from the path.
pub fn id_of(text: &str, lang: Lang) -> Result<Uuid, Localized> {
    Uuid::parse_str(text).map_err(|_| Localized::new(AutomaticError::invalid("id", Rule::UuidV4), lang))
}

/// The list parameters the document gives: `page` (from 1), `size` (1 to 100, default 20),
/// `sort` (`created_at`), `order` (`asc`, `desc`) and `status`, repeated or comma-separated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    /// Page number, from 1.
    pub page: u64,
    /// Page size.
    pub size: u32,
    /// Newest first.
    pub descending: bool,
    /// Only these statuses.
    pub statuses: Vec<&'static str>,
}

impl ListQuery {
    /// Reads the pairs of a query string; `statuses` are the values `status` may take, and
    /// `one_of` names them for the message.
    pub fn parse(
        pairs: &[(String, String)],
        statuses: &[&'static str],
        one_of: &'static str,
    ) -> Result<ListQuery, AutomaticError> {
        let mut seen: Vec<&str> = Vec::new();
        let mut query = ListQuery { page: 1, size: 20, descending: false, statuses: Vec::new() };
        for (key, value) in pairs {
            let key = key.as_str();
            if key != "status" && key != "status[]" {
                if seen.contains(&key) {
                    return Err(AutomaticError::invalid(key, Rule::Repeated));
                }
                seen.push(key);
            }
            match key {
                "page" => query.page = integer(key, value, 1, i64::from(i32::MAX))? as u64,
                "size" => query.size = integer(key, value, 1, 100)? as u32,
                "sort" if value == "created_at" => {}
                "sort" => return Err(AutomaticError::invalid(key, Rule::OneOf("created_at"))),
                "order" => {
                    query.descending = match value.as_str() {
                        "asc" => false,
                        "desc" => true,
                        _ => return Err(AutomaticError::invalid(key, Rule::OneOf("asc, desc"))),
                    }
                }
                "status" | "status[]" => {
                    for name in value.split(',').map(str::trim) {
                        let status = statuses
                            .iter()
                            .find(|s| **s == name)
                            .ok_or_else(|| AutomaticError::invalid("status", Rule::OneOf(one_of)))?;
                        if !query.statuses.contains(status) {
                            query.statuses.push(status);
                        }
                    }
                }
                _ => {
                    return Err(AutomaticError::invalid(
                        key,
                        Rule::UnknownParameter("page, size, sort, order, status"),
                    ));
                }
            }
        }
        Ok(query)
    }

    /// Rows before the page.
    pub fn offset(&self) -> u64 {
        (self.page - 1).saturating_mul(u64::from(self.size))
    }
}

fn integer(key: &str, value: &str, min: i64, max: i64) -> Result<i64, AutomaticError> {
    value
        .parse::<i64>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| AutomaticError::invalid(key, Rule::Range(min, max)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(query: &str) -> Vec<(String, String)> {
        query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (k.to_owned(), v.to_owned())
            })
            .collect()
    }

    const STATUSES: &[&str] = &["CREATED", "CANCELED"];

    fn parse(query: &str) -> Result<ListQuery, String> {
        ListQuery::parse(&pairs(query), STATUSES, "CREATED, CANCELED").map_err(|e| e.message(Lang::EnUs))
    }

    #[test]
    fn the_documents_parameters() {
        assert_eq!(parse(""), Ok(ListQuery { page: 1, size: 20, descending: false, statuses: vec![] }));
        let all = parse("page=3&size=100&sort=created_at&order=desc&status=CANCELED&status=CREATED,CANCELED").unwrap();
        assert_eq!(all, ListQuery { page: 3, size: 100, descending: true, statuses: vec!["CANCELED", "CREATED"] });
        assert_eq!(all.offset(), 200);
    }

    #[test]
    fn refusals_name_the_parameter() {
        for (query, message) in [
            ("size=101", "size must be an integer from 1 to 100"),
            ("size=0", "size must be an integer from 1 to 100"),
            ("page=0", "page must be an integer from 1 to 2147483647"),
            ("page=x", "page must be an integer from 1 to 2147483647"),
            ("sort=amount", "sort must be one of created_at"),
            ("order=up", "order must be one of asc, desc"),
            ("status=PAID", "status must be one of CREATED, CANCELED"),
            ("page=1&page=2", "page may appear only once"),
            ("limit=5", "limit is not a known parameter; expected page, size, sort, order, status"),
        ] {
            assert_eq!(parse(query), Err(message.to_owned()), "{query}");
        }
    }
}
