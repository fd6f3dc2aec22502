//! The decision of a turn: merge the understood message into the session, search once with the
//! merged situation, then answer, ask the one question that changes the result, or say nothing
//! fits.

use std::collections::BTreeSet;

use crate::corpus::{Date, DisasterAnswer, Kind, KindAnswer, Slot, Stage, TermLabel, Theme};
use crate::engine::{Engine, query_of};
use crate::search::Query;
use crate::understand::{MANUFACTURING, OutOfScope, Signals, Understanding, Who};

use super::compose::{QUOTES_PER_PROGRAM, estimate, period_note, select_quotes};
use super::fit::{self, Judged, Situation, Verdict};
use super::reason;
use super::reply::{pick, words};
use super::{FollowUp, Lang, NoMatchReason, Recommendation, Reply};
use crate::sessions::{Session, TOPIC_MESSAGES};

/// Runs one turn of an understood message against the session; the caller stores the session.
pub(super) fn turn(
    engine: &Engine,
    session: &mut Session,
    u: Understanding,
    today: Date,
    lang: Lang,
) -> Reply {
    if u.reset {
        // The language is the conversation's, even across a new start.
        *session = Session {
            lang: session.lang,
            ..Session::default()
        };
        if u.text.is_empty() {
            return ask(engine, session, Slot::Theme, Vec::new(), lang).unwrap_or(Reply::Answer {
                programs: Vec::new(),
            });
        }
    }
    // Who is asking, from where, for what: judged on the message, and a judgement that rules
    // the conversation out stays with it until a later message corrects it. A message on
    // another subject gets no match and leaves the conversation as it was.
    let judged = match u.scope.verdict() {
        Some(v) => Some(v),
        None => session.ruled_out.filter(|&v| !u.scope.corrects(v)),
    };
    // Who and where stay judged; a private purpose stays only for a conversation it opened (in
    // a business conversation it was an aside, and the business goes on).
    session.ruled_out =
        judged.filter(|v| !matches!(v, OutOfScope::PrivatePurpose(_)) || session.topic.is_empty());
    if let Some(reply) = out_of_scope(engine, judged, &u, lang) {
        // A business elsewhere still said what it needs: kept, so that a correction (the
        // business is in Kumamoto after all) answers it.
        if matches!(judged, Some(OutOfScope::Elsewhere(_))) {
            absorb(session, &u);
        }
        return reply;
    }
    decide(engine, session, u, today, lang)
}

/// Merges an understood message into the session: its facts (a later statement overrides),
/// who the person is, and its search terms into the topic.
fn absorb(session: &mut Session, u: &Understanding) {
    session.facts.merge(u.facts);
    if u.scope.who != Who::Unknown {
        session.who = u.scope.who;
    }
    // The message continues the topic when it answers the last question, raises no theme of
    // its own, or shares one with the topic; otherwise the person has moved on.
    let continues = u.chose.is_some()
        || u.themes.is_empty()
        || session.topic_themes.is_empty()
        || !u.themes.is_disjoint(&session.topic_themes);
    if continues {
        session.topic.push(u.search.clone());
        if session.topic.len() > TOPIC_MESSAGES {
            session.topic.remove(0);
        }
        session.topic_themes.extend(u.themes.iter().copied());
    } else {
        session.topic = vec![u.search.clone()];
        session.topic_themes = u.themes.clone();
    }
    session.pending = None;
}

/// The no-match a message gets: a private person or purpose, or a business in another
/// prefecture (`judged`: this message's judgement or the conversation's standing one), or a
/// topic these programs do not cover (unless the message also raises one of their themes).
fn out_of_scope(
    engine: &Engine,
    judged: Option<OutOfScope>,
    u: &Understanding,
    lang: Lang,
) -> Option<Reply> {
    let corpus = &engine.corpus;
    if let Some(verdict) = judged {
        let private = |rule: Option<&crate::corpus::PrivateRule>| {
            rule.map(|r| {
                (
                    NoMatchReason::Private {
                        label: pick(lang, &r.label, &r.label_translated).to_string(),
                    },
                    vec![pick(lang, &r.refer, &r.refer_translated).to_string()],
                )
            })
        };
        let (reason, refer) = match verdict {
            OutOfScope::PrivatePerson(i) => private(corpus.scope.private.get(i))?,
            OutOfScope::PrivatePurpose(i) => private(corpus.scope.purposes.get(i))?,
            OutOfScope::Elsewhere(i) => {
                let pref = &corpus.places.prefectures.get(i)?.name;
                (
                    NoMatchReason::Elsewhere {
                        prefecture: pref.clone(),
                    },
                    vec![words(lang).elsewhere_refer(pref)],
                )
            }
        };
        return Some(Reply::NoMatch { reason, refer });
    }
    let topics: Vec<_> = u
        .out_of_scope
        .iter()
        .filter_map(|&i| corpus.vocabulary.out_of_scope.get(i))
        .collect();
    let first = topics.first()?;
    if topics.iter().any(|o| o.always) || u.themes.is_empty() {
        return Some(Reply::NoMatch {
            reason: NoMatchReason::OtherTopic {
                topic: pick(lang, &first.topic, &first.topic_translated).to_string(),
            },
            refer: topics
                .iter()
                .map(|o| pick(lang, &o.refer, &o.refer_translated).to_string())
                .collect(),
        });
    }
    None
}

