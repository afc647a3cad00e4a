//! What a retorno's occurrence does to its payment: found by the reference the remessa wrote,
//! checked against it (amount, parties), and applied by the payment's transition table, the
//! same table as `PUT /payments/{id}/status`.
//!
//! | meaning | the payment | when it cannot |
//! |---|---|---|
//! | settled | `COMPLETED`: `processed_at` the bank's payment day, the end-to-end id when given, the credit confirmed with the amount paid | `FAILED` record |
//! | rejected | `FAILED`, `failure_reason` the bank's codes and texts | `FAILED` record |
//! | written off | `CANCELLED` | `FAILED` record |
//! | entered | stays `PROCESSING` (a `PENDING` one becomes `PROCESSING`) | noted |
//! | reversed | nothing: the table has no way back from `COMPLETED` | `FAILED` record, for an operator |
//! | tariff, other, unknown | nothing | noted |
//!
//! An occurrence that asks for the status the payment already has repeats one applied before:
//! nothing changes, and the record says so. Decisions are pure: the store applies them, each
//! payment change guarded by the status it was decided from.

use time::OffsetDateTime;

use super::RecordStatus;
use super::reference;
use super::retorno::{Layout, Meaning, Occurrence};
use crate::payment::{Payment, PaymentStatus};
use crate::service::format_brl as brl;

/// A credit confirmation a retorno records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credit {
    /// The amount paid, centavos.
    pub amount: i64,
    /// Interest paid.
    pub interest: Option<i64>,
    /// A fine paid.
    pub fine: Option<i64>,
    /// Discounts granted.
    pub discount: Option<i64>,
    /// The bank's occurrence text.
    pub notes: String,
}

/// A payment change a retorno makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The payment.
    pub payment_id: i64,
    /// The status it was decided from (the store's guard).
    pub from: PaymentStatus,
    /// The new status.
    pub to: PaymentStatus,
    /// Set on `COMPLETED` and `FAILED`.
    pub processed_at: Option<OffsetDateTime>,
    /// The Pix end-to-end id, when the bank gives one and the payment has none.
    pub end_to_end_id: Option<String>,
    /// Set on `FAILED`.
    pub failure_reason: Option<String>,
    /// Set on `COMPLETED`.
    pub credit: Option<Credit>,
}

/// What becomes of one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The record.
    pub record_id: i64,
    /// `MATCHED`, `UNMATCHED`, `MISMATCHED` or `FAILED`.
    pub status: RecordStatus,
    /// What happened, or why not.
    pub note: String,
    /// The payment found.
    pub payment_id: Option<i64>,
    /// The change to apply.
    pub change: Option<Change>,
}

/// A payment as a retorno finds it (and as the retorno's earlier records left it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The payment.
    pub payment: Payment,
    /// Whether its credit is confirmed.
    pub credited: bool,
}

/// The payment id the occurrence's echoed fields name, by the first that holds a reference.
pub fn payment_id(occurrence: &Occurrence) -> Option<i64> {
    occurrence.references.iter().find_map(|field| reference::split(field)).map(|(id, _)| id)
}

