//! Pix Automático (issue 8, first part): the payer's authorization of a recurrence and the
//! automatic payments under it, as pure rules: their state machines, the cycles of a
//! frequency, the instruction window, the retry policy and the cancellation cut-off. The
//! Central Bank's names are in parentheses (API Pix `rec`/`cobr`, domain/pix-api.md §10).

pub mod model;
pub mod refusal;

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// Declares a closed set of states with their API names.
macro_rules! states {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $text:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
        }

        impl $name {
            /// Every state.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The API's name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            /// Reads the API's name.
            pub fn parse(value: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|state| state.as_str() == value)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use states;

states! {
    /// Where a payer's authorization is (`rec`).
    AuthorizationStatus {
        /// Requested, not answered (`CRIADA`).
        Pending => "PENDING",
        /// The payer accepted; its institution's confirmation is awaited.
        WaitingApproval => "WAITING_APPROVAL",
        /// The payer refused; its institution's confirmation is awaited.
        WaitingRejection => "WAITING_REJECTION",
        /// In force (`APROVADA`).
        Approved => "APPROVED",
        /// Refused (`REJEITADA`).
        Rejected => "REJECTED",
        /// A cancellation is on its way.
        WaitingCancellation => "WAITING_CANCELLATION",
        /// Cancelled (`CANCELADA`).
        Canceled => "CANCELED",
        /// Not answered in time (`EXPIRADA`).
        Expired => "EXPIRED",
    }
}

impl AuthorizationStatus {
    /// The transitions: a request is answered (through a WAITING_* round trip to the payer's
    /// institution, which returns it to PENDING when it fails), cancelled, or expires; an
    /// approved authorization can only be cancelled (back to APPROVED when that fails).
    /// REJECTED, CANCELED and EXPIRED are final.
    pub fn can_become(self, to: AuthorizationStatus) -> bool {
        use AuthorizationStatus::*;
        matches!(
            (self, to),
            (Pending, WaitingApproval | WaitingRejection | WaitingCancellation | Expired)
                | (WaitingApproval, Approved | Pending)
                | (WaitingRejection, Rejected | Pending)
                | (Approved, WaitingCancellation)
                | (WaitingCancellation, Canceled | Approved | Pending)
        )
    }
}

states! {
    /// Where an automatic payment instruction is (`cobr`), as the list endpoint filters it.
    AutomaticPaymentStatus {
        /// Sent to be scheduled (`CRIADA`).
        Created => "CREATED",
        /// A cancellation is on its way.
        WaitingCancellation => "WAITING_CANCELLATION",
        /// The cancellation was refused; the instruction stands.
        CancellationFailed => "CANCELLATION_FAILED",
        /// Cancelled (`CANCELADA`).
        Canceled => "CANCELED",
    }
}

impl AutomaticPaymentStatus {
    /// CREATED -> WAITING_CANCELLATION -> CANCELED or CANCELLATION_FAILED, which may be
    /// cancelled again. CANCELED is final.
    pub fn can_become(self, to: AutomaticPaymentStatus) -> bool {
        use AutomaticPaymentStatus::*;
        matches!(
            (self, to),
            (Created | CancellationFailed, WaitingCancellation) | (WaitingCancellation, Canceled | CancellationFailed)
        )
    }
}

states! {
    /// How often an authorization's payments fall due (`periodicidade`).
    AutomaticFrequency {
        /// `SEMANAL`.
        Weekly => "WEEKLY",
        /// `MENSAL`.
        Monthly => "MONTHLY",
        /// `TRIMESTRAL`.
        Quarterly => "QUARTERLY",
        /// `SEMESTRAL`.
        SemiAnnually => "SEMI_ANNUALLY",
        /// `ANUAL`.
        Annually => "ANNUALLY",
    }
}

impl AutomaticFrequency {
    /// The due date of cycle `n` (from 0) of a recurrence starting on `start`. A day the month
    /// lacks (the 31st, 29 February) falls on the month's last day.
    pub fn cycle(self, start: Date, n: u32) -> Option<Date> {
        let n = i64::from(n);
        match self {
            AutomaticFrequency::Weekly => start.checked_add((7 * n).days()).ok(),
            // Counted from the start each time, so that a short month does not shorten the
            // following ones (31 Jan, 28 Feb, 31 Mar).
            AutomaticFrequency::Monthly => start.checked_add(n.months()).ok(),
            AutomaticFrequency::Quarterly => start.checked_add((3 * n).months()).ok(),
            AutomaticFrequency::SemiAnnually => start.checked_add((6 * n).months()).ok(),
            AutomaticFrequency::Annually => start.checked_add(n.years()).ok(),
        }
    }

    /// The cycle whose due date is `date`, if `date` is one.
    pub fn cycle_of(self, start: Date, date: Date) -> Option<u32> {
        if date < start {
            return None;
        }
        // The cycle is at most the number of days since the start; search from an estimate.
        let days = (date - start).get_days();
        let estimate = match self {
            AutomaticFrequency::Weekly => days / 7,
            AutomaticFrequency::Monthly => days / 31,
            AutomaticFrequency::Quarterly => days / 92,
            AutomaticFrequency::SemiAnnually => days / 184,
            AutomaticFrequency::Annually => days / 366,
        };
        let estimate = u32::try_from(estimate).ok()?;
        (estimate..estimate.saturating_add(3)).find(|n| self.cycle(start, *n) == Some(date))
    }
}

/// Whether the payer allows new attempts after a failed due date (`politicaRetentativa`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryPolicy {
    /// `NAO_PERMITE`.
    NotAllowed,
    /// `PERMITE_3R_7D`: up to 3 new attempts, on distinct dates, within 7 days after the due date.
    ThreeInSevenDays,
}

