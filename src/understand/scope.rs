//! The scope judgement: who is asking (a business owner, successor or founder; 商工団体 or
//! 市町村 staff; a private person), from where (a business in Kumamoto, or in another
//! prefecture), and for what (the business, or the person's own life). Made from the trigger
//! phrases of `corpus/scope.toml` and `corpus/places.toml` and the dictionary's place tags,
//! before anything is recommended; each judgement keeps the words that triggered it.

use crate::corpus::{BusinessRole, StaffRole};
use crate::text::{Normalized, Term};

use super::cues::{
    ABSENT_AFTER, HONORIFICS, LOCATION_AFTER, LOCATION_BEFORE, MARKET_AFTER, PLACE_SUFFIXES,
    RESIDENCE_AFTER, RESIDENCE_BEFORE, SENTENCE_ENDS,
};
use super::triggers::{Cue, Found};

/// Who the message says the person is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Who {
    /// Nothing says: read as a business owner (the service's usual person).
    #[default]
    Unknown,
    Business(BusinessRole),
    Staff(StaffRole),
    /// A private person (a `[[private]]` rule of corpus/scope.toml, by index).
    Private(usize),
}

/// What a place mention is in the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceRole {
    /// Where the business is or will be.
    Location,
    /// Where the person lives or comes from.
    Residence,
    /// A market, an event, a partner's place.
    Market,
    /// Nothing near it says.
    Unknown,
}

/// A place the message names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlaceMention {
    /// `None` for Kumamoto, else the other prefecture (index into `Places::prefectures`).
    pub prefecture: Option<usize>,
    pub role: PlaceRole,
}

/// Why the service does not recommend business programs for this message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutOfScope {
    /// A private person asking about their own life (`[[private]]`, by index).
    PrivatePerson(usize),
    /// A private purpose (`[[purpose]]`, by index): the person's home, car, schooling …
    PrivatePurpose(usize),
    /// A business located in another prefecture (`Places::prefectures`, by index).
    Elsewhere(usize),
}

/// The judgement of one message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    pub who: Who,
    /// A private purpose the message states, not tied to business premises.
    pub purpose: Option<usize>,
    /// The places it names, with what each is.
    pub places: Vec<PlaceMention>,
    /// It ties what it speaks of to business premises (店舗兼住宅, 工場, 事務所 …).
    pub premises: bool,
}

impl Scope {
    /// Whether the message is for these programs at all, and if not, why. A private purpose
    /// rules out even an owner (their own home is not their business) unless premises tie it
    /// to the business; a private person is ruled out unless they also speak for a business;
    /// a business located elsewhere is ruled out unless the message places a business in
    /// Kumamoto too.
    pub fn verdict(&self) -> Option<OutOfScope> {
        if let Some(p) = self.purpose {
            return Some(OutOfScope::PrivatePurpose(p));
        }
        if let Who::Private(p) = self.who {
            return Some(OutOfScope::PrivatePerson(p));
        }
        let in_kumamoto = self
            .places
            .iter()
            .any(|m| m.prefecture.is_none() && m.role == PlaceRole::Location);
        let elsewhere = self
            .places
            .iter()
            .find_map(|m| match (m.prefecture, m.role) {
                (Some(p), PlaceRole::Location) => Some(p),
                _ => None,
            });
        match elsewhere {
            Some(p) if !in_kumamoto => Some(OutOfScope::Elsewhere(p)),
            _ => None,
        }
    }

    /// Whether this message corrects an earlier judgement that ruled the conversation out: it
    /// places the business in Kumamoto (after "another prefecture"), says the person runs or
    /// takes over a business or speaks for a 商工団体 (after "a private person"), or ties the
    /// thing to business premises (after "a private purpose"). Anything else leaves the earlier
    /// judgement standing: a later message is read in its light.
    pub fn corrects(&self, earlier: OutOfScope) -> bool {
        match earlier {
            OutOfScope::Elsewhere(_) => self
                .places
                .iter()
                .any(|m| m.prefecture.is_none() && m.role == PlaceRole::Location),
            OutOfScope::PrivatePerson(_) => matches!(self.who, Who::Business(_) | Who::Staff(_)),
            OutOfScope::PrivatePurpose(_) => self.premises,
        }
    }
}

