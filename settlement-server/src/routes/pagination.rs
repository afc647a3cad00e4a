//! What every list shares: `limit` and `offset`, unknown parameters refused, and the
//! `pagination` object.

use std::collections::HashMap;

use serde::Serialize;

use crate::error::ApiError;

/// The largest `offset` (and event id `after`): 2^53 - 1, the largest integer every JSON client
/// holds exactly, and the document's `maximum`.
pub const MAX_OFFSET: i64 = 9_007_199_254_740_991;

/// Pagination of a list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Pagination {
    /// Items matching the filters.
    total: u64,
    /// This page's number, from 0 (`offset / limit`).
    page: u64,
    /// The limit.
    page_size: u32,
    /// Pages in all.
    total_pages: u64,
}

impl Pagination {
    /// The page at `offset` of `limit` items, of `total`.
    pub fn new(total: u64, limit: u32, offset: u64) -> Self {
        let size = u64::from(limit.max(1));
        Pagination { total, page: offset / size, page_size: limit, total_pages: total.div_ceil(size) }
    }
}

/// An integer query parameter from `min` to `max`.
pub fn integer(query: &HashMap<String, String>, name: &str, min: i64, max: i64) -> Result<Option<i64>, ApiError> {
    match query.get(name) {
        None => Ok(None),
        Some(text) => match text.parse::<i64>() {
            Ok(value) if (min..=max).contains(&value) => Ok(Some(value)),
            _ => Err(ApiError::validation(format!("{name} must be an integer from {min} to {max}, not {text:?}"))),
        },
    }
}

/// `limit` (1 to 100, default 20) and `offset` (default 0), after refusing any parameter that
/// is neither those nor one of `filters`: a misspelt filter must not silently list everything.
pub fn page_parameters(query: &HashMap<String, String>, filters: &[&str]) -> Result<(u32, u64), ApiError> {
    let known = |key: &str| key == "limit" || key == "offset" || filters.contains(&key);
    if let Some(unknown) = query.keys().find(|key| !known(key)) {
        return Err(ApiError::validation(format!(
            "unknown query parameter {unknown}; expected one of {}, limit, offset",
            filters.join(", ")
        )));
    }
    let limit = integer(query, "limit", 1, 100)?.unwrap_or(20) as u32;
    let offset = integer(query, "offset", 0, MAX_OFFSET)?.unwrap_or(0) as u64;
    Ok((limit, offset))
}