/// Why a new attempt is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RetryRefusal {
    /// The authorization does not allow retries.
    #[error("the authorization does not allow new attempts (NAO_PERMITE)")]
    NotAllowed,
    /// Three attempts were made already.
    #[error("at most 3 new attempts are allowed for a cycle")]
    TooMany,
    /// Not within D+1..D+7.
    #[error("a new attempt must fall within the 7 calendar days after the due date {0}")]
    OutsideWindow(Date),
    /// Another attempt has that date.
    #[error("a new attempt is already set for {0}: attempts fall on distinct dates")]
    SameDate(Date),
}

/// Checks a new attempt for `date` of a cycle due on `due`, given the dates already tried.
pub fn check_new_attempt(policy: RetryPolicy, due: Date, tried: &[Date], date: Date) -> Result<(), RetryRefusal> {
    if policy == RetryPolicy::NotAllowed {
        return Err(RetryRefusal::NotAllowed);
    }
    if tried.len() >= 3 {
        return Err(RetryRefusal::TooMany);
    }
    let window = due.checked_add(1.day()).ok()..=due.checked_add(7.days()).ok();
    let inside = matches!((window.start(), window.end()), (Some(first), Some(last)) if date >= *first && date <= *last);
    if !inside {
        return Err(RetryRefusal::OutsideWindow(due));
    }
    if tried.contains(&date) {
        return Err(RetryRefusal::SameDate(date));
    }
    Ok(())
}

/// Whether an instruction sent on `today` for `due` is inside the window: 2 to 10 calendar
/// days before the due date.
pub fn in_instruction_window(today: Date, due: Date) -> bool {
    (2..=10).contains(&(due - today).get_days())
}

/// Brasília's zone, where the cut-offs and due dates are read.
pub fn sao_paulo() -> TimeZone {
    TimeZone::get("America/Sao_Paulo").unwrap_or(TimeZone::UTC)
}

