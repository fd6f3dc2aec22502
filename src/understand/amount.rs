//! Reading figures out of text: yen amounts a person states (300万円, ３００万, 三百万円,
//! 1,500千円, 1.5億円) and the fractions and caps printed in quoted terms (２/３, 3/4補助,
//! ２０万円, 500千円, ５百万円). Used only for the 目安 estimate; never to state a term.

/// Folds full-width ASCII (０-９, ／, ，, ．) to ASCII and leaves everything else alone. Full
/// NFKC would turn a circled ④ in front of "2/3" into "42/3".
fn fold(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

fn kanji_digit(c: char) -> Option<u64> {
    "〇一二三四五六七八九"
        .chars()
        .position(|k| k == c)
        .map(|p| p as u64)
        .or(match c {
            '零' => Some(0),
            '壱' => Some(1),
            '弐' => Some(2),
            _ => None,
        })
}

fn small_unit(c: char) -> Option<f64> {
    match c {
        '十' => Some(10.0),
        '百' => Some(100.0),
        '千' => Some(1_000.0),
        _ => None,
    }
}

fn big_unit(c: char) -> Option<f64> {
    match c {
        '万' => Some(1e4),
        '億' => Some(1e8),
        '兆' => Some(1e12),
        _ => None,
    }
}

/// Amounts above this are not read as something a small business spends (and keep the
/// arithmetic far from overflow).
const MAX_YEN: f64 = 1e13;

/// Every yen amount in `text`, in order. An amount is a number (Arabic or kanji, with commas
/// and a decimal point) with a unit: it must end in 円, or contain 万/億/兆 (people write
/// "300万の設備"). Years, fractions and bare numbers are not amounts.
pub fn yen_amounts(text: &str) -> Vec<u64> {
    let chars: Vec<char> = text.chars().map(fold).collect();
    yen_spans(&chars).into_iter().map(|(_, v)| v).collect()
}

/// Every yen amount with the index of the character it starts at.
fn yen_spans(chars: &[char]) -> Vec<(usize, u64)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let is_num = |c: char| {
            c.is_ascii_digit()
                || kanji_digit(c).is_some()
                || small_unit(c).is_some()
                || big_unit(c).is_some()
        };
        let starts = chars[i].is_ascii_digit()
            || kanji_digit(chars[i]).is_some()
            || small_unit(chars[i]).is_some();
        if !starts {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len()
            && (is_num(chars[i])
                || ((chars[i] == ',' || chars[i] == '.')
                    && chars.get(i + 1).is_some_and(char::is_ascii_digit)))
        {
            i += 1;
        }
        let run = &chars[start..i];
        let yen = chars.get(i) == Some(&'円');
        let has_big = run.iter().any(|&c| big_unit(c).is_some());
        // A kanji-only run like 一 in 一件 is not an amount unless it names yen.
        if (yen || has_big)
            && let Some(v) = interpret(run)
            && v > 0.0
            && v < MAX_YEN
        {
            out.push((start, v.round() as u64));
        }
    }
    out
}

/// The expense a message states: the largest yen amount, or a monthly amount (月10万円, 毎月５万円)
/// times the months stated with it (半年, 6か月, 1年). A monthly amount without a duration is
/// not a total, so nothing is stated.
pub fn stated_expense(text: &str) -> Option<u64> {
    let chars: Vec<char> = text.chars().map(fold).collect();
    let monthly = yen_spans(&chars).into_iter().find(|&(start, _)| {
        let before: String = chars[start.saturating_sub(3)..start].iter().collect();
        before.ends_with('月') || before.ends_with("月額") || before.ends_with("毎月")
    });
    match monthly {
        Some((_, amount)) => months(&chars).map(|m| amount.saturating_mul(m)),
        None => yen_amounts(text).into_iter().max(),
    }
}

/// The months a text states as a duration: 半年, 6か月, ６ヶ月, 1年, 一年半 (as 18).
fn months(chars: &[char]) -> Option<u64> {
    let s: String = chars.iter().collect();
    if s.contains("半年") && !s.contains("年半") {
        return Some(6);
    }
    let number_before = |i: usize| -> Option<u64> {
        let mut j = i;
        while j > 0
            && (chars[j - 1].is_ascii_digit()
                || kanji_digit(chars[j - 1]).is_some()
                || chars[j - 1] == '十')
        {
            j -= 1;
        }
        interpret(&chars[j..i])
            .filter(|v| *v > 0.0 && *v < 1000.0)
            .map(|v| v as u64)
    };
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        if matches!(c, 'か' | 'ヶ' | 'カ' | 'ケ' | '箇' | 'ヵ') && next == Some('月') {
            return number_before(i);
        }
        if c == '年'
            && i > 0
            && next != Some('度')
            && let Some(y) = number_before(i)
        {
            let half = chars.get(i + 1) == Some(&'半');
            return Some(y * 12 + if half { 6 } else { 0 });
        }
    }
    None
}

