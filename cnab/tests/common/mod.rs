//! What the integration tests share.

use std::path::PathBuf;

/// A file of `../shared/corpus/cnab/` (or of `$PIX_CORPUS_DIR/cnab/`). Outside CI a missing
/// corpus skips the test that asks for it; in CI it fails, so that no test passes by not running.
pub(crate) fn corpus_file(name: &str) -> Option<Vec<u8>> {
    let dir = match std::env::var_os("PIX_CORPUS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"),
    };
    let path = dir.join("cnab").join(name);
    if path.is_file() {
        return Some(std::fs::read(path).unwrap());
    }
    assert!(std::env::var_os("CI").is_none(), "corpus file not found: {}", path.display());
    eprintln!("corpus file not found: {}: skipped (set PIX_CORPUS_DIR)", path.display());
    None
}