/// The last instant a scheduled automatic payment due on `due` can be cancelled: 22:00 in São
/// Paulo on the day before.
pub fn cancellation_deadline(due: Date) -> Option<Timestamp> {
    let day_before = due.checked_sub(1.day()).ok()?;
    sao_paulo()
        .to_ambiguous_zoned(day_before.to_datetime(Time::constant(22, 0, 0, 0)))
        .compatible()
        .ok()
        .map(|z| z.timestamp())
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn the_authorization_table() {
        use AuthorizationStatus::*;
        let allowed = [
            (Pending, WaitingApproval),
            (Pending, WaitingRejection),
            (Pending, WaitingCancellation),
            (Pending, Expired),
            (WaitingApproval, Approved),
            (WaitingApproval, Pending),
            (WaitingRejection, Rejected),
            (WaitingRejection, Pending),
            (Approved, WaitingCancellation),
            (WaitingCancellation, Canceled),
            (WaitingCancellation, Approved),
            (WaitingCancellation, Pending),
        ];
        for &from in AuthorizationStatus::ALL {
            for &to in AuthorizationStatus::ALL {
                assert_eq!(from.can_become(to), allowed.contains(&(from, to)), "{from} -> {to}");
            }
            assert_eq!(AuthorizationStatus::parse(from.as_str()), Some(from));
        }
        for final_state in [Rejected, Canceled, Expired] {
            assert!(AuthorizationStatus::ALL.iter().all(|to| !final_state.can_become(*to)));
        }
    }

    #[test]
    fn the_automatic_payment_table() {
        use AutomaticPaymentStatus::*;
        let allowed = [
            (Created, WaitingCancellation),
            (CancellationFailed, WaitingCancellation),
            (WaitingCancellation, Canceled),
            (WaitingCancellation, CancellationFailed),
        ];
        for &from in AutomaticPaymentStatus::ALL {
            for &to in AutomaticPaymentStatus::ALL {
                assert_eq!(from.can_become(to), allowed.contains(&(from, to)), "{from} -> {to}");
            }
        }
    }

    #[test]
    fn cycles_fall_on_the_last_day_when_the_month_is_short() {
        let monthly = AutomaticFrequency::Monthly;
        let start = date(2026, 1, 31);
        let dues: Vec<Date> = (0..4).map(|n| monthly.cycle(start, n).unwrap()).collect();
        assert_eq!(dues, [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]);
        assert_eq!(monthly.cycle_of(start, date(2026, 3, 31)), Some(2));
        assert_eq!(monthly.cycle_of(start, date(2026, 3, 30)), None);
        assert_eq!(AutomaticFrequency::Annually.cycle(date(2028, 2, 29), 1), Some(date(2029, 2, 28)));
        assert_eq!(AutomaticFrequency::Weekly.cycle_of(date(2026, 1, 1), date(2026, 1, 15)), Some(2));
        assert_eq!(AutomaticFrequency::Quarterly.cycle_of(date(2026, 1, 15), date(2026, 7, 15)), Some(2));
    }

    #[test]
    fn retries_obey_every_limit() {
        let due = date(2026, 3, 10);
        let policy = RetryPolicy::ThreeInSevenDays;
        assert_eq!(check_new_attempt(policy, due, &[], date(2026, 3, 11)), Ok(()));
        assert_eq!(check_new_attempt(policy, due, &[], date(2026, 3, 17)), Ok(()));
        assert_eq!(check_new_attempt(policy, due, &[], date(2026, 3, 18)), Err(RetryRefusal::OutsideWindow(due)));
        assert_eq!(check_new_attempt(policy, due, &[], due), Err(RetryRefusal::OutsideWindow(due)));
        let tried = [date(2026, 3, 11)];
        assert_eq!(
            check_new_attempt(policy, due, &tried, date(2026, 3, 11)),
            Err(RetryRefusal::SameDate(date(2026, 3, 11)))
        );
        let three = [date(2026, 3, 11), date(2026, 3, 12), date(2026, 3, 13)];
        assert_eq!(check_new_attempt(policy, due, &three, date(2026, 3, 14)), Err(RetryRefusal::TooMany));
        assert_eq!(
            check_new_attempt(RetryPolicy::NotAllowed, due, &[], date(2026, 3, 11)),
            Err(RetryRefusal::NotAllowed)
        );
    }

    #[test]
    fn the_instruction_window_and_the_cut_off() {
        let due = date(2026, 3, 10);
        assert!(!in_instruction_window(date(2026, 3, 9), due));
        assert!(in_instruction_window(date(2026, 3, 8), due));
        assert!(in_instruction_window(date(2026, 2, 28), due));
        assert!(!in_instruction_window(date(2026, 2, 27), due));
        // 22:00 on 9 March in São Paulo (UTC-3) is 01:00 UTC on the 10th.
        assert_eq!(cancellation_deadline(due).unwrap().to_string(), "2026-03-10T01:00:00Z");
    }
}
