//! What understanding one message yields: [`Understanding`], the part of it a session keeps
//! ([`Searchable`]: its [`TermList`]s and [`Signals`]) and where each cue was found ([`Span`]).

use std::collections::BTreeSet;

use crate::corpus::{Disaster, Kind, Size, Slot, Stage, TermLabel, Theme};

use super::facts::Facts;
use super::scope::Scope;
use super::triggers::Cue;

/// The structured signals the vocabulary's rules fired: what the message is about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Signals {
    pub themes: BTreeSet<Theme>,
    pub disasters: BTreeSet<Disaster>,
    pub stages: BTreeSet<Stage>,
    pub kinds: BTreeSet<Kind>,
    pub industries: BTreeSet<String>,
    pub sizes: BTreeSet<Size>,
}

/// A sorted list of distinct terms in one buffer: a session keeps several per conversation,
/// so they are stored compactly (two allocations, not one per term).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TermList {
    buf: String,
    ends: Vec<u32>,
}

impl TermList {
    /// Sorts and deduplicates `terms` into a list.
    pub fn new(terms: Vec<String>) -> Self {
        Self::of(terms.iter().map(String::as_str).collect())
    }

    /// Sorts and deduplicates borrowed terms into a list (copying each once, into the buffer).
    pub fn of(mut terms: Vec<&str>) -> Self {
        terms.sort_unstable();
        terms.dedup();
        let mut list = TermList {
            buf: String::with_capacity(terms.iter().map(|t| t.len()).sum()),
            ends: Vec::with_capacity(terms.len()),
        };
        for t in &terms {
            list.buf.push_str(t);
            list.ends.push(list.buf.len() as u32);
        }
        list
    }

    /// The terms, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(self.ends.iter().copied())
            .map(|(a, b)| &self.buf[a as usize..b as usize])
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

/// What of a message later turns search with: its terms and the vocabulary's signals. A
/// session keeps this (not the text) for each message of the current topic.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Searchable {
    /// The person's own content words (base forms).
    pub words: TermList,
    /// Words of the document the vocabulary adds, and the corpus words the lexical resources
    /// find for the person's words the corpus lacks; they weigh less than the person's own.
    pub added: TermList,
    /// Character bigrams of the message.
    pub bigrams: TermList,
    /// What the vocabulary's rules say the message is about.
    pub signals: Signals,
}

impl Searchable {
    /// True when nothing in the message can be searched for.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.added.is_empty() && self.bigrams.is_empty()
    }
}

/// Where in the understood text a cue was found, in characters (not bytes), and whether a
/// denial directly followed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub cue: Cue,
    pub denied: bool,
}

/// One message, understood.
#[derive(Debug, Clone, Default)]
pub struct Understanding {
    /// The text understood: the message, or what is left of it after a start-over command.
    pub text: String,
    /// Its terms and signals, what later turns search with.
    pub search: Searchable,
    /// The themes of the message: the rules' and, for a chosen option, the option's.
    pub themes: BTreeSet<Theme>,
    /// The facts the message states.
    pub facts: Facts,
    /// The slot whose option the message chose, when it is exactly a button's label.
    pub chose: Option<Slot>,
    /// The message asks to start over.
    pub reset: bool,
    /// The vocabulary's out-of-scope topics the message touches, by index, each once.
    pub out_of_scope: Vec<usize>,
    /// The kinds of term the message asks about (補助率, 上限 …), in the order to show them.
    pub asked: Vec<TermLabel>,
    /// Every cue found, with its place in `text`.
    pub spans: Vec<Span>,
    /// Who is asking, from where, for what.
    pub scope: Scope,
    /// The message asks about time (締め切り, いつまで, 今から間に合う, 令和8年度の…).
    pub asks_time: bool,
    /// The message names a program (its printed name, or the name without its brackets): the
    /// position of the longest one named in `Corpus::programs`.
    pub named: Option<usize>,
}
