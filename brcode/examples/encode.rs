//! Builds a BR Code from flags and prints the payload, or the error and exit status 1.
//!
//! ```sh
//! cargo run -p brcode-pix --example encode -- --key fulano@example.com --name "Fulano de Tal" \
//!     --city "São Paulo" --transliterate --amount 150.00 --txid PEDIDO42
//! cargo run -p brcode-pix --example encode -- --url pix.example.com/qr/v2/9d36b84f --name "Fulano de Tal" --city BRASILIA
//! ```

use std::process::exit;

use brcode_pix::BrCode;
use rust_decimal::Decimal;

const USAGE: &str = "usage: encode (--key KEY | --url URL | --recurrence-url URL) --name NAME --city CITY
              [--amount 150.00] [--txid TXID] [--info TEXT] [--mcc 0000] [--postal-code CEP]
              [--recurrence-url URL] [--transliterate] [--truncate] [--allow-utf8]";

fn main() {
    let mut builder = BrCode::builder();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || {
            args.next().unwrap_or_else(|| {
                eprintln!("{flag} needs a value\n{USAGE}");
                exit(2)
            })
        };
        builder = match flag.as_str() {
            "--key" => builder.key(value()),
            "--url" => builder.location(value()),
            "--recurrence-url" => builder.recurrence_location(value()),
            "--name" => builder.merchant_name(value()),
            "--city" => builder.merchant_city(value()),
            "--txid" => builder.txid(value()),
            "--info" => builder.info(value()),
            "--mcc" => builder.merchant_category_code(value()),
            "--postal-code" => builder.postal_code(value()),
            "--amount" => {
                let text = value();
                match text.parse::<Decimal>() {
                    Ok(amount) => builder.amount(amount),
                    Err(e) => {
                        eprintln!("--amount {text}: {e}");
                        exit(2)
                    }
                }
            }
            "--transliterate" => builder.transliterate(true),
            "--truncate" => builder.truncate(true),
            "--allow-utf8" => builder.allow_utf8(true),
            _ => {
                eprintln!("unknown flag {flag}\n{USAGE}");
                exit(2)
            }
        };
    }
    match builder.build() {
        Ok(code) => println!("{code}"),
        Err(error) => {
            eprintln!("error: {error}");
            exit(1)
        }
    }
}
