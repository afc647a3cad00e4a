//! The BR Code checksum: CRC-16/CCITT-FALSE (polynomial 0x1021, initial value 0xFFFF, no
//! reflection, no final XOR), computed over the UTF-8 bytes of everything before the CRC's value,
//! `6304` included, and written as four upper-case hexadecimal digits.

/// Slice-by-16 tables: the checksum is the largest single cost of a decode.
const CRC16: crc::Crc<u16, crc::Table<16>> = crc::Crc::<u16, crc::Table<16>>::new(&crc::CRC_16_IBM_3740);

/// The CRC of `bytes`.
///
/// ```
/// // The Manual de Padrões para Iniciação do Pix example ends in 63041D3D.
/// let body = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***6304";
/// assert_eq!(brcode_pix::crc16(body.as_bytes()), 0x1D3D);
/// ```
pub fn crc16(bytes: &[u8]) -> u16 {
    CRC16.checksum(bytes)
}

/// The CRC as written in a payload: four upper-case hexadecimal digits, zero-padded.
pub(crate) fn to_hex(crc: u16) -> [u8; 4] {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let nibble = |shift: u16| HEX[usize::from((crc >> shift) & 0xF)];
    [nibble(12), nibble(8), nibble(4), nibble(0)]
}

/// Reads four hexadecimal digits, either case.
pub(crate) fn from_hex(text: &str) -> Option<u16> {
    if text.len() != 4 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u16::from_str_radix(text, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_value_of_the_catalogue() {
        assert_eq!(crc16(b"123456789"), 0x29B1);
    }

    #[test]
    fn hex_is_padded_upper_case_and_reads_both_cases() {
        assert_eq!(&to_hex(0x0EA9), b"0EA9");
        assert_eq!(from_hex("0ea9"), Some(0x0EA9));
        assert_eq!(from_hex("EA9"), None);
        assert_eq!(from_hex("+EA9"), None);
        assert_eq!(from_hex("WXYZ"), None);
    }
}
