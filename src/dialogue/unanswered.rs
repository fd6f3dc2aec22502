//! The unanswered-questions log for help-desk staff: questions that got no match, and
//! conversations abandoned after a clarifying question. Bounded, counted, and holding no
//! session ids or addresses: only the question text, why, how often and when last.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::SystemTime;

/// Distinct questions kept; the least recently seen is dropped beyond this.
pub const MAX_ENTRIES: usize = 500;
/// Characters of a question kept (the log is for reading, not for storing what people type).
const MAX_CHARS: usize = 200;

/// Why a question is in the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    NoMatch,
    Abandoned,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::NoMatch => "no_match",
            Reason::Abandoned => "abandoned",
        }
    }
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub question: String,
    pub reason: Reason,
    pub count: u64,
    pub last_seen: SystemTime,
}

/// The log itself.
#[derive(Debug, Default)]
pub struct Unanswered {
    inner: Mutex<HashMap<(String, Reason), Entry>>,
}

impl Unanswered {
    /// Counts one unanswered question.
    pub fn record(&self, question: &str, reason: Reason) {
        let question: String = question.trim().chars().take(MAX_CHARS).collect();
        if question.is_empty() {
            return;
        }
        let mut map = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let now = SystemTime::now();
        let e = map.entry((question.clone(), reason)).or_insert(Entry {
            question,
            reason,
            count: 0,
            last_seen: now,
        });
        e.count += 1;
        e.last_seen = now;
        if map.len() > MAX_ENTRIES {
            // Dropping the stalest entry is O(n) on a 500-entry map, done only when full.
            if let Some(oldest) = map
                .iter()
                .min_by_key(|(_, e)| e.last_seen)
                .map(|(k, _)| k.clone())
            {
                map.remove(&oldest);
            }
        }
    }

    /// Every entry, newest first.
    pub fn entries(&self) -> Vec<Entry> {
        let map = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let mut v: Vec<Entry> = map.values().cloned().collect();
        v.sort_by(|a, b| b.last_seen.cmp(&a.last_seen).then(b.count.cmp(&a.count)));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_repeats_and_stays_bounded() {
        let log = Unanswered::default();
        log.record("天気は？", Reason::NoMatch);
        log.record(" 天気は？ ", Reason::NoMatch);
        log.record("天気は？", Reason::Abandoned);
        let e = log.entries();
        assert_eq!(e.len(), 2);
        assert!(
            e.iter()
                .any(|x| x.reason == Reason::NoMatch && x.count == 2)
        );
        for i in 0..(MAX_ENTRIES + 50) {
            log.record(&format!("q{i}"), Reason::NoMatch);
        }
        assert_eq!(log.entries().len(), MAX_ENTRIES);
    }
}
