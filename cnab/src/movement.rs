//! What a bank says became of a boleto: an occurrence (movimento) code, the bank's text, and a
//! normalized meaning, so that a caller can act on any bank's retorno without a table of its own.
//! CNAB400 banks list theirs in their profiles; CNAB240 cobrança shares FEBRABAN's C044.

/// What an occurrence code means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Meaning {
    /// The boleto was registered (entrada confirmada).
    Entered,
    /// Paid (liquidação).
    Settled,
    /// Refused (entrada rejeitada, instrução rejeitada).
    Rejected,
    /// Closed without payment (baixa).
    WrittenOff,
    /// A payment undone (estorno, cheque devolvido).
    Reversed,
    /// A tariff charged.
    Tariff,
    /// Anything else (changes confirmed, protest, a cheque still clearing, information).
    Other,
}

/// An occurrence code of a code list: the code, the bank's text, what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Movement {
    /// The code.
    pub code: u8,
    /// The text, as the manual prints it.
    pub text: &'static str,
    /// What it means.
    pub meaning: Meaning,
}

/// A movement of a code list (a `const fn`, for the tables).
pub const fn movement(code: u8, text: &'static str, meaning: Meaning) -> Movement {
    Movement { code, text, meaning }
}

use Meaning::{Entered, Other, Rejected, Reversed, Settled, Tariff, WrittenOff};

/// FEBRABAN's código de movimento of a cobrança retorno (C044, FEBRABAN 240 v10.6 p.152-153),
/// at T/U 16-17.
pub const FEBRABAN_COBRANCA: &[Movement] = &[
    movement(2, "Entrada confirmada", Entered),
    movement(3, "Entrada rejeitada", Rejected),
    movement(4, "Transferência de carteira/entrada", Other),
    movement(5, "Transferência de carteira/baixa", Other),
    movement(6, "Liquidação", Settled),
    movement(7, "Confirmação do recebimento da instrução de desconto", Other),
    movement(8, "Confirmação do recebimento do cancelamento do desconto", Other),
    movement(9, "Baixa", WrittenOff),
    movement(11, "Títulos em carteira (em ser)", Other),
    movement(12, "Confirmação recebimento instrução de abatimento", Other),
    movement(13, "Confirmação recebimento instrução de cancelamento abatimento", Other),
    movement(14, "Confirmação recebimento instrução alteração de vencimento", Other),
    movement(15, "Franco de pagamento", Other),
    movement(17, "Liquidação após baixa ou liquidação título não registrado", Settled),
    movement(19, "Confirmação recebimento instrução de protesto", Other),
    movement(20, "Confirmação recebimento instrução de sustação/cancelamento de protesto", Other),
    movement(23, "Remessa a cartório (aponte em cartório)", Other),
    movement(24, "Retirada de cartório e manutenção em carteira", Other),
    movement(25, "Protestado e baixado (baixa por ter sido protestado)", WrittenOff),
    movement(26, "Instrução rejeitada", Rejected),
    movement(27, "Confirmação do pedido de alteração de outros dados", Other),
    movement(28, "Débito de tarifas/custas", Tariff),
    movement(29, "Ocorrências do pagador", Other),
    movement(30, "Alteração de dados rejeitada", Rejected),
    movement(33, "Confirmação da alteração dos dados do rateio de crédito", Other),
    movement(34, "Confirmação do cancelamento dos dados do rateio de crédito", Other),
    movement(35, "Confirmação do desagendamento do débito automático", Other),
    movement(36, "Confirmação de envio de e-mail/SMS", Other),
    movement(37, "Envio de e-mail/SMS rejeitado", Other),
    movement(44, "Título pago com cheque devolvido", Reversed),
    movement(45, "Título pago com cheque compensado", Settled),
    movement(46, "Instrução para cancelar protesto confirmada", Other),
    movement(47, "Instrução para protesto para fins falimentares confirmada", Other),
    movement(50, "Título pago com cheque pendente de compensação", Other),
    movement(63, "Título sustado judicialmente", Other),
];

/// The meaning of a C044 code of a CNAB240 cobrança retorno (segments T and U, 16-17); `None`
/// for a code FEBRABAN does not list (an unknown code is never taken as paid).
///
/// ```
/// use febraban_cnab::{Meaning, cobranca_movement};
/// assert_eq!(cobranca_movement(6).unwrap().meaning, Meaning::Settled);
/// assert_eq!(cobranca_movement(44).unwrap().meaning, Meaning::Reversed);
/// assert!(cobranca_movement(99).is_none());
/// ```
pub fn cobranca_movement(code: u64) -> Option<Movement> {
    FEBRABAN_COBRANCA.iter().find(|m| u64::from(m.code) == code).copied()
}