fn decide(
    engine: &Engine,
    session: &mut Session,
    u: Understanding,
    today: Date,
    lang: Lang,
) -> Reply {
    absorb(session, &u);
    let query = situation_query(session);
    let themed = !query.themes.is_empty();
    let wants_money = query
        .kinds
        .iter()
        .any(|k| matches!(k, Kind::Subsidy | Kind::Loan));
    let ranked = engine.rank(&query, fit::CANDIDATES);
    // How much the person's own words touch the corpus matters only when no theme was
    // recognised.
    let evidence = if themed {
        f32::INFINITY
    } else {
        ranked.evidence
    };
    if ranked.hits.is_empty() || (!themed && !wants_money && evidence < fit::MIN_EVIDENCE) {
        return Reply::NoMatch {
            reason: NoMatchReason::NotCovered,
            refer: Vec::new(),
        };
    }
    let order = fit::order(session.who, session.facts.wants, &ranked.hits, today);
    let latest = session
        .topic
        .last()
        .map(|m| m.signals.clone())
        .unwrap_or_default();
    let situation = situation(session, &query, &latest, u.named);
    let judged = fit::judge(engine, &situation, &order);
    let vague = !themed && evidence < fit::SPECIFIC_EVIDENCE;
    let open = |slot: Slot| !session.asked.contains(&slot) && !session.facts.knows(slot);
    if judged.is_empty() {
        // Nothing fits yet: a person who has not said what it is about is asked; one who has
        // is told plainly that nothing here fits.
        if vague && open(Slot::Theme) {
            return ask(engine, session, Slot::Theme, Vec::new(), lang).unwrap_or(Reply::NoMatch {
                reason: NoMatchReason::NotCovered,
                refer: Vec::new(),
            });
        }
        return Reply::NoMatch {
            reason: NoMatchReason::NotCovered,
            refer: Vec::new(),
        };
    }
    let programs = recommend(
        engine,
        session,
        &u.asked,
        &judged,
        &ranked.hits,
        today,
        lang,
    );
    // A person who names a program asks about that program: no question first.
    let question = if u.named.is_some() {
        None
    } else if vague && open(Slot::Theme) {
        Some(Slot::Theme)
    } else {
        next_question(engine, session, &judged)
    };
    match question {
        Some(slot) => {
            ask(engine, session, slot, programs.clone(), lang).unwrap_or(Reply::Answer { programs })
        }
        None => Reply::Answer { programs },
    }
}

/// What the fit stage reads: the topic's themes (and those the facts imply), its words, the
/// facts, and the kinds of help asked for.
fn situation<'s>(
    session: &'s Session,
    query: &Query<'s>,
    latest: &Signals,
    named: Option<usize>,
) -> Situation<'s> {
    let f = &session.facts;
    let mut themes = query.themes.clone();
    if matches!(f.disaster, Some(DisasterAnswer::Known(_))) {
        themes.insert(Theme::Disaster);
    }
    if matches!(f.stage, Some(Stage::Preparing | Stage::Succeeded)) {
        themes.insert(Theme::Succession);
    }
    let mut terms: BTreeSet<&str> = BTreeSet::new();
    let mut own: BTreeSet<&str> = BTreeSet::new();
    for m in &session.topic {
        own.extend(m.words.iter());
        terms.extend(m.words.iter());
        terms.extend(m.added.iter());
    }
    // The kinds of help asked for: what the vocabulary read in the latest message (専門家,
    // セミナー, 補助金 …) except a loan, which its rules also read from a debt described
    // (返済が厳しい), not asked for; and the money asked for in so many words in any turn
    // (借りたい, 補助してほしい) or chosen from the question.
    let mut wants: BTreeSet<Kind> = latest
        .kinds
        .iter()
        .copied()
        .filter(|k| *k != Kind::Loan)
        .collect();
    wants.extend(f.wants);
    if let Some(KindAnswer::Only(k)) = f.kind
        && session.asked.contains(&Slot::Kind)
    {
        wants.insert(k);
    }
    Situation {
        themes,
        terms,
        own,
        latest: session
            .topic
            .last()
            .map(|m| m.words.iter().collect())
            .unwrap_or_default(),
        facts: f,
        wants,
        sizes: query.sizes.clone(),
        named,
        kind_chosen: session.asked.contains(&Slot::Kind),
        asked_money: match f.kind {
            Some(KindAnswer::Only(k)) if session.asked.contains(&Slot::Kind) => Some(k),
            _ => f.wants,
        },
    }
}

