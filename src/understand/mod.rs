//! Understanding one message, once. The message is normalized once, analysed by lindera once
//! and matched against every trigger phrase once (one automaton, one denial list); the result,
//! an [`Understanding`], is everything the rest of a turn needs: the words to search, the
//! vocabulary's additions, the facts the message states, the option it chose, whether it asks to
//! start over, the out-of-scope topics it touches and the terms it asks about. A session keeps
//! each message's understanding, so no message is ever analysed twice.
//!
//! Stages: [`crate::text`] (normalize → lindera → filter, bigrams) → [`triggers`] (one
//! automaton) → the scope verdict ([`scope`]) → paraphrases of the words the corpus lacks
//! ([`paraphrase`], after the verdict, which they never change) → facts ([`amount`] for yen
//! figures) → [`Understanding`].

pub mod amount;
mod bilingual;
pub mod cues;
mod facts;
mod paraphrase;
mod scope;
mod triggers;
mod understanding;

use std::collections::BTreeSet;

use crate::corpus::{
    Corpus, Disaster, DisasterAnswer, Kind, KindAnswer, QuestionOption, Size, Slot, Stage,
    TermLabel, Theme, WhoAnswer,
};
use crate::text::{Japanese, Lang, Normalized, TextError, bigram_ranges, normalize};

pub use bilingual::Parts as BilingualParts;
pub use cues::MANUFACTURING;
pub use facts::Facts;
use paraphrase::Paraphrases;
pub use paraphrase::{MIN_COSINE, Resources};
pub use scope::{OutOfScope, PlaceMention, PlaceRole, Scope, Who};
pub use triggers::Cue;
use triggers::{Found, Triggers};
pub use understanding::{Searchable, Signals, Span, TermList, Understanding};

/// What a vocabulary rule adds when it fires, with its `add` words already analysed.
#[derive(Debug, Clone)]
struct Rule {
    added: Vec<String>,
    themes: Vec<Theme>,
    disaster: Option<Disaster>,
    kind: Option<Kind>,
    industry: Option<String>,
    stage: Option<Stage>,
    size: Option<Size>,
}

/// The understanding stage, built once from the vocabulary and the questions' options.
#[derive(Debug, Clone)]
pub struct Understander {
    japanese: Japanese,
    triggers: Triggers,
    rules: Vec<Rule>,
    options: Vec<(Slot, QuestionOption)>,
    paraphrases: Paraphrases,
    bilingual: std::sync::Arc<bilingual::Bilingual>,
    /// The trigger phrases a translated sentence's words are joined into (自宅 + 修理 → 自宅の修理).
    joins: bilingual::Joins,
    bilingual_parts: BilingualParts,
}

