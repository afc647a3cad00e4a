//! What the integration tests share.

#[path = "../../../corpus/lookup.rs"]
pub(crate) mod corpus;

/// A CNAB file of the corpus (see `corpus/lookup.rs` for where it is looked for). Outside CI a
/// missing file skips the test that asks for it; in CI it fails, so that no test passes by not
/// running.
pub(crate) fn corpus_file(name: &str) -> Option<Vec<u8>> {
    corpus::cnab(name)
}