/// The search query for the whole situation: the topic's words and the session's facts.
fn situation_query(session: &Session) -> Query<'_> {
    let mut query = query_of(&session.topic);
    // Every message of the topic added its themes (and a chosen option's) to the topic's.
    query.themes = session.topic_themes.clone();
    let f = &session.facts;
    match f.disaster {
        Some(DisasterAnswer::Known(d)) => query.disasters = [d].into(),
        Some(DisasterAnswer::Other) => query.disasters.clear(),
        None => {}
    }
    if let Some(stage) = f.stage {
        query.stages = [stage].into();
    }
    match f.manufacturer {
        Some(true) => {
            query.industries.insert(MANUFACTURING);
        }
        Some(false) => {
            query.industries.remove(MANUFACTURING);
        }
        None => {}
    }
    match f.kind {
        Some(KindAnswer::Only(k)) => {
            query
                .kinds
                .retain(|x| !matches!(x, Kind::Subsidy | Kind::Loan));
            query.kinds.insert(k);
        }
        Some(KindAnswer::Any) => query
            .kinds
            .retain(|x| !matches!(x, Kind::Subsidy | Kind::Loan)),
        None => {}
    }
    query
}

fn recommend(
    engine: &Engine,
    session: &Session,
    asked: &[TermLabel],
    judged: &[Judged],
    hits: &[(crate::search::Hit, &crate::corpus::Program)],
    today: Date,
    lang: Lang,
) -> Vec<Recommendation> {
    let programs = &engine.corpus.programs;
    judged
        .iter()
        .filter_map(|j| {
            let p = programs.get(j.ord)?;
            let score = hits
                .iter()
                .find(|(h, _)| h.ord == j.ord)
                .map_or(0.0, |(h, _)| h.score);
            let mut quotes: Vec<crate::corpus::Quote> = select_quotes(p, asked, QUOTES_PER_PROGRAM)
                .into_iter()
                .cloned()
                .collect();
            // The quote that shows why it fits is always among those shown.
            let (_, wanted) = reason::reason(p, j, &session.facts, &p.terms);
            if let Some(q) = wanted.and_then(|i| p.terms.get(i))
                && !quotes.contains(q)
            {
                // In place of the last term that is neither the 事業期間 nor the 窓口.
                let at = quotes
                    .iter()
                    .rposition(|x| !matches!(x.label, TermLabel::Period | TermLabel::Contact));
                match at {
                    Some(i) => quotes[i] = q.clone(),
                    None => quotes.insert(0, q.clone()),
                }
            }
            let (reason, reason_quote) = reason::reason(p, j, &session.facts, &quotes);
            Some(Recommendation {
                id: p.id.clone(),
                name: p.name.clone(),
                gloss: p.gloss.clone(),
                kind: p.kind,
                division: p.division.clone(),
                division_gloss: p.division_gloss.clone(),
                source: engine.corpus.document_of(p).info.id.clone(),
                score,
                quotes,
                // Wherever the stated cost is of a kind the program's terms pay for.
                estimate: session
                    .facts
                    .expense
                    .filter(|_| {
                        let paid = engine.kinds_paid.get(j.ord).copied().unwrap_or(0);
                        session.facts.expense_kinds & paid != 0
                    })
                    .and_then(|e| estimate(p, e)),
                period: period_note(p, today),
                applicant: p
                    .applicant
                    .and_then(|(a, i)| Some((a, p.terms.get(i)?.clone()))),
                reason: Some(words(lang).reason(&reason)),
                reason_quote,
                fits: j.verdict == Verdict::Fits,
            })
        })
        .collect()
}

/// The one question whose answer changes the list, if any: the unknown fact a listed program
/// waits on (which disaster, which stage of a succession, manufacturing or not), or subsidy or
/// loan when both are listed and the person has not said. Never one already asked, never one
/// whose fact is known.
fn next_question(engine: &Engine, session: &Session, judged: &[Judged]) -> Option<Slot> {
    let open = |slot: Slot| !session.asked.contains(&slot) && !session.facts.knows(slot);
    let waits = |slot: Slot| judged.iter().any(|j| j.verdict == Verdict::MayFit(slot));
    let programs = &engine.corpus.programs;
    let kinds: BTreeSet<Kind> = judged
        .iter()
        .filter_map(|j| programs.get(j.ord))
        .map(|p| p.kind)
        .collect();
    let money_both = kinds.contains(&Kind::Subsidy)
        && kinds.contains(&Kind::Loan)
        && session.facts.wants.is_none();
    [
        (Slot::Disaster, waits(Slot::Disaster)),
        (Slot::Stage, waits(Slot::Stage)),
        (Slot::Industry, waits(Slot::Industry)),
        (Slot::Kind, money_both),
    ]
    .into_iter()
    .filter(|&(slot, concerns)| concerns && open(slot))
    .map(|(slot, _)| slot)
    .find(|&slot| engine.corpus.question(slot).is_some())
}

fn ask(
    engine: &Engine,
    session: &mut Session,
    slot: Slot,
    programs: Vec<super::Recommendation>,
    lang: Lang,
) -> Option<Reply> {
    let q = engine.corpus.question(slot)?;
    session.asked.insert(slot);
    session.pending = Some(slot);
    Some(Reply::Clarify {
        follow_up: FollowUp {
            slot,
            question: pick(lang, &q.text, &q.text_translated).to_string(),
            options: q
                .options
                .iter()
                .map(|o| pick(lang, &o.label, &o.label_translated).to_string())
                .collect(),
        },
        programs,
    })
}
