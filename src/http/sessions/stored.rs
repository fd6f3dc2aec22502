//! The stored form of a session in Redis: a small versioned JSON of plain strings (so the domain
//! types stay free of serde) that keeps the facts and each topic message's search terms, never
//! a message as typed.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::corpus::{
    BusinessRole, Disaster, DisasterAnswer, Kind, KindAnswer, Size, Slot, StaffRole, Stage, Theme,
};
use crate::dialogue::Session;
use crate::understand::{Facts, OutOfScope, Searchable, Signals, TermList, Who};

/// The largest session stored, in bytes of JSON; a topic message is cut to keep under it.
const MAX_SESSION_BYTES: usize = 16 * 1024;
/// Terms kept of each kind per topic message in Redis (a 2,000-character message has about
/// as many bigrams; the first ones carry the topic well enough).
const MAX_STORED_TERMS: usize = 400;

/// A session as stored: at most [`MAX_SESSION_BYTES`], the oldest topic messages left out
/// first.
pub(super) fn encode(session: &Session) -> String {
    let mut stored = Stored::from_session(session);
    let mut json = serde_json::to_string(&stored).unwrap_or_default();
    while json.len() > MAX_SESSION_BYTES && !stored.topic.is_empty() {
        stored.topic.remove(0);
        json = serde_json::to_string(&stored).unwrap_or_default();
    }
    json
}

/// The session stored as `json`; `None` when it does not read (another version, or damaged).
pub(super) fn decode(json: &str) -> Option<Session> {
    serde_json::from_str::<Stored>(json)
        .ok()
        .filter(|s| s.v == STORED_VERSION)
        .map(Stored::into_session)
}

/// The stored form of a session: plain strings, so the domain types stay free of serde.
#[derive(Debug, Serialize, Deserialize)]
struct Stored {
    v: u32,
    disaster: Option<String>,
    stage: Option<String>,
    manufacturer: Option<bool>,
    kind: Option<String>,
    expense: Option<u64>,
    #[serde(default)]
    wants: Option<String>,
    #[serde(default)]
    expense_kinds: u32,
    topic: Vec<StoredMessage>,
    topic_themes: Vec<String>,
    asked: Vec<String>,
    pending: Option<String>,
    // No `waiting` (the last message as typed): the in-memory store keeps it for the
    // unanswered log when a session ends unanswered, but Redis expires keys unseen, so here
    // it would only be citizen text stored for nothing. Sessions stored with one read fine.
    /// Who the person said they are: owner | successor | founder | association | municipality
    /// | private:N, or absent.
    #[serde(default)]
    who: Option<String>,
    /// A judgement that rules the conversation out: elsewhere:N | private-person:N |
    /// private-purpose:N, or absent.
    #[serde(default)]
    ruled_out: Option<String>,
    /// The conversation's language: ja | en | zh-Hant, or absent.
    #[serde(default)]
    lang: Option<String>,
    turns: u32,
}

/// One topic message as stored: its search terms and signals, as labels.
#[derive(Debug, Default, Serialize, Deserialize)]
struct StoredMessage {
    words: Vec<String>,
    added: Vec<String>,
    bigrams: Vec<String>,
    themes: Vec<String>,
    disasters: Vec<String>,
    stages: Vec<String>,
    kinds: Vec<String>,
    industries: Vec<String>,
    sizes: Vec<String>,
}

/// Version 2 keeps terms instead of text; a version-1 session (text) reads as a new one.
const STORED_VERSION: u32 = 2;

fn labels<T: Copy>(set: &std::collections::BTreeSet<T>, f: fn(T) -> &'static str) -> Vec<String> {
    set.iter().map(|&x| f(x).to_string()).collect()
}

fn parsed<T: Ord>(v: &[String], f: fn(&str) -> Option<T>) -> std::collections::BTreeSet<T> {
    v.iter().filter_map(|x| f(x)).collect()
}

fn terms(list: &TermList) -> Vec<String> {
    list.iter()
        .take(MAX_STORED_TERMS)
        .map(str::to_string)
        .collect()
}

impl StoredMessage {
    fn from_searchable(m: &Searchable) -> Self {
        let s = &m.signals;
        Self {
            words: terms(&m.words),
            added: terms(&m.added),
            bigrams: terms(&m.bigrams),
            themes: labels(&s.themes, Theme::as_str),
            disasters: labels(&s.disasters, Disaster::as_str),
            stages: labels(&s.stages, Stage::as_str),
            kinds: labels(&s.kinds, Kind::as_str),
            industries: s.industries.iter().cloned().collect(),
            sizes: labels(&s.sizes, Size::as_str),
        }
    }

    fn into_searchable(self) -> Searchable {
        Searchable {
            words: TermList::new(self.words),
            added: TermList::new(self.added),
            bigrams: TermList::new(self.bigrams),
            signals: Signals {
                themes: parsed(&self.themes, Theme::parse),
                disasters: parsed(&self.disasters, Disaster::parse),
                stages: parsed(&self.stages, Stage::parse),
                kinds: parsed(&self.kinds, Kind::parse),
                industries: self.industries.into_iter().collect(),
                sizes: parsed(&self.sizes, Size::parse),
            },
        }
    }
}

