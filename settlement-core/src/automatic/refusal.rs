//! What Pix Automático's endpoints refuse, and why, in the two languages they speak: Brazilian
//! Portuguese (the default) and English. Every refusal of the group is written here once, in
//! both, so that no message exists in one language only.

use super::{AuthorizationStatus, AutomaticPaymentStatus, RetryRefusal};
use crate::store::StoreError;

/// The language of a response's messages (`x-lang`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// `pt-BR`, the default.
    #[default]
    PtBr,
    /// `en-US`.
    EnUs,
}

impl Lang {
    /// Reads `pt-BR` or `en-US` (any case).
    pub fn parse(value: &str) -> Option<Lang> {
        let value = value.trim();
        if value.eq_ignore_ascii_case("pt-BR") {
            Some(Lang::PtBr)
        } else if value.eq_ignore_ascii_case("en-US") {
            Some(Lang::EnUs)
        } else {
            None
        }
    }

    /// The first language of an `Accept-Language` list that is one of ours, if any.
    pub fn from_accept_language(value: &str) -> Option<Lang> {
        value.split(',').find_map(|item| {
            let tag = item.split(';').next().unwrap_or_default().trim();
            let primary = tag.split('-').next().unwrap_or_default();
            if primary.eq_ignore_ascii_case("pt") {
                Some(Lang::PtBr)
            } else if primary.eq_ignore_ascii_case("en") {
                Some(Lang::EnUs)
            } else {
                None
            }
        })
    }

    /// The tag, for `Content-Language`.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::PtBr => "pt-BR",
            Lang::EnUs => "en-US",
        }
    }
}

