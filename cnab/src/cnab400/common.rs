//! Records every CNAB400 bank writes the same way.

use crate::layout::{Alpha, Fixed, Num};

crate::record! {
    /// Trailer of a remessa: the record type, blanks and the sequence number (Bradesco, Itaú).
    pub struct RemessaTrailer(400) {
        /// Identificação do registro: `9`.
        1-1 record_type: Fixed<9>,
        /// Brancos.
        2-394 reserved_2_394: Alpha,
        /// Nº sequencial do registro.
        395-400 sequence: Num,
    }
}