impl Stored {
    fn from_session(s: &Session) -> Self {
        let f = &s.facts;
        Self {
            v: STORED_VERSION,
            disaster: f.disaster.map(|d| match d {
                DisasterAnswer::Known(d) => d.as_str().to_string(),
                DisasterAnswer::Other => "other".to_string(),
            }),
            stage: f.stage.map(|x| x.as_str().to_string()),
            manufacturer: f.manufacturer,
            kind: f.kind.map(|k| match k {
                KindAnswer::Only(k) => k.as_str().to_string(),
                KindAnswer::Any => "any".to_string(),
            }),
            expense: f.expense,
            wants: f.wants.map(|k| k.as_str().to_string()),
            expense_kinds: f.expense_kinds,
            topic: s.topic.iter().map(StoredMessage::from_searchable).collect(),
            topic_themes: s
                .topic_themes
                .iter()
                .map(|t| t.as_str().to_string())
                .collect(),
            asked: s.asked.iter().map(|x| x.as_str().to_string()).collect(),
            pending: s.pending.map(|x| x.as_str().to_string()),
            who: match s.who {
                Who::Unknown => None,
                Who::Business(BusinessRole::Owner) => Some("owner".into()),
                Who::Business(BusinessRole::Successor) => Some("successor".into()),
                Who::Business(BusinessRole::Founder) => Some("founder".into()),
                Who::Staff(StaffRole::Association) => Some("association".into()),
                Who::Staff(StaffRole::Municipality) => Some("municipality".into()),
                Who::Private(i) => Some(format!("private:{i}")),
            },
            ruled_out: s.ruled_out.map(|r| match r {
                OutOfScope::Elsewhere(i) => format!("elsewhere:{i}"),
                OutOfScope::PrivatePerson(i) => format!("private-person:{i}"),
                OutOfScope::PrivatePurpose(i) => format!("private-purpose:{i}"),
            }),
            lang: s.lang.map(|l| l.code().to_string()),
            turns: s.turns,
        }
    }

    /// The session; fields that no longer parse (a value renamed since) are dropped, not fatal.
    fn into_session(self) -> Session {
        let disaster = self.disaster.as_deref().and_then(|d| match d {
            "other" => Some(DisasterAnswer::Other),
            d => Disaster::parse(d).map(DisasterAnswer::Known),
        });
        let kind = self.kind.as_deref().and_then(|k| match k {
            "any" => Some(KindAnswer::Any),
            k => Kind::parse(k).map(KindAnswer::Only),
        });
        Session {
            facts: Facts {
                disaster,
                stage: self.stage.as_deref().and_then(Stage::parse),
                manufacturer: self.manufacturer,
                kind,
                expense: self.expense,
                wants: self.wants.as_deref().and_then(Kind::parse),
                expense_kinds: self.expense_kinds,
            },
            topic: self
                .topic
                .into_iter()
                .map(StoredMessage::into_searchable)
                .collect(),
            topic_themes: self
                .topic_themes
                .iter()
                .filter_map(|t| Theme::parse(t))
                .collect(),
            asked: self
                .asked
                .iter()
                .filter_map(|x| Slot::parse(x))
                .collect::<BTreeSet<_>>(),
            pending: self.pending.as_deref().and_then(Slot::parse),
            waiting: None,
            who: match self.who.as_deref() {
                Some("owner") => Who::Business(BusinessRole::Owner),
                Some("successor") => Who::Business(BusinessRole::Successor),
                Some("founder") => Who::Business(BusinessRole::Founder),
                Some("association") => Who::Staff(StaffRole::Association),
                Some("municipality") => Who::Staff(StaffRole::Municipality),
                Some(p) => p
                    .strip_prefix("private:")
                    .and_then(|i| i.parse().ok())
                    .map_or(Who::Unknown, Who::Private),
                None => Who::Unknown,
            },
            ruled_out: self.ruled_out.as_deref().and_then(|r| {
                let (what, i) = r.split_once(':')?;
                let i = i.parse().ok()?;
                match what {
                    "elsewhere" => Some(OutOfScope::Elsewhere(i)),
                    "private-person" => Some(OutOfScope::PrivatePerson(i)),
                    "private-purpose" => Some(OutOfScope::PrivatePurpose(i)),
                    _ => None,
                }
            }),
            lang: self.lang.as_deref().and_then(crate::text::Lang::parse),
            turns: self.turns,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_survives_its_stored_form() {
        let mut s = Session::default();
        s.facts.disaster = Some(DisasterAnswer::Known(Disaster::Flood2020));
        s.facts.kind = Some(KindAnswer::Any);
        s.facts.expense = Some(3_000_000);
        let mut m = Searchable {
            words: TermList::new(vec!["浸水".into(), "店".into()]),
            bigrams: TermList::new((0..1000).map(|i| format!("{i:04}")).collect()),
            ..Searchable::default()
        };
        m.signals.themes.insert(Theme::Disaster);
        m.signals.industries.insert("製造業".into());
        s.topic = vec![m.clone()];
        s.topic_themes.insert(Theme::Disaster);
        s.asked.insert(Slot::Disaster);
        s.pending = Some(Slot::Kind);
        s.waiting = Some("店が浸水した".into());
        s.ruled_out = Some(OutOfScope::Elsewhere(3));
        s.lang = Some(crate::text::Lang::Zh);
        s.turns = 3;
        let json = serde_json::to_string(&Stored::from_session(&s)).unwrap();
        assert!(
            !json.contains("店が浸水した"),
            "no text as typed is stored: {json}"
        );
        let back = serde_json::from_str::<Stored>(&json)
            .unwrap()
            .into_session();
        assert_eq!(back.facts, s.facts);
        assert_eq!(back.ruled_out, s.ruled_out, "a judgement stays: {json}");
        assert_eq!(
            back.lang, s.lang,
            "the conversation's language stays: {json}"
        );
        assert_eq!(back.topic[0].words, m.words);
        assert_eq!(back.topic[0].signals, m.signals);
        assert_eq!(back.topic[0].bigrams.len(), MAX_STORED_TERMS);
        assert_eq!(
            (
                back.topic_themes,
                back.asked,
                back.pending,
                back.waiting,
                back.turns
            ),
            (s.topic_themes, s.asked, s.pending, None, s.turns)
        );
    }
}
