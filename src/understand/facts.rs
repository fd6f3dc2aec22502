//! The facts a person states about their business, merged over a conversation: a later
//! statement overrides an earlier one.

use crate::corpus::{DisasterAnswer, Kind, KindAnswer, Slot, Stage};

/// Facts about the person's business.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Facts {
    pub disaster: Option<DisasterAnswer>,
    pub stage: Option<Stage>,
    pub manufacturer: Option<bool>,
    pub kind: Option<KindAnswer>,
    /// An expense the person stated, in yen (for the 目安 estimate); a monthly amount with a
    /// duration (月10万円で半年) is multiplied out.
    pub expense: Option<u64>,
    /// The kinds of that cost (bit i: the vocabulary's `[[expense]]` i): an estimate is made
    /// only for a program whose quoted 対象経費 pays for one of them.
    pub expense_kinds: u32,
    /// The kind of money the person asked for in so many words (補助してほしい, 借りたい):
    /// programs of that kind come before the other kind.
    pub wants: Option<Kind>,
}

impl Facts {
    /// Overrides every fact `newer` states.
    pub fn merge(&mut self, newer: Facts) {
        self.disaster = newer.disaster.or(self.disaster);
        self.stage = newer.stage.or(self.stage);
        self.manufacturer = newer.manufacturer.or(self.manufacturer);
        self.kind = newer.kind.or(self.kind);
        self.expense = newer.expense.or(self.expense);
        if newer.expense_kinds != 0 {
            self.expense_kinds = newer.expense_kinds;
        }
        self.wants = newer.wants.or(self.wants);
    }

    /// Whether the fact a slot asks for is known.
    pub fn knows(&self, slot: Slot) -> bool {
        match slot {
            Slot::Disaster => self.disaster.is_some(),
            Slot::Stage => self.stage.is_some(),
            Slot::Industry => self.manufacturer.is_some(),
            Slot::Kind => self.kind.is_some(),
            // Who the person is lives in the session, not in these facts.
            Slot::Theme | Slot::Who => false,
        }
    }
}
