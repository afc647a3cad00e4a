//! The key that signs the charges served at dynamic codes' locations (JWS: ES256 with the
//! generated P-256 key, or RS256 with a configured RSA key), and its public JWKS, as payers'
//! PSPs fetch them to check a payload.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use p256::SecretKey;
use p256::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use rand::RngCore;
use rsa::RsaPrivateKey;
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::config::Settings;

/// The generated key's file in the data directory.
pub const KEY_FILE: &str = "jws-es256.pem";

/// Signs served charges.
pub struct Signer {
    algorithm: Algorithm,
    key: EncodingKey,
    kid: String,
    jwk: Value,
    jku: String,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer").field("kid", &self.kid).field("jku", &self.jku).finish_non_exhaustive()
    }
}

/// Where the public keys are served, under the public base URL.
pub const JWKS_PATH: &str = "/.well-known/jwks.json";

impl Signer {
    /// The configured key (`SETTLEMENT_JWS_KEY`: a PKCS#8 P-256 or RSA private key, PEM text or file),
    /// else the one in the data directory, generated there on first start.
    pub fn load(settings: &Settings, public_url: &str) -> Result<Signer, String> {
        let pem = match &settings.jws_key {
            Some(text) if text.trim_start().starts_with("-----BEGIN") => text.clone(),
            Some(path) => std::fs::read_to_string(path).map_err(|e| format!("SETTLEMENT_JWS_KEY {path}: {e}"))?,
            None => {
                let path = settings.data_dir.join(KEY_FILE);
                match std::fs::read_to_string(&path) {
                    Ok(pem) => pem,
                    Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                        settings.prepare_data_dir().map_err(|e| format!("data directory: {e}"))?;
                        let pem = generate_pem()?;
                        crate::config::write_private_file(&path, &pem)
                            .or_else(|error| match error.kind() {
                                // Another process wrote it first: theirs is read below.
                                std::io::ErrorKind::AlreadyExists => Ok(()),
                                _ => Err(error),
                            })
                            .map_err(|e| format!("{}: {e}", path.display()))?;
                        tracing::info!(path = %path.display(), "generated the ES256 key that signs served QR code charges");
                        std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?
                    }
                    Err(error) => return Err(format!("{}: {error}", path.display())),
                }
            }
        };
        Signer::from_pem(&pem, public_url)
    }

    /// A signer for a PKCS#8 private key: P-256 signs ES256, RSA signs RS256.
    pub fn from_pem(pem: &str, public_url: &str) -> Result<Signer, String> {
        let cannot_sign = |e: jsonwebtoken::errors::Error| format!("the JWS key cannot sign: {e}");
        // The public JWK, and its RFC 7638 thumbprint input: the required members in
        // lexicographic order, no white space.
        let (algorithm, key, mut jwk, canonical) = if let Ok(secret) = SecretKey::from_pkcs8_pem(pem) {
            let jwk: Value = serde_json::from_str(&secret.public_key().to_jwk_string()).map_err(|e| e.to_string())?;
            let member = |name: &str| jwk[name].as_str().unwrap_or_default().to_owned();
            let canonical =
                format!(r#"{{"crv":"{}","kty":"EC","x":"{}","y":"{}"}}"#, member("crv"), member("x"), member("y"));
            (Algorithm::ES256, EncodingKey::from_ec_pem(pem.as_bytes()).map_err(cannot_sign)?, jwk, canonical)
        } else if let Ok(secret) = RsaPrivateKey::from_pkcs8_pem(pem) {
            let n = URL_SAFE_NO_PAD.encode(secret.n().to_bytes_be());
            let e = URL_SAFE_NO_PAD.encode(secret.e().to_bytes_be());
            let canonical = format!(r#"{{"e":"{e}","kty":"RSA","n":"{n}"}}"#);
            let jwk = json!({ "kty": "RSA", "n": n, "e": e });
            (Algorithm::RS256, EncodingKey::from_rsa_pem(pem.as_bytes()).map_err(cannot_sign)?, jwk, canonical)
        } else {
            return Err(
                "the JWS key is neither a P-256 (ES256) nor an RSA (RS256) private key in PKCS#8 PEM".to_owned()
            );
        };
        let kid = URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()));
        jwk["kid"] = json!(kid);
        jwk["use"] = json!("sig");
        jwk["alg"] = json!(format!("{algorithm:?}"));
        let jku = format!("{}{JWKS_PATH}", public_url.trim_end_matches('/'));
        Ok(Signer { algorithm, key, kid, jwk, jku })
    }

    /// `payload` as JWS compact serialization, its header naming the key (`kid`, `jku`).
    pub fn sign(&self, payload: &Value) -> Result<String, String> {
        let mut header = Header::new(self.algorithm);
        header.kid = Some(self.kid.clone());
        header.jku = Some(self.jku.clone());
        jsonwebtoken::encode(&header, payload, &self.key).map_err(|e| e.to_string())
    }

    /// The public key set.
    pub fn jwks(&self) -> Value {
        json!({ "keys": [self.jwk] })
    }

    /// The key's id.
    pub fn kid(&self) -> &str {
        &self.kid
    }
}

/// A new P-256 private key, PKCS#8 PEM.
fn generate_pem() -> Result<String, String> {
    // A uniformly random 32-byte string is a valid scalar except with negligible probability;
    // the rare one that is not is drawn again.
    for _ in 0..16 {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        if let Ok(secret) = SecretKey::from_slice(&bytes) {
            return secret.to_pkcs8_pem(LineEnding::LF).map(|pem| pem.to_string()).map_err(|e| e.to_string());
        }
    }
    Err("could not generate a P-256 key".to_owned())
}