impl Understander {
    /// Compiles every trigger of the corpus's vocabulary, analyses the rules' `add` words and
    /// cuts the paraphrase tables down to `known`, the index's words (sorted).
    pub fn new(corpus: &Corpus, japanese: Japanese, known: &[&str]) -> Result<Self, TextError> {
        let v = &corpus.vocabulary;
        let mut phrases: Vec<(String, Cue)> = Vec::new();
        for (i, e) in v.expansions.iter().enumerate() {
            phrases.extend(e.when.iter().map(|w| (w.clone(), Cue::Rule(i))));
        }
        for (i, o) in v.out_of_scope.iter().enumerate() {
            phrases.extend(o.when.iter().map(|w| (w.clone(), Cue::OutOfScope(i))));
        }
        phrases.extend(
            cues::RESET_WORDS
                .iter()
                .map(|w| (w.to_string(), Cue::Reset)),
        );
        phrases.extend(
            cues::OTHER_DISASTER
                .iter()
                .map(|w| (w.to_string(), Cue::OtherDisaster)),
        );
        phrases.push((MANUFACTURING.to_string(), Cue::Manufacturing));
        let places = &corpus.places;
        for k in &places.kumamoto {
            phrases.push((k.name.clone(), Cue::Kumamoto));
            phrases.extend(k.short.iter().map(|s| (s.clone(), Cue::Kumamoto)));
        }
        for (i, p) in places.prefectures.iter().enumerate() {
            phrases.push((p.name.clone(), Cue::Elsewhere(i, false)));
            phrases.extend(p.short.iter().map(|s| (s.clone(), Cue::Elsewhere(i, true))));
            for c in &p.cities {
                phrases.push((c.clone(), Cue::Elsewhere(i, false)));
                if let Some(short) = c.strip_suffix('市').filter(|s| s.chars().count() >= 2) {
                    phrases.push((short.to_string(), Cue::Elsewhere(i, true)));
                }
            }
        }
        let scope = &corpus.scope;
        for (role, when) in &scope.business {
            phrases.extend(when.iter().map(|w| (w.clone(), Cue::Business(*role))));
        }
        for (role, when) in &scope.staff {
            phrases.extend(when.iter().map(|w| (w.clone(), Cue::Staff(*role))));
        }
        for (i, r) in scope.private.iter().enumerate() {
            phrases.extend(r.when.iter().map(|w| (w.clone(), Cue::Private(i))));
        }
        for (i, r) in scope.purposes.iter().enumerate() {
            phrases.extend(r.when.iter().map(|w| (w.clone(), Cue::Purpose(i))));
        }
        phrases.extend(scope.premises.iter().map(|w| (w.clone(), Cue::Premises)));
        phrases.extend(
            cues::ASK_SUBSIDY
                .iter()
                .map(|w| (w.to_string(), Cue::Asks(Kind::Subsidy))),
        );
        phrases.extend(
            cues::ASK_LOAN
                .iter()
                .map(|w| (w.to_string(), Cue::Asks(Kind::Loan))),
        );
        phrases.extend(
            cues::TIME_QUESTIONS
                .iter()
                .map(|w| (w.to_string(), Cue::Time)),
        );
        for (i, e) in v.expenses.iter().enumerate() {
            phrases.extend(e.when.iter().map(|w| (w.clone(), Cue::Expense(i))));
        }
        phrases.extend(
            cues::LABEL_CUES
                .iter()
                .enumerate()
                .map(|(i, (w, _))| (w.to_string(), Cue::Label(i))),
        );
        let rules = v
            .expansions
            .iter()
            .map(|e| Rule {
                added: analyse_words(&japanese, &e.add),
                themes: e.themes.clone(),
                disaster: e.disaster,
                kind: e.kind,
                industry: e.industry.clone(),
                stage: e.stage,
                size: e.size,
            })
            .collect();
        let options = corpus
            .questions
            .iter()
            .flat_map(|q| q.options.iter().map(|o| (q.slot, o.clone())))
            .collect();
        // A program is named by the longest run of letters of its name between brackets and
        // dots (【３】後継ぎ応援事業 by 後継ぎ応援事業), when that run is long enough to be a name
        // rather than a theme (事業承継 alone names the theme).
        for (i, p) in corpus.programs.iter().enumerate() {
            let name = normalize(&p.name);
            let run = name
                .as_str()
                .split(|c: char| !c.is_alphanumeric())
                .max_by_key(|r| r.chars().count())
                .unwrap_or_default();
            if run.chars().count() >= 6 {
                phrases.push((run.to_string(), Cue::Named(i)));
            }
        }
        let joins = bilingual::Joins::new(phrases.iter().map(|(p, _)| p.as_str()));
        Ok(Self {
            triggers: Triggers::new(phrases)?,
            joins,
            bilingual_parts: BilingualParts::default(),
            japanese,
            rules,
            options,
            paraphrases: Paraphrases::new(known),
            bilingual: bilingual::Bilingual::shared(),
        })
    }

    /// Which lexical resources paraphrase the words the corpus lacks (both, unless changed).
    pub fn resources(&self) -> Resources {
        self.paraphrases.resources
    }

