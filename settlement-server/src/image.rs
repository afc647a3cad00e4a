//! QR code pictures: PNG and SVG, with the four-module quiet zone the standard asks for.

use qrcode::{Color, EcLevel, QrCode};

/// The smallest and largest picture sides accepted, in pixels.
pub const SIZES: std::ops::RangeInclusive<u32> = 64..=2048;

/// Modules of blank border around the symbol.
const QUIET_ZONE: u32 = 4;

fn symbol(payload: &str) -> Result<QrCode, String> {
    // Level M, as banks' apps print Pix codes: room for a 512-byte payload.
    QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M).map_err(|e| format!("cannot encode: {e}"))
}

/// A grayscale PNG about `size` pixels wide (whole pixels per module, so never blurred).
pub fn png(payload: &str, size: u32) -> Result<Vec<u8>, String> {
    let code = symbol(payload)?;
    let modules = code.width() as u32;
    let colors = code.to_colors();
    let side_modules = modules + 2 * QUIET_ZONE;
    let scale = (size / side_modules).max(1);
    let side = side_modules * scale;
    let mut pixels = vec![255u8; (side * side) as usize];
    for (index, color) in colors.iter().enumerate() {
        if *color != Color::Dark {
            continue;
        }
        let (mx, my) = (index as u32 % modules + QUIET_ZONE, index as u32 / modules + QUIET_ZONE);
        for y in my * scale..(my + 1) * scale {
            let row = (y * side) as usize;
            pixels[row + (mx * scale) as usize..row + ((mx + 1) * scale) as usize].fill(0);
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(&pixels).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

/// An SVG about `size` pixels wide.
pub fn svg(payload: &str, size: u32) -> Result<String, String> {
    let code = symbol(payload)?;
    Ok(code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(size, size).quiet_zone(true).build())
}
