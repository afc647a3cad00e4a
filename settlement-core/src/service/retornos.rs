//! Retornos: applying an import's occurrences to the payments they report on, chunk by chunk,
//! and the reconciliation report.

use std::collections::HashMap;

use super::Settlement;
use super::files::PROCESS_CHUNK;
use crate::error::CoreError;
use crate::files::reconcile::{self, Decision, Found, Reconciliation};
use crate::files::retorno::{Layout, Occurrence};
use crate::files::{ImportKind, RecordFilter, RecordStatus};
use crate::store::{Store, Tally};

/// Times a chunk is decided again when its payments changed while it was applied.
const ATTEMPTS: usize = 5;

impl<S: Store> Settlement<S> {
    /// Applies the next chunk of a retorno import's records: every payment change, its credit
    /// confirmation and the record's outcome commit together, so a crash repeats nothing.
    pub(super) async fn apply_retorno_chunk(&self, import_id: i64) -> Result<usize, CoreError> {
        for _ in 0..ATTEMPTS {
            let pending = self.store.pending_records(import_id, PROCESS_CHUNK).await?;
            if pending.is_empty() {
                return Ok(0);
            }
            let occurrences: Vec<(i64, Result<Occurrence, String>)> = pending
                .iter()
                .map(|(id, fields)| {
                    (*id, serde_json::from_str(fields).map_err(|e| format!("unreadable occurrence: {e}")))
                })
                .collect();
            let readable = || occurrences.iter().filter_map(|(_, o)| o.as_ref().ok());
            let e2e: Vec<String> = readable().filter_map(|o| o.end_to_end_id.clone()).collect();
            let holders = if e2e.is_empty() { HashMap::new() } else { self.store.end_to_end_holders(&e2e).await? };
            // The payments named: by reference, and (a statement's credits) by end-to-end id.
            let mut ids: Vec<i64> = readable()
                .filter_map(|o| match o.layout {
                    Layout::Cnab240Statement => o.end_to_end_id.as_ref().and_then(|id| holders.get(id)).copied(),
                    _ => reconcile::payment_id(o),
                })
                .collect();
            ids.sort_unstable();
            ids.dedup();
            let mut found: HashMap<i64, Found> =
                self.store.payments_found(&ids).await?.into_iter().map(|f| (f.payment.id, f)).collect();
            // The payments a statement's other credits (no end-to-end id, or one that names no
            // payment) may be, by holder and amount.
            let mut expected: HashMap<&str, Vec<i64>> = HashMap::new();
            let named = |o: &Occurrence| o.end_to_end_id.as_ref().is_some_and(|id| holders.contains_key(id));
            for o in readable().filter(|o| o.layout == Layout::Cnab240Statement && !named(o)) {
                if let (Some(holder), Some(amount)) = (o.holder_document.as_deref(), o.amount) {
                    expected.entry(holder).or_default().push(amount);
                }
            }
            for (holder, amounts) in expected {
                for candidate in self.store.credits_expected(holder, &amounts).await? {
                    found.entry(candidate.payment.id).or_insert(candidate);
                }
            }
            let now = self.clock.now();
            let mut credited_here = std::collections::HashSet::new();
            let decisions: Vec<Decision> = occurrences
                .iter()
                .map(|(record_id, occurrence)| match occurrence {
                    Err(why) => Decision {
                        record_id: *record_id,
                        status: RecordStatus::Failed,
                        note: why.clone(),
                        payment_id: None,
                        change: None,
                    },
                    Ok(occurrence) if occurrence.layout == Layout::Cnab240Statement => {
                        let named = occurrence.end_to_end_id.as_ref().and_then(|id| holders.get(id));
                        let decision = {
                            let by_id = named.and_then(|id| found.get(id));
                            // A payment this file credited already is not what a second
                            // credit of its amount is: that is another credit.
                            let candidates: Vec<&Found> = found
                                .values()
                                .filter(|f| !credited_here.contains(&f.payment.id))
                                .filter(|f| reconcile::expects(occurrence, &f.payment))
                                .collect();
                            reconcile::decide_credit(*record_id, occurrence, by_id, &candidates)
                        };
                        if let Some(change) = &decision.change
                            && let Some(payment) = found.get_mut(&change.payment_id)
                        {
                            reconcile::apply(payment, change);
                            credited_here.insert(change.payment_id);
                        }
                        decision
                    }
                    Ok(occurrence) => {
                        let payment = reconcile::payment_id(occurrence).and_then(|id| found.get_mut(&id));
                        let holder = occurrence.end_to_end_id.as_ref().and_then(|id| holders.get(id)).copied();
                        let decision = reconcile::decide(*record_id, occurrence, payment.as_deref(), holder, now);
                        // A later record of the same payment sees what this one did.
                        if let (Some(payment), Some(change)) = (payment, &decision.change) {
                            reconcile::apply(payment, change);
                        }
                        decision
                    }
                })
                .collect();
            if self.store.apply_decisions(import_id, &decisions, now).await? {
                return Ok(decisions.len());
            }
        }
        Err(CoreError::Store(crate::store::StoreError::Database(format!(
            "retorno import {import_id}: its payments kept changing while a chunk was applied ({ATTEMPTS} attempts)"
        ))))
    }

    /// The reconciliation report of a retorno import, with at most `limit` unmatched and
    /// mismatched records each.
    pub async fn reconciliation(&self, import_id: i64, limit: u32) -> Result<Reconciliation, CoreError> {
        let import = self.file_import(import_id).await?;
        if import.kind != ImportKind::Retorno {
            return Err(CoreError::NotARetorno(import_id));
        }
        let tallies: HashMap<RecordStatus, Tally> = self.store.record_tallies(import_id).await?.into_iter().collect();
        let tally = |status| tallies.get(&status).copied().unwrap_or_default();
        let records = |status| RecordFilter { status: Some(status), limit, offset: 0 };
        let (unmatched_records, _) = self.store.import_records(import_id, &records(RecordStatus::Unmatched)).await?;
        let (mismatched_records, _) = self.store.import_records(import_id, &records(RecordStatus::Mismatched)).await?;
        Ok(Reconciliation {
            import_id,
            status: import.status,
            matched: tally(RecordStatus::Matched),
            unmatched: tally(RecordStatus::Unmatched),
            mismatched: tally(RecordStatus::Mismatched),
            failed: tally(RecordStatus::Failed),
            pending: tally(RecordStatus::Pending),
            unmatched_records,
            mismatched_records,
        })
    }
}