    /// Switches the lexical resources on or off (the ablation compares the four settings).
    pub fn set_resources(&mut self, resources: Resources) {
        self.paraphrases.resources = resources;
    }

    /// How many message words the synonym table and the vector table can paraphrase.
    pub fn paraphrase_sizes(&self) -> (usize, usize) {
        self.paraphrases.sizes()
    }

    /// The expense kinds a program's quoted 対象経費 pays for (bit i: `[[expense]]` i), or, for
    /// a program that quotes no 対象経費, what its quoted 概要, 目的 and 補助率 say it supports
    /// (機器整備, 設備投資, 施設復旧等に対する…支援(3/4補助)): read once, at load, so an estimate
    /// checks a bit.
    pub fn kinds_paid(&self, corpus: &Corpus, p: &crate::corpus::Program) -> u32 {
        let mut mask = 0u32;
        let expenses: Vec<&crate::corpus::Quote> = p.terms_labelled(TermLabel::Expenses).collect();
        let read = if expenses.is_empty() {
            p.terms
                .iter()
                .filter(|q| {
                    matches!(
                        q.label,
                        TermLabel::Overview | TermLabel::Purpose | TermLabel::Rate
                    )
                })
                .collect()
        } else {
            expenses
        };
        for q in read {
            let text = normalize(&q.text);
            for (i, e) in corpus.vocabulary.expenses.iter().enumerate().take(32) {
                if e.pays
                    .iter()
                    .any(|w| text.as_str().contains(normalize(w).as_str()))
                {
                    mask |= 1 << i;
                }
            }
        }
        mask
    }

    /// The words of a phrase of the corpus (a record's need), analysed as a message's are.
    pub fn phrase_terms(&self, phrase: &str) -> Vec<String> {
        analyse_words(&self.japanese, &[phrase.to_string()])
    }

    /// The analyzer the stage was built with (the index's documents get the same analysis).
    pub fn japanese(&self) -> &Japanese {
        &self.japanese
    }

    /// The language a message is written in, by its script (`None`: it does not say).
    pub fn detect(&self, message: &str) -> Option<Lang> {
        crate::text::detect_with(message, |c| self.bilingual.chinese_only(c))
    }

    /// Understands one message written in `lang`: Japanese as it is; English and Chinese
    /// rewritten first into the document's words ([`bilingual`]), then understood by the same
    /// stage. A question's option is matched as sent, in any language.
    pub fn understand_in(&self, message: &str, lang: Lang) -> Understanding {
        if lang == Lang::Ja || self.chosen_option(message.trim()).is_some() {
            return self.understand(message);
        }
        self.understand(
            &self
                .bilingual
                .pivot(message, lang, &self.joins, self.bilingual_parts),
        )
    }

    /// The Japanese a message in `lang` is understood as (for tools and reviewing).
    pub fn pivot(&self, message: &str, lang: Lang) -> String {
        self.bilingual
            .pivot(message, lang, &self.joins, self.bilingual_parts)
    }

    /// Switches parts of the English and Chinese rewriting off (the ablation compares them).
    pub fn set_bilingual_parts(&mut self, parts: BilingualParts) {
        self.bilingual_parts = parts;
    }

    /// Sizes of the English, Chinese and place tables.
    pub fn bilingual_sizes(&self) -> (usize, usize, usize) {
        self.bilingual.sizes()
    }

