//! Today's date, against which a program's 事業期間 is read: fixed (`--today`, for tests and
//! demos) or the system's date in Japan time.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::corpus::Date;

/// Japan is UTC+9 all year.
pub const JST_OFFSET_SECS: i64 = 9 * 3600;

/// The date in Japan at `unix_secs` seconds since the Unix epoch.
pub fn japan_date(unix_secs: i64) -> Date {
    Date::from_days((unix_secs + JST_OFFSET_SECS).div_euclid(86_400))
}

/// Where today's date comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Clock {
    /// The system clock, read in Japan time at each turn.
    #[default]
    System,
    /// A fixed date.
    Fixed(Date),
}

impl Clock {
    /// Today's date.
    pub fn today(self) -> Date {
        match self {
            Clock::Fixed(d) => d,
            Clock::System => {
                let secs = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs() as i64);
                japan_date(secs)
            }
        }
    }
}
