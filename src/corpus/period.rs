//! Reading a program's 事業期間 quote as years: 令和６年度～令和７年度 is fiscal 2024–2025 (April
//! to March), 令和４年～令和８年 calendar 2022–2026, 令和3年度～ open-ended from 2021, and
//! 令和７年度（繰越し） fiscal 2025 with a carried-over budget. Done once, at load, from the
//! verified quote; a text that cannot be read is reported, never guessed.

/// Whether the years are fiscal years (年度, April to March) or calendar years (年).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearUnit {
    Fiscal,
    Calendar,
}

/// A program's period as its 事業期間 quote states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// The index of the 事業期間 quote in the program's terms.
    pub quote: usize,
    /// Gregorian years.
    pub first_year: i32,
    /// `None` when the text leaves the end open (令和3年度～).
    pub last_year: Option<i32>,
    pub unit: YearUnit,
    /// The text says the budget is carried over (繰越し).
    pub carried_over: bool,
}

/// 令和 year n is Gregorian 2018 + n.
const REIWA_OFFSET: i32 = 2018;

/// What a 事業期間 text states: first year, last year (open-ended: `None`), the unit, and
/// whether the budget is carried over.
pub type Stated = (i32, Option<i32>, YearUnit, bool);

/// Reads a 事業期間 text; `None` when no 令和 year can be read from it.
pub fn parse(text: &str) -> Option<Stated> {
    let chars: Vec<char> = text
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '〜' | '~' | '－' | '-' | 'ー' => '～',
            _ => c,
        })
        .filter(|c| !c.is_whitespace())
        .collect();
    let s: String = chars.iter().collect();
    let start = s.find("令和")?;
    let rest = &s[start + "令和".len()..];
    let (first, after_first) = number(rest)?;
    let (last, unit) = match after_first.split_once('～') {
        Some((head, tail)) => {
            let tail = tail.strip_prefix("令和").unwrap_or(tail);
            match number(tail) {
                Some((n, after)) => (Some(n), unit_of(after).or_else(|| unit_of(head))?),
                // 令和3年度～ : nothing after the dash is a year.
                None => (None, unit_of(head)?),
            }
        }
        None => (Some(first), unit_of(after_first)?),
    };
    let carried = s.contains("繰越");
    let first = REIWA_OFFSET + first;
    let last = last.map(|l| REIWA_OFFSET + l);
    if last.is_some_and(|l| l < first) {
        return None;
    }
    Some((first, last, unit, carried))
}

/// The number at the start of `s` (ASCII digits or 元 for the first year), and what follows.
fn number(s: &str) -> Option<(i32, &str)> {
    if let Some(rest) = s.strip_prefix('元') {
        return Some((1, rest));
    }
    let digits = s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let n: i32 = s[..digits].parse().ok()?;
    Some((n, &s[digits..]))
}

/// 年度 → fiscal, 年 → calendar, read from what follows a number.
fn unit_of(s: &str) -> Option<YearUnit> {
    if s.starts_with("年度") {
        Some(YearUnit::Fiscal)
    } else if s.starts_with('年') {
        Some(YearUnit::Calendar)
    } else {
        None
    }
}

/// A calendar date, as the clock gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Date> {
        let mut it = s.trim().splitn(3, '-');
        let (y, m, d) = (it.next()?, it.next()?, it.next()?);
        let date = Date {
            year: y.parse().ok()?,
            month: m.parse().ok()?,
            day: d.parse().ok()?,
        };
        let days = match date.month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if date.year % 4 == 0 && (date.year % 100 != 0 || date.year % 400 == 0) => 29,
            2 => 28,
            _ => return None,
        };
        (y.len() == 4 && (1..=days).contains(&date.day)).then_some(date)
    }

    /// The date `days` after 1970-01-01 (proleptic Gregorian; H. Hinnant's civil_from_days).
    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// The Japanese fiscal year (April to March) the date is in, as a Gregorian year.
    pub fn fiscal_year(self) -> i32 {
        if self.month >= 4 {
            self.year
        } else {
            self.year - 1
        }
    }

    /// The fiscal year in 令和 (2026 → 8).
    pub fn reiwa_fiscal_year(self) -> i32 {
        self.fiscal_year() - REIWA_OFFSET
    }
}