/// Interprets a run like `1,500千`, `５百万`, `千五百万`, `1億5000万` as a number.
fn interpret(run: &[char]) -> Option<f64> {
    let mut total = 0.0;
    let mut section = 0.0;
    let mut current: Option<f64> = None;
    let mut k = 0;
    while k < run.len() {
        let c = run[k];
        if c.is_ascii_digit() {
            let mut s = String::new();
            while k < run.len() && (run[k].is_ascii_digit() || run[k] == ',' || run[k] == '.') {
                if run[k] != ',' {
                    s.push(run[k]);
                }
                k += 1;
            }
            current = Some(s.parse().ok()?);
            continue;
        }
        if let Some(d) = kanji_digit(c) {
            current = Some(current.unwrap_or(0.0) * 10.0 + d as f64);
        } else if let Some(u) = small_unit(c) {
            section += current.take().unwrap_or(1.0) * u;
        } else if let Some(u) = big_unit(c) {
            section += current.take().unwrap_or(0.0);
            total += if section == 0.0 { 1.0 } else { section } * u;
            section = 0.0;
        }
        k += 1;
    }
    Some(total + section + current.unwrap_or(0.0))
}

/// A rate such as 2/3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fraction {
    pub num: u64,
    pub den: u64,
}

/// The first proper fraction `n/d` (0 < n ≤ d) in `text`, full-width or not.
pub fn first_fraction(text: &str) -> Option<Fraction> {
    let chars: Vec<char> = text.chars().map(fold).collect();
    let number = |from: usize| -> Option<(u64, usize)> {
        let mut j = from;
        while j < chars.len() && chars[j] == ' ' {
            j += 1;
        }
        let start = j;
        while j < chars.len() && chars[j].is_ascii_digit() {
            j += 1;
        }
        let s: String = chars[start..j].iter().collect();
        Some((s.parse().ok()?, j))
    };
    for (i, &c) in chars.iter().enumerate() {
        if c != '/' {
            continue;
        }
        // Walk back over spaces and digits to the numerator's start.
        let mut b = i;
        while b > 0 && chars[b - 1] == ' ' {
            b -= 1;
        }
        let end = b;
        while b > 0 && chars[b - 1].is_ascii_digit() {
            b -= 1;
        }
        let num: Option<u64> = chars[b..end].iter().collect::<String>().parse().ok();
        let den = number(i + 1).map(|(d, _)| d);
        if let (Some(num), Some(den)) = (num, den)
            && num > 0
            && num <= den
        {
            return Some(Fraction { num, den });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_everyday_and_official_writing() {
        let cases: &[(&str, &[u64])] = &[
            ("300万円の設備を入れたい", &[3_000_000]),
            ("３００万の機械", &[3_000_000]),
            ("三百万円くらい", &[3_000_000]),
            ("千五百万円", &[15_000_000]),
            ("1,500千円", &[1_500_000]),
            ("1.5億円", &[150_000_000]),
            ("1億5000万円", &[150_000_000]),
            ("○補助上限額：２０万円", &[200_000]),
            ("上限額：５百万円・補助率：1/2", &[5_000_000]),
            ("１件あたりの上限額 500千円", &[500_000]),
            ("令和7年度に2/3補助、3年間", &[]),
            ("一件", &[]),
            ("2000000円", &[2_000_000]),
        ];
        for (text, want) in cases {
            assert_eq!(yen_amounts(text), *want, "{text}");
        }
    }

    #[test]
    fn a_monthly_amount_is_multiplied_by_its_months() {
        let cases: &[(&str, Option<u64>)] = &[
            ("月10万円で半年お願いしたい", Some(600_000)),
            ("毎月５万円を６か月", Some(300_000)),
            ("月額3万円、1年間", Some(360_000)),
            ("月10万円くらい", None),
            ("300万円の設備", Some(3_000_000)),
            ("令和7年度に50万円", Some(500_000)),
            ("何もない", None),
        ];
        for (text, want) in cases {
            assert_eq!(stated_expense(text), *want, "{text}");
        }
    }

    #[test]
    fn fractions_ignore_circled_numbers_and_improper_ratios() {
        let f = |n, d| Some(Fraction { num: n, den: d });
        assert_eq!(first_fraction("○補助率 ：２/３"), f(2, 3));
        assert_eq!(first_fraction("④2/3補助"), f(2, 3));
        assert_eq!(first_fraction("県１／２、国１／２"), f(1, 2));
        assert_eq!(first_fraction("○負担割合（県1/2、国1/ 2 ）"), f(1, 2));
        assert_eq!(first_fraction("最大8/10を補助"), f(8, 10));
        assert_eq!(first_fraction("R6/3"), None);
        assert_eq!(first_fraction("なし"), None);
    }
}
