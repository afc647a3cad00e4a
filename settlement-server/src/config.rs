//! Configuration: command-line flags with environment fallbacks, and defaults that run with
//! nothing set (an SQLite file and a generated signing secret in `./data`).

use std::io::Write;
use std::path::{Path, PathBuf};

use rand::RngCore;

/// What every subcommand that touches the database or tokens needs.
#[derive(Debug, Clone, clap::Args)]
pub struct Settings {
    /// Directory for the SQLite database and the generated signing secret.
    #[arg(long, env = "SETTLEMENT_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// `sqlite://PATH` or `postgres://USER@HOST/DB`; default: an SQLite file in the data directory.
    #[arg(long, env = "SETTLEMENT_DATABASE_URL")]
    pub database_url: Option<String>,
    /// HS256 signing secret; default: generated once into DATA_DIR/jwt-secret.
    #[arg(long, env = "SETTLEMENT_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// Verify RS256 or ES256 tokens with this public key (PEM text, or a path to a PEM file)
    /// instead of the HS256 secret.
    #[arg(long, env = "SETTLEMENT_JWT_PUBLIC_KEY")]
    pub jwt_public_key: Option<String>,
    /// Required `iss` claim, when set.
    #[arg(long, env = "SETTLEMENT_JWT_ISSUER")]
    pub jwt_issuer: Option<String>,
    /// Required `aud` claim, when set.
    #[arg(long, env = "SETTLEMENT_JWT_AUDIENCE")]
    pub jwt_audience: Option<String>,
    /// The base URL payers reach this service at (dynamic QR codes' locations and the JWKS are
    /// under it); default: http:// and the listening address.
    #[arg(long, env = "SETTLEMENT_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// The key that signs served QR code charges: PKCS#8 P-256 (ES256) or RSA (RS256), PEM text
    /// or a path; default: generated once into DATA_DIR/jws-es256.pem.
    #[arg(long, env = "SETTLEMENT_JWS_KEY", hide_env_values = true)]
    pub jws_key: Option<String>,
    /// The time zone (IANA) of schedules that name none.
    #[arg(long, env = "SETTLEMENT_TIME_ZONE", default_value = "UTC")]
    pub time_zone: String,
    /// Failed runs in a row after which a schedule pauses.
    #[arg(long, env = "SETTLEMENT_SCHEDULE_FAILURE_LIMIT", default_value_t = 3)]
    pub schedule_failure_limit: u32,
    /// Let webhooks use plain http and reach loopback, private and link-local addresses: for
    /// development and tests only (a receiver there could be this host's own services).
    #[arg(long, env = "SETTLEMENT_WEBHOOKS_ALLOW_PRIVATE")]
    pub webhooks_allow_private: bool,
    /// Days after a payment's settlement (`processed_at`) during which it can be refunded: the
    /// Central Bank's rule is 90.
    #[arg(long, env = "SETTLEMENT_REFUND_WINDOW_DAYS", default_value_t = 90)]
    pub refund_window_days: u32,
}

/// The signing secret's file in the data directory.
pub const SECRET_FILE: &str = "jwt-secret";

/// Where the secret came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretSource {
    /// `SETTLEMENT_JWT_SECRET` or `--jwt-secret`.
    Configured,
    /// Read from the data directory.
    File,
    /// Generated now, into the data directory.
    Generated,
}

impl Settings {
    /// The database URL: the configured one, else `sqlite://DATA_DIR/settlement.db`.
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("settlement.db").display()))
    }

    /// Creates the data directory when the database is an SQLite file in it.
    pub fn prepare_data_dir(&self) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.data_dir)
    }

    /// The HS256 secret: configured, else read from (or generated once into) the data directory.
    pub fn hs256_secret(&self) -> std::io::Result<(Vec<u8>, SecretSource)> {
        if let Some(secret) = &self.jwt_secret {
            return Ok((secret.as_bytes().to_vec(), SecretSource::Configured));
        }
        let path = self.data_dir.join(SECRET_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok((text.trim().as_bytes().to_vec(), SecretSource::File)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                self.prepare_data_dir()?;
                let secret = generate_secret();
                match write_private_file(&path, &secret) {
                    Ok(()) => Ok((secret.into_bytes(), SecretSource::Generated)),
                    // Another process wrote it first: use theirs.
                    Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                        Ok((std::fs::read_to_string(&path)?.trim().as_bytes().to_vec(), SecretSource::File))
                    }
                    Err(error) => Err(error),
                }
            }
            Err(error) => Err(error),
        }
    }

    /// The public key's PEM: the text itself, or the file it names.
    pub fn public_key_pem(&self) -> std::io::Result<Option<Vec<u8>>> {
        match &self.jwt_public_key {
            None => Ok(None),
            Some(text) if text.trim_start().starts_with("-----BEGIN") => Ok(Some(text.as_bytes().to_vec())),
            Some(path) => std::fs::read(path).map(Some),
        }
    }
}

/// 32 random bytes, hexadecimal.
fn generate_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes a new file readable by its owner only; fails if it exists.
pub(crate) fn write_private_file(path: &Path, secret: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(secret.as_bytes())?;
    file.sync_all()
}
