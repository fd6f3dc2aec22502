//! Composing an answer: which quoted terms to show for each program (those the person asked
//! about first, as the understanding stage read them) and the 目安 estimate. Every term shown
//! is a quote.

use crate::corpus::{Date, Kind, Program, Quote, Status, TermLabel, YearUnit};
use crate::understand::amount::{Fraction, first_fraction, yen_amounts};

/// Quotes shown per program in a chat answer (the full record is one request away).
pub const QUOTES_PER_PROGRAM: usize = 6;

/// The usual order of terms for a business owner: how much, for what, who, when, whom to call.
const DEFAULT_ORDER: &[TermLabel] = &[
    TermLabel::Rate,
    TermLabel::Cap,
    TermLabel::LoanLimit,
    TermLabel::Interest,
    TermLabel::Expenses,
    TermLabel::Eligible,
    TermLabel::Recipient,
    TermLabel::Requirement,
    TermLabel::Period,
    TermLabel::Intake,
    TermLabel::Fee,
    TermLabel::Overview,
    TermLabel::Purpose,
    TermLabel::Content,
    TermLabel::Share,
    TermLabel::Operator,
    TermLabel::Cost,
    TermLabel::Budget,
    TermLabel::Other,
    TermLabel::Contact,
];

/// A program's 事業期間 read against today.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodNote {
    /// The 事業期間 quote, when the record has one.
    pub quote: Option<Quote>,
    pub first_year: Option<i32>,
    pub last_year: Option<i32>,
    pub unit: Option<YearUnit>,
    pub status: Status,
}

/// The period note for a program today.
pub fn period_note(p: &Program, today: Date) -> PeriodNote {
    match p.period {
        Some(period) => PeriodNote {
            quote: p.terms.get(period.quote).cloned(),
            first_year: Some(period.first_year),
            last_year: period.last_year,
            unit: Some(period.unit),
            status: period.status(today),
        },
        None => PeriodNote {
            quote: p.terms_labelled(TermLabel::Period).next().cloned(),
            first_year: None,
            last_year: None,
            unit: None,
            status: Status::Unknown,
        },
    }
}

/// The quotes to show for a program: asked-about labels first, then the usual order, at most
/// `limit` (the chat shows [`QUOTES_PER_PROGRAM`]), always including the 事業期間 quote and
/// ending with a 窓口 quote when the record has them: when a program runs and whom to ask are
/// never trimmed away.
pub fn select_quotes<'a>(p: &'a Program, asked: &[TermLabel], limit: usize) -> Vec<&'a Quote> {
    let rank = |l: TermLabel| {
        asked.iter().position(|&a| a == l).unwrap_or_else(|| {
            asked.len()
                + DEFAULT_ORDER
                    .iter()
                    .position(|&d| d == l)
                    .unwrap_or(DEFAULT_ORDER.len())
        })
    };
    let mut all: Vec<&Quote> = p.terms.iter().collect();
    all.sort_by_key(|q| rank(q.label));
    let contact = all
        .iter()
        .position(|q| q.label == TermLabel::Contact)
        .map(|i| all.remove(i));
    let period = all
        .iter()
        .position(|q| q.label == TermLabel::Period)
        .map(|i| all.remove(i));
    let pinned = usize::from(contact.is_some()) + usize::from(period.is_some());
    let room = limit.max(pinned + 1) - pinned;
    let mut out: Vec<&Quote> = all.into_iter().take(room).collect();
    // The period keeps its place in the usual order when it fits there, else it goes last
    // before the 窓口.
    if let Some(q) = period {
        let at = out
            .iter()
            .position(|o| rank(o.label) > rank(q.label))
            .unwrap_or(out.len());
        out.insert(at, q);
    }
    out.extend(contact);
    out
}

/// A 目安: min(expense × rate, cap) for one subsidy, with the quotes it used.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    pub expense: u64,
    pub rate: Fraction,
    pub cap: u64,
    pub amount: u64,
    pub rate_quote: Quote,
    pub cap_quote: Quote,
}

/// The estimate for a program, when it is a subsidy whose record quotes a rate and a cap that
/// can be read. Caps are never added up across programs: each estimate stands alone.
pub fn estimate(p: &Program, expense: u64) -> Option<Estimate> {
    if p.kind != Kind::Subsidy {
        return None;
    }
    let (rate_quote, rate) = p
        .terms_labelled(TermLabel::Rate)
        .find_map(|q| Some((q, first_fraction(&q.text)?)))?;
    let (cap_quote, cap) = p
        .terms_labelled(TermLabel::Cap)
        .find_map(|q| Some((q, yen_amounts(&q.text).into_iter().next()?)))?;
    let by_rate = u128::from(expense) * u128::from(rate.num) / u128::from(rate.den.max(1));
    let amount = by_rate.min(u128::from(cap)) as u64;
    Some(Estimate {
        expense,
        rate,
        cap,
        amount,
        rate_quote: rate_quote.clone(),
        cap_quote: cap_quote.clone(),
    })
}

/// Yen as people read it: 2,000,000 → "200万円", 1,234,567 → "123万4,567円".
pub fn yen(n: u64) -> String {
    let man = n / 10_000;
    let rest = n % 10_000;
    match (man, rest) {
        (0, r) => format!("{}円", group(r)),
        (m, 0) => format!("{}万円", group(m)),
        (m, r) => format!("{}万{}円", group(m), group(r)),
    }
}

/// Digits in groups of three: 1234567 → "1,234,567".
pub(crate) fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yen_reads_like_japanese() {
        assert_eq!(yen(2_000_000), "200万円");
        assert_eq!(yen(1_234_567), "123万4,567円");
        assert_eq!(yen(500), "500円");
        assert_eq!(yen(12_000_000_000), "1,200,000万円");
    }
}
