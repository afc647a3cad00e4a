//! Where the tests find a corpus file: the copy in the repository (`corpus/`), else the shared
//! corpus (`$PIX_CORPUS_DIR`, else `../shared/corpus` beside the checkout), which also holds
//! the files whose licence kept them out of the copy. Every crate's tests include this one file
//! (`#[path]`), so the rule lives in one place.
//!
//! Outside CI a file found in neither is reported and its test skips; in CI (where `CI` is set
//! and the shared corpus is beside the checkout) it fails, so no test passes by not running.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The repository's copy.
pub(crate) fn in_repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus")
}

/// The shared corpus, when it is there.
pub(crate) fn shared() -> Option<PathBuf> {
    let dir = match std::env::var_os("PIX_CORPUS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"),
    };
    dir.is_dir().then_some(dir)
}

/// The bytes of `relative` (`cnab/bradesco.ret`, `brcode/vectors.json`), from the copy or the
/// shared corpus; `None`, reported, when neither has it (a panic in CI).
pub(crate) fn read(relative: &str) -> Option<Vec<u8>> {
    let places = std::iter::once(in_repo()).chain(shared());
    if let Some(path) = places.map(|dir| dir.join(relative)).find(|path| path.is_file()) {
        return Some(std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())));
    }
    assert!(std::env::var_os("CI").is_none(), "corpus file {relative} is neither in corpus/ nor in the shared corpus");
    eprintln!("corpus file {relative} is neither in corpus/ nor in the shared corpus (set PIX_CORPUS_DIR): skipped");
    None
}

/// A CNAB file of the corpus.
pub(crate) fn cnab(name: &str) -> Option<Vec<u8>> {
    read(&format!("cnab/{name}"))
}

/// The BR Code vectors: the copy's, and the shared corpus's that the copy leaves out, by id.
pub(crate) fn vectors() -> Vec<serde_json::Value> {
    let parse = |bytes: Vec<u8>| serde_json::from_slice::<Vec<serde_json::Value>>(&bytes).expect("vectors.json");
    let mut vectors = parse(std::fs::read(in_repo().join("brcode/vectors.json")).expect("corpus/brcode/vectors.json"));
    if let Some(bytes) = shared().and_then(|dir| std::fs::read(dir.join("brcode/vectors.json")).ok()) {
        for vector in parse(bytes) {
            if !vectors.iter().any(|kept| kept["id"] == vector["id"]) {
                vectors.push(vector);
            }
        }
    }
    vectors
}

/// Whether the shared corpus is there: the whole corpus, not only the copy.
pub(crate) fn whole() -> bool {
    shared().is_some_and(|dir| dir.join("cnab/expected.json").is_file())
}