    /// Understands one message. Never fails and never panics, whatever the text.
    pub fn understand(&self, message: &str) -> Understanding {
        let normalized = normalize(message);
        // A button's label is matched as sent: the options are exact strings.
        let found = self.triggers.scan(normalized.as_str());
        if let Some((slot, option)) = self.chosen_option(message.trim()) {
            let mut u = self.analyse(message, &normalized, &found);
            u.chose = Some(slot);
            apply_option(&mut u, option);
            return u;
        }
        let reset = found
            .iter()
            .filter(|f| f.cue == Cue::Reset)
            .map(|f| (f.start, f.end - f.start))
            .min();
        if let Some((at, len)) = reset {
            let text = normalized.as_str();
            let rest = format!("{}{}", &text[..at], &text[at + len..]);
            let rest = rest.trim_matches(|c: char| !c.is_alphanumeric());
            let mut u = if rest.is_empty() {
                Understanding::default()
            } else {
                // What follows the command is a message of its own, understood on its own.
                let normalized = normalize(rest);
                let found = self.triggers.scan(normalized.as_str());
                let mut u = self.analyse(rest, &normalized, &found);
                self.read_facts(&mut u, rest, &found);
                u
            };
            u.reset = true;
            return u;
        }
        let mut u = self.analyse(message, &normalized, &found);
        self.read_facts(&mut u, message, &found);
        u
    }

    fn chosen_option(&self, message: &str) -> Option<(Slot, &QuestionOption)> {
        // A button of an English or Chinese conversation sends its translated label.
        self.options
            .iter()
            .find(|(_, o)| {
                o.label == message
                    || *o.label_translated.en == *message
                    || *o.label_translated.zh == *message
            })
            .map(|(s, o)| (*s, o))
    }

    /// Words, bigrams and everything the triggers say, without the facts.
    fn analyse(&self, text: &str, normalized: &Normalized, found: &[Found]) -> Understanding {
        let words = self.japanese.tokenize(normalized);
        let scope = scope::judge(found, normalized, &words);
        let n = normalized.as_str();
        let grams: Vec<&str> = bigram_ranges(normalized)
            .into_iter()
            .map(|(a, b)| &n[a..b])
            .collect();
        // The longest program name the message contains.
        let named = found
            .iter()
            .filter_map(|f| match f.cue {
                Cue::Named(i) => Some((f.end - f.start, i)),
                _ => None,
            })
            .max()
            .map(|(_, i)| i);
        let mut u = Understanding {
            text: text.to_string(),
            scope,
            named,
            asks_time: found.iter().any(|f| f.cue == Cue::Time),
            ..Understanding::default()
        };
        u.search.words = TermList::of(words.iter().map(|t| t.text.as_str()).collect());
        u.search.bigrams = TermList::of(grams);
        let mut fired = vec![false; self.rules.len()];
        let mut labels = vec![false; cues::LABEL_CUES.len()];
        for f in found {
            u.spans.push(span(text, normalized, f));
            match f.cue {
                Cue::Rule(i) if !f.denied => fired[i] = true,
                Cue::OutOfScope(i) if !f.denied && !u.out_of_scope.contains(&i) => {
                    u.out_of_scope.push(i)
                }
                Cue::Label(i) => labels[i] = true,
                _ => {}
            }
        }
        u.out_of_scope.sort_unstable();
        let s = &mut u.search.signals;
        let mut added: Vec<&str> = Vec::new();
        for (rule, _) in self.rules.iter().zip(&fired).filter(|(_, f)| **f) {
            added.extend(rule.added.iter().map(String::as_str));
            s.themes.extend(rule.themes.iter().copied());
            s.disasters.extend(rule.disaster);
            s.stages.extend(rule.stage);
            s.kinds.extend(rule.kind);
            s.industries.extend(rule.industry.clone());
            s.sizes.extend(rule.size);
        }
        // The scope verdict is already made: what a paraphrase adds is searched, never judged.
        // A word inside a rule's trigger is not paraphrased: the rule has read it more
        // precisely (店を継ぐ is succession, not 継承 in general), or denied it (継がない).
        let ruled: Vec<(usize, usize)> = found
            .iter()
            .filter(|f| matches!(f.cue, Cue::Rule(_)))
            .map(|f| normalized.original_range(f.start, f.end))
            .collect();
        for t in words.iter().filter(|t| t.open) {
            if !ruled.iter().any(|&(a, b)| t.start < b && a < t.end) {
                added.extend(self.paraphrases.of(&t.text));
            }
        }
        u.search.added = TermList::of(added);
        u.themes = u.search.signals.themes.clone();
        for (i, (_, ls)) in cues::LABEL_CUES.iter().enumerate() {
            if labels[i] {
                for l in *ls {
                    if !u.asked.contains(l) {
                        u.asked.push(*l);
                    }
                }
            }
        }
        u
    }

