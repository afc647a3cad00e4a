//! The event types, the scope that reads each, and how an endpoint's selectors choose them.

/// One event type: its name, the read scope a subject needs to receive it, and what it says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventType {
    /// `resource.what_happened`.
    pub name: &'static str,
    /// The scope that reads its object: an endpoint or a feed gets the type only with it.
    pub scope: &'static str,
    /// What happened.
    pub description: &'static str,
}

const fn kind(name: &'static str, scope: &'static str, description: &'static str) -> EventType {
    EventType { name, scope, description }
}

/// Every event the service emits.
pub const EVENT_TYPES: &[EventType] = &[
    kind("payment.created", "payments.read", "A payment request was stored (by the API, an import or a schedule)."),
    kind("payment.status_changed", "payments.read", "A payment changed status; `change` says from which to which."),
    kind("payment.credit_confirmed", "credit.read", "The creditor's institution confirmed the credit of a payment."),
    kind("payment.refund.created", "refunds.read", "A refund of a payment was asked for (IN_PROCESS)."),
    kind(
        "payment.refund.status_changed",
        "refunds.read",
        "A refund ended: RETURNED (the money went back) or NOT_DONE (with its reason).",
    ),
    kind("qr_code.created", "qrcodes.read", "A QR code was issued."),
    kind("qr_code.used", "qrcodes.read", "A payment used a QR code (a single-use code is used up)."),
    kind("qr_code.deactivated", "qrcodes.read", "A dynamic QR code was deactivated."),
    kind("file_import.uploaded", "files.read", "A file was uploaded and parsed."),
    kind("file_import.status_changed", "files.read", "An import started processing."),
    kind("file_import.completed", "files.read", "An import's records were all processed."),
    kind("file_import.failed", "files.read", "An import failed."),
    kind("file_export.created", "files.read", "A remessa was sent (an export marked sent)."),
    kind("schedule.created", "schedules.read", "A schedule was created."),
    kind("schedule.status_changed", "schedules.read", "A schedule was resumed or cancelled."),
    kind("schedule.run_succeeded", "schedules.read", "A schedule's occurrence made its payment."),
    kind("schedule.run_failed", "schedules.read", "A schedule's occurrence could not make its payment."),
    kind("schedule.paused", "schedules.read", "A schedule paused (by its owner, or after failed runs)."),
    kind("schedule.completed", "schedules.read", "A schedule ran its last occurrence, which made its payment."),
    kind("schedule.failed", "schedules.read", "A schedule ran its last occurrence, which could not make its payment."),
    kind("automatic.authorization.created", "automatic.read", "A Pix Automático authorization was asked for."),
    kind("automatic.authorization.status_changed", "automatic.read", "An authorization changed status."),
    kind("automatic.payment.created", "automatic.read", "A Pix Automático payment was scheduled."),
    kind("automatic.payment.status_changed", "automatic.read", "An automatic payment changed status."),
    kind(
        "automatic.payment.settled",
        "automatic.read",
        "An automatic payment fell due and its payment request was made.",
    ),
    kind(
        "automatic.payment.settlement_failed",
        "automatic.read",
        "An automatic payment fell due and its payment request could not be made.",
    ),
];

/// The event type named `name`.
///
/// ```
/// use settlement_core::webhooks::catalogue::event_type;
/// assert_eq!(event_type("payment.created").map(|t| t.scope), Some("payments.read"));
/// assert!(event_type("payment.eaten").is_none());
/// ```
pub fn event_type(name: &str) -> Option<&'static EventType> {
    EVENT_TYPES.iter().find(|kind| kind.name == name)
}

/// Whether `selector` (an exact type, `prefix.*`, or `*`) chooses `name`.
///
/// ```
/// use settlement_core::webhooks::catalogue::selects;
/// assert!(selects("payment.*", "payment.status_changed"));
/// assert!(selects("automatic.*", "automatic.payment.settled"));
/// assert!(!selects("payment.*", "payments.created"));
/// assert!(selects("*", "qr_code.used"));
/// ```
pub fn selects(selector: &str, name: &str) -> bool {
    match selector.strip_suffix('*') {
        Some(prefix) => prefix.is_empty() || (prefix.ends_with('.') && name.starts_with(prefix)),
        None => selector == name,
    }
}

/// Whether any of `selectors` chooses `name`, and `scopes` read it.
pub fn wanted(selectors: &[String], scopes: &[String], name: &str) -> bool {
    let readable = event_type(name).is_some_and(|kind| scopes.iter().any(|scope| scope == kind.scope));
    readable && selectors.iter().any(|selector| selects(selector, name))
}

/// The types `selector` chooses.
pub fn selected(selector: &str) -> impl Iterator<Item = &'static EventType> + '_ {
    EVENT_TYPES.iter().filter(move |kind| selects(selector, kind.name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_has_a_known_read_scope_and_a_dotted_name() {
        let scopes = [
            "payments.read",
            "credit.read",
            "refunds.read",
            "qrcodes.read",
            "files.read",
            "schedules.read",
            "automatic.read",
        ];
        for kind in EVENT_TYPES {
            assert!(scopes.contains(&kind.scope), "{}", kind.name);
            assert!(
                kind.name.contains('.') && kind.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
            );
        }
    }

    #[test]
    fn a_type_is_wanted_only_with_its_scope() {
        let selectors = vec!["payment.*".to_owned()];
        let scopes = vec!["payments.read".to_owned()];
        assert!(wanted(&selectors, &scopes, "payment.created"));
        assert!(!wanted(&selectors, &scopes, "payment.credit_confirmed"));
        assert!(!wanted(&selectors, &scopes, "qr_code.created"));
    }
}