/// A rule a field (a body field, a query parameter or a header) breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rule {
    /// Absent or empty.
    Required,
    /// Not one of the listed values.
    OneOf(&'static str),
    /// Not a date `YYYY-MM-DD`.
    Date,
    /// Not an RFC 3339 date-time.
    DateTime,
    /// Not a UUID version 4.
    UuidV4,
    /// Not an integer within the bounds.
    Range(i64, i64),
    /// Before the named field.
    Before(&'static str),
    /// Not a positive number of centavos.
    AtLeastOneCentavo,
    /// A fixed value and a floor given together.
    FixedAndFloor,
    /// The payer's maximum under the receiver's floor.
    BelowFloor(i64),
    /// Not an 8-digit ISPB.
    Ispb,
    /// Not a CPF or CNPJ with correct check digits.
    Document,
    /// Longer than this many characters.
    TooLong(usize),
    /// Not in the future.
    NotFuture,
    /// A query parameter the endpoint does not know.
    UnknownParameter(&'static str),
    /// Given twice where once is allowed.
    Repeated,
    /// Given without the header it requires.
    Requires(&'static str),
    /// The body is not the JSON expected (serde's detail, which names the position).
    Json(String),
    /// The authorization is not APPROVED.
    NotApproved(AuthorizationStatus),
    /// Outside the authorization's start and end dates.
    OutsideAuthorization {
        /// The first date.
        start: String,
        /// The last date, if any.
        end: Option<String>,
    },
    /// Not a due date of the authorization's frequency.
    NotOnCycle {
        /// The frequency.
        frequency: String,
        /// Its start.
        start: String,
    },
    /// Not 2 to 10 days after today.
    OutsideInstructionWindow,
    /// Not the authorization's fixed value.
    NotFixedValue(i64),
    /// Above the payer's maximum.
    AboveMaximum(i64),
    /// The cycle has its SCHEDULING payment.
    CycleTaken(String),
    /// No failed payment of a cycle to retry or re-send.
    NothingToRetry,
    /// An attempt of the cycle is still under way.
    AttemptUnderWay,
    /// The retry policy refuses the new attempt.
    Retry(RetryRefusal),
    /// A RESEND follows only a failure to send (no payment was made).
    NotOperationalFailure,
    /// Not the value of the cycle's payment.
    NotOriginalValue(i64),
}

/// A refusal of the Pix Automático endpoints; each maps to one API code and HTTP status.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AutomaticError {
    /// Input that breaks a rule.
    #[error("{field}: {rule:?}")]
    Invalid {
        /// The field, parameter or header.
        field: String,
        /// The rule.
        rule: Rule,
    },
    /// No token, or one that does not verify.
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    /// The token lacks the scope.
    #[error("scope {0} required")]
    MissingScope(&'static str),
    /// `x-wallet-uuid` is not one of the caller's wallets.
    #[error("wallet forbidden")]
    WalletForbidden,
    /// The product may not act for that user.
    #[error("product forbidden")]
    ProductForbidden,
    /// No such authorization (or not the caller's).
    #[error("authorization not found")]
    AuthorizationNotFound,
    /// No such automatic payment (or not the caller's).
    #[error("automatic payment not found")]
    PaymentNotFound,
    /// The authorization's state table does not allow this.
    #[error("authorization {from} -> {to}")]
    AuthorizationTransition {
        /// Its status.
        from: AuthorizationStatus,
        /// The status asked for.
        to: AuthorizationStatus,
    },
    /// The automatic payment's state table does not allow this.
    #[error("automatic payment {from} -> {to}")]
    PaymentTransition {
        /// Its status.
        from: AutomaticPaymentStatus,
        /// The status asked for.
        to: AutomaticPaymentStatus,
    },
    /// The payment was settled already: nothing left to cancel.
    #[error("already settled")]
    AlreadySettled,
    /// After 22:00 São Paulo time on the day before the due date.
    #[error("cancellation deadline {deadline} passed")]
    CancellationClosed {
        /// The deadline, RFC 3339.
        deadline: String,
    },
    /// A state-changing request's nonce seen within 24 hours.
    #[error("nonce reused")]
    NonceReused,
    /// The body is over the limit.
    #[error("body over {0} bytes")]
    TooLarge(usize),
    /// The client stopped sending the body.
    #[error("body stalled")]
    BodyStalled,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl AutomaticError {
    /// A field breaking a rule.
    pub fn invalid(field: impl Into<String>, rule: Rule) -> Self {
        AutomaticError::Invalid { field: field.into(), rule }
    }

    /// The API's error code.
    pub fn code(&self) -> &'static str {
        match self {
            // A well-formed request that the authorization's state refuses: a conflict.
            AutomaticError::Invalid { rule: Rule::NotApproved(_), .. } => "AUTHORIZATION_NOT_APPROVED",
            AutomaticError::Invalid { .. } => "VALIDATION_ERROR",
            AutomaticError::Unauthorized(_) => "UNAUTHORIZED",
            AutomaticError::MissingScope(_) => "INSUFFICIENT_SCOPE",
            AutomaticError::WalletForbidden | AutomaticError::ProductForbidden => "FORBIDDEN",
            AutomaticError::AuthorizationNotFound | AutomaticError::PaymentNotFound => "NOT_FOUND",
            AutomaticError::AuthorizationTransition { .. }
            | AutomaticError::PaymentTransition { .. }
            | AutomaticError::AlreadySettled => "INVALID_TRANSITION",
            AutomaticError::CancellationClosed { .. } => "CANCELLATION_DEADLINE_PASSED",
            AutomaticError::NonceReused => "NONCE_REUSED",
            AutomaticError::TooLarge(_) => "PAYLOAD_TOO_LARGE",
            AutomaticError::BodyStalled => "REQUEST_TIMEOUT",
            AutomaticError::Store(StoreError::Unavailable(_)) => "DATABASE_UNAVAILABLE",
            AutomaticError::Store(_) => "INTERNAL_ERROR",
        }
    }

    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let (pt, en) = match self {
            AutomaticError::Invalid { field, rule } => {
                let (pt, en) = rule_text(rule);
                (format!("{field} {pt}"), format!("{field} {en}"))
            }
            AutomaticError::Unauthorized(detail) => (
                format!("token ausente ou inválido ({detail}); envie Authorization: Bearer <token>"),
                format!("missing or invalid token ({detail}); send Authorization: Bearer <token>"),
            ),
            AutomaticError::MissingScope(scope) => {
                (format!("esta operação exige o escopo {scope}"), format!("this operation requires the scope {scope}"))
            }
            AutomaticError::WalletForbidden => (
                "x-wallet-uuid não é uma carteira sua".to_owned(),
                "x-wallet-uuid is not one of your wallets".to_owned(),
            ),
            AutomaticError::ProductForbidden => (
                "este produto não pode agir por esse usuário: o token precisa do escopo automatic.product e o usuário precisa tê-lo autorizado".to_owned(),
                "this product may not act for that user: the token needs the scope automatic.product and the user must have granted the product".to_owned(),
            ),
            AutomaticError::AuthorizationNotFound => {
                ("autorização não encontrada".to_owned(), "authorization not found".to_owned())
            }
            AutomaticError::PaymentNotFound => {
                ("pagamento automático não encontrado".to_owned(), "automatic payment not found".to_owned())
            }
            AutomaticError::AuthorizationTransition { from, to } => (
                format!("a autorização está {from} e não pode passar a {to}"),
                format!("the authorization is {from} and cannot become {to}"),
            ),
            AutomaticError::PaymentTransition { from, to } => (
                format!("o pagamento automático está {from} e não pode passar a {to}"),
                format!("the automatic payment is {from} and cannot become {to}"),
            ),
            AutomaticError::AlreadySettled => (
                "o pagamento automático já foi liquidado; não há o que cancelar".to_owned(),
                "the automatic payment was already settled; there is nothing to cancel".to_owned(),
            ),
            AutomaticError::CancellationClosed { deadline } => (
                format!("o prazo de cancelamento terminou em {deadline} (22h de Brasília da véspera do vencimento)"),
                format!("the cancellation deadline passed at {deadline} (22:00 Brasília time on the day before the due date)"),
            ),
            AutomaticError::NonceReused => (
                "este nonce já foi usado nas últimas 24 horas; a requisição não foi repetida".to_owned(),
                "this nonce was used within the last 24 hours; the request was not repeated".to_owned(),
            ),
            AutomaticError::TooLarge(limit) => {
                (format!("o corpo excede {limit} bytes"), format!("the body is larger than {limit} bytes"))
            }
            AutomaticError::BodyStalled => (
                "o corpo da requisição parou de chegar; envie de novo".to_owned(),
                "the request body stopped arriving; send it again".to_owned(),
            ),
            AutomaticError::Store(StoreError::Unavailable(_)) => (
                "o banco de dados está indisponível; tente novamente".to_owned(),
                "the database is unavailable; retry later".to_owned(),
            ),
            AutomaticError::Store(_) => ("erro interno".to_owned(), "internal error".to_owned()),
        };
        match lang {
            Lang::PtBr => pt,
            Lang::EnUs => en,
        }
    }
}

/// What follows the field's name, in Portuguese and in English.
fn rule_text(rule: &Rule) -> (String, String) {
    let both = |pt: &str, en: &str| (pt.to_owned(), en.to_owned());
    match rule {
        Rule::Required => both("é obrigatório", "is required"),
        Rule::OneOf(values) => (format!("deve ser um de {values}"), format!("must be one of {values}")),
        Rule::Date => both("deve ser uma data AAAA-MM-DD", "must be a date YYYY-MM-DD"),
        Rule::DateTime => both("deve ser uma data-hora RFC 3339", "must be an RFC 3339 date-time"),
        Rule::UuidV4 => both("deve ser um UUID versão 4", "must be a version 4 UUID"),
        Rule::Range(min, max) => {
            (format!("deve ser um inteiro de {min} a {max}"), format!("must be an integer from {min} to {max}"))
        }
        Rule::Before(other) => (format!("não pode ser anterior a {other}"), format!("must not be before {other}")),
        Rule::AtLeastOneCentavo => {
            both("deve ser um inteiro de pelo menos 1 (centavos)", "must be an integer of at least 1 (centavos)")
        }
        Rule::FixedAndFloor => both(
            "não pode vir com value: ou um valor fixo ou um piso, não ambos",
            "cannot be given with value: a fixed value or a floor, not both",
        ),
        Rule::BelowFloor(floor) => (
            format!("não pode ser menor que o piso do recebedor, {floor}"),
            format!("must not be below the receiver's floor {floor}"),
        ),
        Rule::Ispb => both("deve ser um ISPB de 8 dígitos", "must be an 8-digit ISPB"),
        Rule::Document => both(
            "deve ser um CPF (11 dígitos) ou CNPJ (14) com dígitos verificadores corretos",
            "must be a CPF (11 digits) or CNPJ (14) with correct check digits",
        ),
        Rule::TooLong(max) => {
            (format!("deve ter no máximo {max} caracteres"), format!("must be at most {max} characters"))
        }
        Rule::NotFuture => both("deve estar no futuro", "must be in the future"),
        Rule::UnknownParameter(expected) => (
            format!("não é um parâmetro conhecido; use {expected}"),
            format!("is not a known parameter; expected {expected}"),
        ),
        Rule::Repeated => both("só pode aparecer uma vez", "may appear only once"),
        Rule::Requires(other) => (format!("exige {other}"), format!("requires {other}")),
        Rule::Json(detail) => {
            (format!("não é o JSON esperado: {detail}"), format!("is not the JSON expected: {detail}"))
        }
        Rule::NotApproved(status) => (
            format!("deve ser de uma autorização APPROVED; esta está {status}"),
            format!("must be an APPROVED authorization; this one is {status}"),
        ),
        Rule::OutsideAuthorization { start, end } => {
            let end = end.as_deref().unwrap_or("…");
            (
                format!("deve estar dentro da autorização, de {start} a {end}"),
                format!("must fall within the authorization, from {start} to {end}"),
            )
        }
        Rule::NotOnCycle { frequency, start } => (
            format!("não é um vencimento de uma recorrência {frequency} iniciada em {start}"),
            format!("is not a due date of a {frequency} recurrence starting on {start}"),
        ),
        Rule::OutsideInstructionWindow => both(
            "deve estar de 2 a 10 dias corridos à frente: a instrução é enviada nessa janela antes do vencimento",
            "must be 2 to 10 calendar days ahead: the instruction is sent in that window before the due date",
        ),
        Rule::NotFixedValue(value) => (
            format!("deve ser o valor fixo da autorização, {value}"),
            format!("must be the authorization's fixed value {value}"),
        ),
        Rule::AboveMaximum(max) => (
            format!("não pode passar do máximo do pagador, {max}"),
            format!("must not exceed the payer's maximum {max}"),
        ),
        Rule::CycleTaken(id) => (
            format!("já tem o pagamento deste ciclo ({id}); um SCHEDULING por ciclo"),
            format!("already has this cycle's payment ({id}); one SCHEDULING per cycle"),
        ),
        Rule::NothingToRetry => both(
            "não tem pagamento com falha para tentar de novo nos 7 dias anteriores",
            "has no failed payment to try again in the 7 days before",
        ),
        Rule::AttemptUnderWay => {
            both("tem uma tentativa do ciclo ainda em andamento", "has an attempt of the cycle still under way")
        }
        Rule::Retry(refusal) => retry_text(refusal),
        Rule::NotOperationalFailure => both(
            "só admite RESEND após falha de envio (nenhum pagamento foi feito); após recusa use NEW_ATTEMPT",
            "allows RESEND only after a failure to send (no payment was made); after a refusal use NEW_ATTEMPT",
        ),
        Rule::NotOriginalValue(value) => (
            format!("deve ser o valor do pagamento do ciclo, {value}"),
            format!("must be the cycle's payment value {value}"),
        ),
    }
}

fn retry_text(refusal: &RetryRefusal) -> (String, String) {
    match refusal {
        RetryRefusal::NotAllowed => (
            "não é permitido: a autorização não aceita novas tentativas (NAO_PERMITE)".to_owned(),
            "is not allowed: the authorization does not accept new attempts (NAO_PERMITE)".to_owned(),
        ),
        RetryRefusal::TooMany => (
            "não é permitido: no máximo 3 novas tentativas por ciclo".to_owned(),
            "is not allowed: at most 3 new attempts per cycle".to_owned(),
        ),
        RetryRefusal::OutsideWindow(due) => (
            format!("deve estar nos 7 dias corridos após o vencimento {due}"),
            format!("must fall within the 7 calendar days after the due date {due}"),
        ),
        RetryRefusal::SameDate(date) => (
            format!("já tem uma tentativa em {date}: as tentativas caem em datas distintas"),
            format!("already has an attempt on {date}: attempts fall on distinct dates"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_speaks_both_languages() {
        let rules = [
            Rule::Required,
            Rule::OneOf("A, B"),
            Rule::Date,
            Rule::DateTime,
            Rule::UuidV4,
            Rule::Range(1, 100),
            Rule::Before("start_date"),
            Rule::AtLeastOneCentavo,
            Rule::FixedAndFloor,
            Rule::BelowFloor(5),
            Rule::Ispb,
            Rule::Document,
            Rule::TooLong(35),
            Rule::NotFuture,
            Rule::UnknownParameter("page, size"),
            Rule::Repeated,
            Rule::Requires("x-product-uuid"),
            Rule::Json("expected value at line 1".into()),
            Rule::NotApproved(AuthorizationStatus::Pending),
            Rule::OutsideAuthorization { start: "2026-01-01".into(), end: None },
            Rule::NotOnCycle { frequency: "MONTHLY".into(), start: "2026-01-01".into() },
            Rule::OutsideInstructionWindow,
            Rule::NotFixedValue(5),
            Rule::AboveMaximum(5),
            Rule::CycleTaken("x".into()),
            Rule::NothingToRetry,
            Rule::AttemptUnderWay,
            Rule::Retry(RetryRefusal::NotAllowed),
            Rule::Retry(RetryRefusal::TooMany),
            Rule::Retry(RetryRefusal::OutsideWindow(jiff::civil::date(2026, 1, 1))),
            Rule::Retry(RetryRefusal::SameDate(jiff::civil::date(2026, 1, 2))),
            Rule::NotOperationalFailure,
            Rule::NotOriginalValue(5),
        ];
        let mut errors: Vec<AutomaticError> =
            rules.into_iter().map(|rule| AutomaticError::invalid("field", rule)).collect();
        errors.extend([
            AutomaticError::Unauthorized("expired".into()),
            AutomaticError::MissingScope("automatic.read"),
            AutomaticError::WalletForbidden,
            AutomaticError::ProductForbidden,
            AutomaticError::AuthorizationNotFound,
            AutomaticError::PaymentNotFound,
            AutomaticError::AuthorizationTransition {
                from: AuthorizationStatus::Rejected,
                to: AuthorizationStatus::Approved,
            },
            AutomaticError::PaymentTransition {
                from: AutomaticPaymentStatus::Canceled,
                to: AutomaticPaymentStatus::WaitingCancellation,
            },
            AutomaticError::AlreadySettled,
            AutomaticError::CancellationClosed { deadline: "2026-01-01T01:00:00Z".into() },
            AutomaticError::NonceReused,
            AutomaticError::TooLarge(1024),
            AutomaticError::BodyStalled,
            AutomaticError::Store(StoreError::Unavailable("down".into())),
            AutomaticError::Store(StoreError::Corrupt("x".into())),
        ]);
        for error in &errors {
            let (pt, en) = (error.message(Lang::PtBr), error.message(Lang::EnUs));
            assert!(!pt.is_empty() && !en.is_empty(), "{error:?}");
            assert_ne!(pt, en, "{error:?} has one message for both languages");
        }
    }

    #[test]
    fn languages_from_headers() {
        assert_eq!(Lang::parse("en-us"), Some(Lang::EnUs));
        assert_eq!(Lang::parse("pt-BR"), Some(Lang::PtBr));
        assert_eq!(Lang::parse("fr-FR"), None);
        assert_eq!(Lang::from_accept_language("fr;q=0.9, en-GB;q=0.8"), Some(Lang::EnUs));
        assert_eq!(Lang::from_accept_language("pt"), Some(Lang::PtBr));
        assert_eq!(Lang::from_accept_language("de"), None);
    }
}
