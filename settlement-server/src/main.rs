//! `settlement`: the Pix settlement service and its operator tools.
//!
//! ```sh
//! settlement serve                      # 127.0.0.1:8080, SQLite in ./data, generated secret
//! settlement migrate                    # apply database migrations and exit
//! settlement token --sub ops@bank --scope "payments.read payments.write" [--ttl 1h]
//! settlement brcode decode PAYLOAD      # a BR Code's fields, or where it is wrong
//! settlement cnab validate FILE         # a CNAB file's summary and every problem
//!
//! # against a running server (--url, --token or SETTLEMENT_URL, SETTLEMENT_TOKEN):
//! settlement files import FILE --type CSV --wait   # upload, process, follow, summarise
//! settlement files export --format csv -o out.csv  # stream an export to disk
//! settlement payments list|get ID
//! settlement qr decode PAYLOAD | qr image ID -o code.png
//! ```

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use settlement_server::operator::{self, Connection, FilesCommand, PaymentsCommand, QrCommand};
use settlement_server::{App, Settings, auth, diagnostics};

#[derive(Debug, Parser)]
#[command(name = "settlement", version, about = "Pix settlement service")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the HTTP service.
    Serve {
        #[command(flatten)]
        settings: Settings,
        /// Address to listen on.
        #[arg(long, env = "SETTLEMENT_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Log format: `text` or `json`.
        #[arg(long, env = "SETTLEMENT_LOG_FORMAT", default_value = "text")]
        log_format: String,
    },
    /// Apply the database migrations and exit.
    Migrate {
        #[command(flatten)]
        settings: Settings,
    },
    /// Print a signed HS256 token for the configured secret.
    Token {
        #[command(flatten)]
        settings: Settings,
        /// The caller (`sub`).
        #[arg(long)]
        sub: String,
        /// Space-separated scopes, such as "payments.read payments.write".
        #[arg(long)]
        scope: String,
        /// How long the token is valid (`30m`, `1h`, `7d`).
        #[arg(long, default_value = "1h", value_parser = humantime::parse_duration)]
        ttl: Duration,
    },
    /// BR Code tools.
    Brcode {
        #[command(subcommand)]
        command: BrcodeCommand,
    },
    /// CNAB file tools.
    Cnab {
        #[command(subcommand)]
        command: CnabCommand,
    },
    /// Import and export files on a running server.
    Files {
        #[command(flatten)]
        connection: Connection,
        #[command(subcommand)]
        command: FilesCommand,
    },
    /// Read payments on a running server.
    Payments {
        #[command(flatten)]
        connection: Connection,
        #[command(subcommand)]
        command: PaymentsCommand,
    },
    /// Read QR codes with a running server.
    Qr {
        #[command(flatten)]
        connection: Connection,
        #[command(subcommand)]
        command: QrCommand,
    },
}

#[derive(Debug, Subcommand)]
enum BrcodeCommand {
    /// Decode a payload: its fields as JSON, or the error under the offending characters.
    Decode {
        /// The BR Code ("copia e cola") text.
        payload: String,
    },
}

#[derive(Debug, Subcommand)]
enum CnabCommand {
    /// Validate a CNAB240 or CNAB400 file.
    Validate {
        /// The file.
        file: std::path::PathBuf,
        /// Accept what real files do (right-trimmed lines, a BOM...), as warnings.
        #[arg(long)]
        lenient: bool,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

fn init_logs(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("SETTLEMENT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
    tracing::info!("shutting down: finishing in-flight requests");
}

async fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Serve { mut settings, listen, log_format } => {
            init_logs(&log_format);
            // Bound first, so that the default public URL is the address listened on (the port
            // the system chose, for port 0), as `--public-url` promises; not a fixed one.
            let listener =
                settlement_server::app::bind(listen).await.map_err(|e| format!("cannot listen on {listen}: {e}"))?;
            let address = listener.local_addr().map_err(|e| e.to_string())?;
            if settings.public_url.is_none() {
                settings.public_url = Some(format!("http://{address}"));
            }
            let app = App::build(&settings).await.map_err(|e| e.to_string())?;
            tracing::info!(%address, database = %redact(&settings.database_url()), "serving /api/v1");
            app.serve(listener, shutdown_signal()).await.map_err(|e| e.to_string())?;
            tracing::info!("stopped");
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate { settings } => {
            init_logs("text");
            App::build(&settings).await.map_err(|e| e.to_string())?;
            println!("migrations applied to {}", redact(&settings.database_url()));
            Ok(ExitCode::SUCCESS)
        }
        Command::Token { settings, sub, scope, ttl } => {
            if settings.jwt_public_key.is_some() {
                return Err(
                    "tokens for a public key are signed by its issuer; `settlement token` signs HS256 only".to_owned()
                );
            }
            let (secret, _) = settings.hs256_secret().map_err(|e| format!("JWT secret: {e}"))?;
            let token = auth::mint(
                &secret,
                &sub,
                &scope,
                ttl,
                settings.jwt_issuer.as_deref(),
                settings.jwt_audience.as_deref(),
            )?;
            println!("{token}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Brcode { command: BrcodeCommand::Decode { payload } } => {
            let (text, valid) = diagnostics::brcode(&payload, std::io::stdout().is_terminal());
            print!("{text}");
            Ok(if valid { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        Command::Cnab { command: CnabCommand::Validate { file, lenient, json } } => {
            let bytes = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let path = file.display().to_string();
            let (text, valid) = match json {
                true => diagnostics::cnab_json(&path, &bytes, lenient),
                false => diagnostics::cnab(&path, &bytes, lenient, std::io::stdout().is_terminal()),
            };
            print!("{text}");
            Ok(if valid { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        Command::Files { connection, command } => {
            let (text, clean) = match command {
                FilesCommand::Import(args) => operator::files::import(&connection, args).await,
                FilesCommand::Export(args) => operator::files::export(&connection, args).await.map(|text| (text, true)),
            }
            .map_err(|failure| failure.0)?;
            print!("{text}");
            Ok(if clean { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        Command::Payments { connection, command } => {
            print!("{}", operator::payments(&connection, command).await.map_err(|failure| failure.0)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Qr { connection, command } => {
            let (text, valid) = operator::qr(&connection, command).await.map_err(|failure| failure.0)?;
            print!("{text}");
            Ok(if valid { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
    }
}

/// The URL without its password, for logs.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.find(':') {
                Some(colon) => format!("{}{}:***{}", &url[..scheme + 3], &credentials[..colon], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("settlement: cannot start the runtime: {error}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("settlement: {message}");
            ExitCode::from(2)
        }
    }
}