/// Judges a message from the triggers found in its normalized text and its analysed terms.
pub(crate) fn judge(found: &[Found], normalized: &Normalized, terms: &[Term]) -> Scope {
    let first = |want: &dyn Fn(Cue) -> bool| found.iter().find(|f| !f.denied && want(f.cue));
    let premises = first(&|c| c == Cue::Premises).is_some();
    let purpose = first(&|c| matches!(c, Cue::Purpose(_))).and_then(|f| match f.cue {
        Cue::Purpose(i) if !premises => Some(i),
        _ => None,
    });
    let who = if let Some(Cue::Staff(r)) = first(&|c| matches!(c, Cue::Staff(_))).map(|f| f.cue) {
        Who::Staff(r)
    } else if let Some(Cue::Business(r)) = first(&|c| matches!(c, Cue::Business(_))).map(|f| f.cue)
    {
        Who::Business(r)
    } else if let Some(Cue::Private(i)) = first(&|c| matches!(c, Cue::Private(_))).map(|f| f.cue) {
        Who::Private(i)
    } else {
        Who::Unknown
    };
    Scope {
        who,
        purpose,
        places: places(found, normalized, terms),
        premises,
    }
}

/// The places named, longest match first at each position, each with its role.
fn places(found: &[Found], normalized: &Normalized, terms: &[Term]) -> Vec<PlaceMention> {
    let text = normalized.as_str();
    let tagged = |f: &Found| {
        let (a, b) = normalized.original_range(f.start, f.end);
        terms.iter().any(|t| t.place && t.start == a && t.end == b)
    };
    let suffixed = |f: &Found| {
        text[f.end..]
            .chars()
            .next()
            .is_some_and(|c| PLACE_SUFFIXES.contains(&c))
    };
    // Many short place forms are surnames too (宮崎さん, 山口社長): followed by an honorific,
    // the word is a person.
    let person = |f: &Found| HONORIFICS.iter().any(|h| text[f.end..].starts_with(h));
    let mut hits: Vec<(usize, usize, Option<usize>)> = found
        .iter()
        .filter_map(|f| match f.cue {
            Cue::Kumamoto => Some((f.start, f.end, None)),
            Cue::Elsewhere(p, short) if !short || suffixed(f) || tagged(f) || !person(f) => {
                Some((f.start, f.end, Some(p)))
            }
            _ => None,
        })
        .collect();
    // A name inside a longer one is the longer one's (大津 in 大津市 of 滋賀県, 熊本 in 熊本市).
    hits.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut kept: Vec<(usize, usize, Option<usize>)> = Vec::new();
    for h in hits {
        if kept.last().is_some_and(|k| h.0 < k.1) {
            continue;
        }
        kept.push(h);
    }
    let mut out = Vec::with_capacity(kept.len());
    for (i, &(start, end, prefecture)) in kept.iter().enumerate() {
        // The stretch a place governs: to the end of its sentence or the next place.
        let mut stop = text[end..]
            .find(SENTENCE_ENDS)
            .map_or(text.len(), |j| end + j);
        if let Some(next) = kept.get(i + 1) {
            stop = stop.min(next.0);
        }
        let after = &text[end..stop.max(end)];
        let sentence_start = text[..start].rfind(SENTENCE_ENDS).map_or(0, |j| {
            j + text[j..].chars().next().map_or(1, char::len_utf8)
        });
        let from = kept
            .get(i.wrapping_sub(1))
            .filter(|_| i > 0)
            .map_or(sentence_start, |p| p.1.max(sentence_start));
        let before = &text[from.min(start)..start];
        let role = if RESIDENCE_BEFORE.iter().any(|w| before.ends_with(w)) {
            PlaceRole::Residence
        } else if LOCATION_BEFORE.iter().any(|w| before.ends_with(w)) {
            PlaceRole::Location
        } else {
            let at = |words: &[&str]| words.iter().filter_map(|w| after.find(w)).min();
            [
                (at(RESIDENCE_AFTER), PlaceRole::Residence),
                (at(MARKET_AFTER), PlaceRole::Market),
                (at(LOCATION_AFTER), PlaceRole::Location),
            ]
            .into_iter()
            .filter_map(|(pos, role)| pos.map(|p| (p, role)))
            .min_by_key(|(p, _)| *p)
            .map_or(PlaceRole::Unknown, |(_, role)| role)
        };
        // 「熊本には店も事務所もありません」: a business said not to be there is not located there.
        let role = if role == PlaceRole::Location && ABSENT_AFTER.iter().any(|w| after.contains(w))
        {
            PlaceRole::Unknown
        } else {
            role
        };
        out.push(PlaceMention { prefecture, role });
    }
    out
}