/// Where today falls against a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Within,
    After,
    Before,
    Unknown,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Within => "within",
            Status::After => "after",
            Status::Before => "before",
            Status::Unknown => "unknown",
        }
    }
}

impl Period {
    /// Where `today` falls: its fiscal year against fiscal years, its calendar year against
    /// calendar years.
    pub fn status(&self, today: Date) -> Status {
        let year = match self.unit {
            YearUnit::Fiscal => today.fiscal_year(),
            YearUnit::Calendar => today.year,
        };
        if year < self.first_year {
            Status::Before
        } else if self.last_year.is_some_and(|l| year > l) {
            Status::After
        } else {
            Status::Within
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_of_the_document() {
        let f = YearUnit::Fiscal;
        let c = YearUnit::Calendar;
        let cases: &[(&str, Option<Stated>)] = &[
            (
                "○事業期間：令和４年～令和８年※2",
                Some((2022, Some(2026), c, false)),
            ),
            ("○事業期間：令和７年度", Some((2025, Some(2025), f, false))),
            (
                "○事業期間： 令和６年度～９年度",
                Some((2024, Some(2027), f, false)),
            ),
            (
                "◯事業期間 ：令和7～9年度（3年間）",
                Some((2025, Some(2027), f, false)),
            ),
            (
                "○事業期間：令和４年度～令和８年度",
                Some((2022, Some(2026), f, false)),
            ),
            (
                "○事業期間 ：令和６～７年度",
                Some((2024, Some(2025), f, false)),
            ),
            ("○事業期間 ：令和3年度～", Some((2021, None, f, false))),
            (
                "○事業期間：令和６年度～令和７年度",
                Some((2024, Some(2025), f, false)),
            ),
            (
                "○事業期間 ：令和７年度（繰越し）",
                Some((2025, Some(2025), f, true)),
            ),
            ("○事業期間：未定", None),
            ("○事業期間：令和9年度～令和7年度", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse(text), *want, "{text}");
        }
    }

    #[test]
    fn the_clock_reads_fiscal_years() {
        let d = |s: &str| Date::parse(s).unwrap();
        assert_eq!(d("2025-10-01").fiscal_year(), 2025);
        assert_eq!(d("2026-03-31").fiscal_year(), 2025);
        assert_eq!(d("2026-11-29").reiwa_fiscal_year(), 8);
        assert_eq!(d("2028-05-01").fiscal_year(), 2028);
        assert_eq!(Date::from_days(0), d("1970-01-01"));
        assert_eq!(Date::from_days(20_786), d("2026-11-29"));
        assert!(Date::parse("2026-02-30").is_none() && Date::parse("26-1-1").is_none());
        let p = |first, last, unit| Period {
            quote: 0,
            first_year: first,
            last_year: last,
            unit,
            carried_over: false,
        };
        let taiwan = p(2024, Some(2025), YearUnit::Fiscal);
        assert_eq!(taiwan.status(d("2025-10-01")), Status::Within);
        assert_eq!(taiwan.status(d("2026-11-29")), Status::After);
        let pro = p(2025, Some(2027), YearUnit::Fiscal);
        assert_eq!(pro.status(d("2026-11-29")), Status::Within);
        assert_eq!(pro.status(d("2028-05-01")), Status::After);
        assert_eq!(pro.status(d("2025-03-31")), Status::Before);
        let open = p(2021, None, YearUnit::Fiscal);
        assert_eq!(open.status(d("2028-05-01")), Status::Within);
        let calendar = p(2022, Some(2026), YearUnit::Calendar);
        assert_eq!(calendar.status(d("2026-12-31")), Status::Within);
        assert_eq!(calendar.status(d("2027-01-01")), Status::After);
    }
}