fn same_document(a: &str, b: &str) -> bool {
    match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Why the occurrence and the payment disagree, if they do.
fn mismatch(occurrence: &Occurrence, payment: &Payment) -> Option<String> {
    if let Some(amount) = occurrence.amount
        && amount != payment.amount
    {
        return Some(format!("amount: the bank says {}, the payment is {}", brl(amount), brl(payment.amount)));
    }
    // A transfer's counterparty is its payee; a boleto's, its payer; a statement's credit, its
    // holder, the payment's creditor.
    let (side, document) = match occurrence.layout {
        Layout::Cnab240Payments => ("creditor_document", payment.creditor_document.as_deref()),
        Layout::Cnab240Cobranca | Layout::Cnab400Cobranca => ("debtor_document", payment.debtor_document.as_deref()),
        Layout::Cnab240Statement => return None,
    };
    if let (Some(theirs), Some(ours)) = (occurrence.counterparty_document.as_deref(), document)
        && !same_document(theirs, ours)
    {
        return Some(format!("{side}: the bank says {theirs}, the payment has {ours}"));
    }
    None
}

/// The day the bank paid, at midnight UTC; `now` when it does not say.
fn paid_at(occurrence: &Occurrence, now: OffsetDateTime) -> OffsetDateTime {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    occurrence
        .paid_on
        .as_deref()
        .and_then(|day| time::Date::parse(day, format).ok())
        .map_or(now, |day| day.midnight().assume_utc())
}

/// Decides what `occurrence` (record `record_id`) does to `found`, its payment as the
/// retorno's earlier records left it; `e2e_holder` is the payment that already has the
/// occurrence's end-to-end id, if any.
pub fn decide(
    record_id: i64,
    occurrence: &Occurrence,
    found: Option<&Found>,
    e2e_holder: Option<i64>,
    now: OffsetDateTime,
) -> Decision {
    let decision = |status, note: String, payment_id, change| Decision { record_id, status, note, payment_id, change };
    let Some(Found { payment, credited }) = found else {
        let note = match payment_id(occurrence) {
            Some(id) => format!("no payment {id}: the reference {} names none", reference::of(id)),
            None if occurrence.references.is_empty() => "the detail echoes no reference".to_owned(),
            None => format!("no payment has the reference {}", occurrence.references.join(" / ")),
        };
        return decision(RecordStatus::Unmatched, note, None, None);
    };
    let id = Some(payment.id);
    if let Some(why) = mismatch(occurrence, payment) {
        return decision(RecordStatus::Mismatched, why, id, None);
    }
    let said = occurrence.describe();
    let Some(meaning) = occurrence.meaning() else {
        return decision(RecordStatus::Matched, format!("{said}: not in the bank's list; nothing changed"), id, None);
    };
    let target = match meaning {
        Meaning::Settled => PaymentStatus::Completed,
        Meaning::Rejected => PaymentStatus::Failed,
        Meaning::WrittenOff => PaymentStatus::Cancelled,
        Meaning::Entered if payment.status == PaymentStatus::Pending => PaymentStatus::Processing,
        Meaning::Entered => {
            let note = format!("{said}: entered; the payment stays {}", payment.status);
            return decision(RecordStatus::Matched, note, id, None);
        }
        Meaning::Reversed => {
            let note = format!("{said}: a reversal, which no transition of a {} payment records", payment.status);
            return decision(RecordStatus::Failed, note, id, None);
        }
        Meaning::Tariff | Meaning::Other => {
            return decision(RecordStatus::Matched, format!("{said}: nothing changed"), id, None);
        }
    };
    if payment.status == target {
        let note = format!("{said}: the payment is {target} already; nothing changed");
        return decision(RecordStatus::Matched, note, id, None);
    }
    if !payment.status.can_become(target) {
        let note =
            format!("{said}: asks for {} -> {target}, which the transition table does not allow", payment.status);
        return decision(RecordStatus::Failed, note, id, None);
    }
    let mut change = Change {
        payment_id: payment.id,
        from: payment.status,
        to: target,
        processed_at: None,
        end_to_end_id: None,
        failure_reason: None,
        credit: None,
    };
    match target {
        PaymentStatus::Completed => {
            let interest = occurrence.interest.unwrap_or(0);
            let fine = occurrence.fine.unwrap_or(0);
            let discount = occurrence.discount.unwrap_or(0);
            let expected = payment.amount + interest + fine - discount;
            let paid = occurrence.paid_amount.unwrap_or(payment.amount);
            if paid != expected {
                let why = format!(
                    "paid {}, where the payment's {} with interest {}, fine {} and discount {} is {}",
                    brl(paid),
                    brl(payment.amount),
                    brl(interest),
                    brl(fine),
                    brl(discount),
                    brl(expected)
                );
                return decision(RecordStatus::Mismatched, why, id, None);
            }
            if let Some(e2e) = &occurrence.end_to_end_id {
                match e2e_holder {
                    Some(holder) if holder != payment.id => {
                        let why = format!("end_to_end_id {e2e} belongs to payment {holder}");
                        return decision(RecordStatus::Mismatched, why, id, None);
                    }
                    _ if payment.end_to_end_id.is_none() => change.end_to_end_id = Some(e2e.clone()),
                    _ => {}
                }
            }
            change.processed_at = Some(paid_at(occurrence, now));
            if !credited {
                change.credit = Some(Credit {
                    amount: paid,
                    interest: occurrence.interest,
                    fine: occurrence.fine,
                    discount: occurrence.discount,
                    notes: said.clone(),
                });
            }
        }
        PaymentStatus::Failed => {
            change.processed_at = Some(now);
            change.failure_reason = Some(said.clone());
        }
        _ => {}
    }
    let note = format!("{said}: {} -> {target}", payment.status);
    decision(RecordStatus::Matched, note, id, Some(change))
}

/// Whether `payment` is one a statement's credit may confirm: completed, to the statement's
/// holder, for the credit's amount, on the credit's day, and with no other end-to-end id than
/// the credit's.
pub fn expects(occurrence: &Occurrence, payment: &Payment) -> bool {
    let day = |at: Option<OffsetDateTime>| at.map(|at| at.date().to_string());
    let same_pix = match (&payment.end_to_end_id, &occurrence.end_to_end_id) {
        (Some(ours), Some(theirs)) => ours == theirs,
        _ => true,
    };
    same_pix
        && payment.status == PaymentStatus::Completed
        && occurrence.amount == Some(payment.amount)
        && occurrence
            .holder_document
            .as_deref()
            .zip(payment.creditor_document.as_deref())
            .is_some_and(|(a, b)| same_document(a, b))
        && [occurrence.paid_on.clone(), occurrence.credited_on.clone()].contains(&day(payment.processed_at))
}

/// Decides what a statement's credit (record `record_id`) confirms. `by_id` is the payment its
/// end-to-end id names, if any; else `candidates` are the payments it may be (by
/// [`expects`]): exactly one not yet confirmed is confirmed; none but one confirmed already
/// is a repeat; several, or none, confirm nothing (a credit is never guessed).
pub fn decide_credit(
    record_id: i64,
    occurrence: &Occurrence,
    by_id: Option<&Found>,
    candidates: &[&Found],
) -> Decision {
    let decision = |status, note: String, payment_id, change| Decision { record_id, status, note, payment_id, change };
    let amount = brl(occurrence.amount.unwrap_or(0));
    let day = occurrence.paid_on.as_deref().unwrap_or("its day");
    let found = match by_id {
        Some(found) => found,
        None => {
            let open: Vec<&&Found> = candidates.iter().filter(|found| !found.credited).collect();
            match (open.as_slice(), candidates) {
                ([one], _) => **one,
                ([], [one]) => *one,
                ([], _) => {
                    let note = format!("a credit of {amount} on {day}: no COMPLETED payment to the holder awaits it");
                    return decision(RecordStatus::Unmatched, note, None, None);
                }
                (several, _) => {
                    let ids: Vec<String> = several.iter().map(|f| f.payment.id.to_string()).collect();
                    let note =
                        format!("a credit of {amount} on {day} fits payments {}: none confirmed", ids.join(", "));
                    return decision(RecordStatus::Unmatched, note, None, None);
                }
            }
        }
    };
    let payment = &found.payment;
    let id = Some(payment.id);
    if occurrence.amount != Some(payment.amount) {
        let note = format!("a credit of {amount} for payment {} of {}", payment.id, brl(payment.amount));
        return decision(RecordStatus::Mismatched, note, id, None);
    }
    if found.credited {
        return decision(
            RecordStatus::Matched,
            "its credit is confirmed already; nothing changed".to_owned(),
            id,
            None,
        );
    }
    if payment.status != PaymentStatus::Completed {
        let note = format!("the payment is {}: a credit is confirmed once it is COMPLETED", payment.status);
        return decision(RecordStatus::Failed, note, id, None);
    }
    let said = occurrence.describe();
    let change = Change {
        payment_id: payment.id,
        from: PaymentStatus::Completed,
        to: PaymentStatus::Completed,
        processed_at: None,
        end_to_end_id: None,
        failure_reason: None,
        credit: Some(Credit {
            amount: payment.amount,
            interest: None,
            fine: None,
            discount: None,
            notes: said.clone(),
        }),
    };
    decision(RecordStatus::Matched, format!("{said}: credit confirmed"), id, Some(change))
}

/// The payment as `change` leaves it, for the retorno's later records.
pub fn apply(found: &mut Found, change: &Change) {
    found.payment.status = change.to;
    if change.end_to_end_id.is_some() {
        found.payment.end_to_end_id.clone_from(&change.end_to_end_id);
    }
    if change.processed_at.is_some() {
        found.payment.processed_at = change.processed_at;
    }
    if change.failure_reason.is_some() {
        found.payment.failure_reason.clone_from(&change.failure_reason);
    }
    found.credited |= change.credit.is_some();
}

/// `GET /files/imports/{id}/reconciliation`: what a retorno import found, counted and summed
/// by outcome, with the records an operator must look at.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Reconciliation {
    /// The import.
    pub import_id: i64,
    /// Where it is.
    pub status: super::ImportStatus,
    /// Details applied to their payments (or found applied already).
    pub matched: crate::store::Tally,
    /// Details whose reference no payment has.
    pub unmatched: crate::store::Tally,
    /// Details whose payment differs from them (amount, parties).
    pub mismatched: crate::store::Tally,
    /// Details asking for a transition the payment cannot make.
    pub failed: crate::store::Tally,
    /// Details not processed yet.
    pub pending: crate::store::Tally,
    /// The first unmatched records, in file order (at most `limit`).
    pub unmatched_records: Vec<super::ImportRecord>,
    /// The first mismatched records, in file order (at most `limit`).
    pub mismatched_records: Vec<super::ImportRecord>,
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::files::retorno::Code;

    const NOW: OffsetDateTime = datetime!(2026-12-01 12:00 UTC);

    fn payment(status: PaymentStatus) -> Found {
        let at = datetime!(2026-11-30 10:00 UTC);
        let payment = Payment {
            id: 7,
            unique_id: uuid::Uuid::nil(),
            external_id: None,
            status,
            amount: 10_000,
            currency: "BRL".to_owned(),
            debtor_ispb: "60746948".to_owned(),
            debtor_document: Some("11222333000181".to_owned()),
            debtor_name: None,
            debtor_account_no: None,
            debtor_account_type: None,
            debtor_branch: None,
            creditor_ispb: "60701190".to_owned(),
            creditor_document: Some("12345678909".to_owned()),
            creditor_name: None,
            creditor_account_no: None,
            creditor_account_type: None,
            creditor_branch: None,
            description: None,
            qr_code_data: None,
            tx_id: None,
            scheduled_date: None,
            discounts: Vec::new(),
            additional_info: Vec::new(),
            end_to_end_id: None,
            processed_at: None,
            failure_reason: None,
            refunded_amount: 0,
            refunds: None,
            created_by: "op".to_owned(),
            created_at: at,
            updated_at: at,
        };
        Found { payment, credited: false }
    }

    fn occurrence(codes: &[(&str, Option<Meaning>)]) -> Occurrence {
        let mut occurrence: Occurrence = serde_json::from_value(serde_json::json!({
            "layout": "CNAB240_PAYMENTS", "bank": 237, "references": [reference::of(7)], "codes": [],
            "amount": 10_000, "paid_on": "2026-11-30"
        }))
        .unwrap();
        occurrence.codes = codes
            .iter()
            .map(|(code, meaning)| Code { code: (*code).to_owned(), text: format!("text {code}"), meaning: *meaning })
            .collect();
        occurrence
    }

    #[test]
    fn the_deciding_code_is_paid_over_cancelled_over_rejected_over_entered() {
        let both = occurrence(&[("BD", Some(Meaning::Entered)), ("00", Some(Meaning::Settled))]);
        assert_eq!(both.meaning(), Some(Meaning::Settled));
        let decision = decide(1, &both, Some(&payment(PaymentStatus::Processing)), None, NOW);
        let change = decision.change.unwrap();
        assert_eq!((change.from, change.to), (PaymentStatus::Processing, PaymentStatus::Completed));
        assert_eq!(change.processed_at, Some(datetime!(2026-11-30 0:00 UTC)), "the bank's day");
        assert_eq!(change.credit.unwrap().notes, "BD text BD; 00 text 00");
        let rejected = occurrence(&[("ZA", Some(Meaning::Other)), ("AR", Some(Meaning::Rejected))]);
        assert_eq!(rejected.meaning(), Some(Meaning::Rejected));
    }

    #[test]
    fn an_unknown_code_is_never_taken_for_paid() {
        let unknown = occurrence(&[("X9", None)]);
        let decision = decide(1, &unknown, Some(&payment(PaymentStatus::Processing)), None, NOW);
        assert_eq!((decision.status, decision.change), (RecordStatus::Matched, None));
        assert!(decision.note.contains("not in the bank's list"), "{}", decision.note);
    }

    #[test]
    fn what_the_table_refuses_is_a_failed_record_naming_the_transition() {
        let paid = occurrence(&[("00", Some(Meaning::Settled))]);
        let decision = decide(1, &paid, Some(&payment(PaymentStatus::Pending)), None, NOW);
        assert_eq!((decision.status, decision.change), (RecordStatus::Failed, None));
        assert!(decision.note.contains("PENDING -> COMPLETED"), "{}", decision.note);
        let again = decide(1, &paid, Some(&payment(PaymentStatus::Completed)), None, NOW);
        assert_eq!((again.status, again.change), (RecordStatus::Matched, None), "a repeat");
        // An entry only moves a payment that was not sent yet.
        let entered = occurrence(&[("BD", Some(Meaning::Entered))]);
        let decision = decide(1, &entered, Some(&payment(PaymentStatus::Pending)), None, NOW);
        assert_eq!(decision.change.map(|c| c.to), Some(PaymentStatus::Processing));
    }

    #[test]
    fn amounts_parties_and_end_to_end_ids_that_differ_change_nothing() {
        let found = payment(PaymentStatus::Processing);
        let mut paid = occurrence(&[("00", Some(Meaning::Settled))]);
        paid.paid_amount = Some(10_150);
        paid.interest = Some(100);
        let short = decide(1, &paid, Some(&found), None, NOW);
        assert_eq!((short.status, short.change), (RecordStatus::Mismatched, None));
        assert!(short.note.starts_with("paid R$ 101,50"), "{}", short.note);
        paid.interest = Some(150);
        let credit = decide(1, &paid, Some(&found), None, NOW).change.unwrap().credit.unwrap();
        assert_eq!((credit.amount, credit.interest), (10_150, Some(150)));

        let mut other = occurrence(&[("00", Some(Meaning::Settled))]);
        other.counterparty_document = Some("98765432100".to_owned());
        let decision = decide(1, &other, Some(&found), None, NOW);
        assert!(decision.note.starts_with("creditor_document"), "{}", decision.note);
        // The same document with CNAB's zero padding is the same party.
        other.counterparty_document = Some("00012345678909".to_owned());
        assert_eq!(decide(1, &other, Some(&found), None, NOW).status, RecordStatus::Matched);

        let mut pix = occurrence(&[("00", Some(Meaning::Settled))]);
        pix.end_to_end_id = Some("E6074694820261130100000000000001".to_owned());
        assert_eq!(decide(1, &pix, Some(&found), Some(8), NOW).status, RecordStatus::Mismatched);
        let change = decide(1, &pix, Some(&found), None, NOW).change.unwrap();
        assert_eq!(change.end_to_end_id, pix.end_to_end_id);
    }

    #[test]
    fn a_reference_that_names_no_payment_is_unmatched() {
        let stranger = occurrence(&[("00", Some(Meaning::Settled))]);
        let decision = decide(1, &stranger, None, None, NOW);
        assert_eq!((decision.status, decision.payment_id), (RecordStatus::Unmatched, None));
        assert_eq!(decision.note, "no payment 7: the reference PX7E names none");
    }
}