    /// The facts a free-text message states (a chosen option states its own instead).
    fn read_facts(&self, u: &mut Understanding, text: &str, found: &[Found]) {
        let s = &u.search.signals;
        let f = &mut u.facts;
        // A disaster the programs know, named, wins over a hazard named beside it (the
        // earthquake's fires were still the earthquake).
        f.disaster = if s.disasters.len() == 1 {
            s.disasters.first().copied().map(DisasterAnswer::Known)
        } else if found
            .iter()
            .any(|x| x.cue == Cue::OtherDisaster && !x.denied)
        {
            Some(DisasterAnswer::Other)
        } else {
            None
        };
        if s.stages.len() == 1 {
            f.stage = s.stages.first().copied();
        }
        let denied = found
            .iter()
            .any(|x| x.cue == Cue::Manufacturing && x.denied);
        f.manufacturer = if denied {
            Some(false)
        } else if s.industries.contains(MANUFACTURING) {
            Some(true)
        } else if s.industries.contains(cues::NOT_MANUFACTURING) {
            Some(false)
        } else {
            None
        };
        let money: Vec<Kind> = s
            .kinds
            .iter()
            .copied()
            .filter(|k| matches!(k, Kind::Subsidy | Kind::Loan))
            .collect();
        if let [k] = money[..] {
            f.kind = Some(KindAnswer::Only(k));
        }
        f.expense = amount::stated_expense(text);
        f.expense_kinds = found
            .iter()
            .filter_map(|x| match x.cue {
                Cue::Expense(i) if !x.denied && i < 32 => Some(1u32 << i),
                _ => None,
            })
            .fold(0, |a, b| a | b);
        let asks: BTreeSet<Kind> = found
            .iter()
            .filter_map(|x| match x.cue {
                Cue::Asks(k) if !x.denied => Some(k),
                _ => None,
            })
            .collect();
        if asks.len() == 1 {
            f.wants = asks.first().copied();
        }
    }
}

/// A chosen option states exactly its own facts, and the themes they imply.
fn apply_option(u: &mut Understanding, o: &QuestionOption) {
    u.facts = Facts {
        disaster: o.disaster,
        stage: o.stage,
        manufacturer: o.manufacturer,
        kind: o.kind,
        expense: None,
        expense_kinds: 0,
        wants: match o.kind {
            Some(KindAnswer::Only(k)) => Some(k),
            _ => None,
        },
    };
    u.themes.extend(o.theme);
    match o.who {
        Some(WhoAnswer::Owner) => u.scope.who = Who::Business(crate::corpus::BusinessRole::Owner),
        Some(WhoAnswer::Staff(role)) => u.scope.who = Who::Staff(role),
        None => {}
    }
    if let Some(DisasterAnswer::Known(_)) = o.disaster {
        u.themes.insert(Theme::Disaster);
    }
    if o.stage.is_some() {
        u.themes.insert(Theme::Succession);
    }
}

fn span(text: &str, normalized: &Normalized, f: &Found) -> Span {
    let (start, end) = normalized.original_range(f.start, f.end);
    let chars = |b: usize| text.get(..b).map_or(0, |s| s.chars().count());
    Span {
        start: chars(start),
        end: chars(end),
        cue: f.cue,
        denied: f.denied,
    }
}

/// The base forms of a list of words, analysed like any text (the rules' `add` words).
fn analyse_words(japanese: &Japanese, words: &[String]) -> Vec<String> {
    let mut out: Vec<String> = words
        .iter()
        .flat_map(|w| japanese.tokenize(&normalize(w)).into_iter().map(|t| t.text))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}
