//! The decision of a turn: merge the understood message into the session, search once with the
//! merged situation, then answer, ask the one question that changes the result, or say nothing
//! fits.

use std::collections::BTreeSet;

use crate::corpus::{
    Date, DisasterAnswer, Kind, KindAnswer, Program, QuestionOption, Slot, Status, TermLabel,
    Theme, WhoAnswer,
};
use crate::engine::{Engine, query_of};
use crate::search::{Hit, Query};
use crate::understand::{MANUFACTURING, OutOfScope, Understanding, Who};

use super::compose::{QUOTES_PER_PROGRAM, estimate, period_note, select_quotes};
use super::session::{Session, TOPIC_MESSAGES};
use super::{FollowUp, NoMatchReason, Recommendation, Reply};

/// Programs shown at most in one answer.
const MAX_PROGRAMS: usize = 5;
/// A program scoring below this share of the best one is noise, not a candidate.
const RELATIVE_CUTOFF: f32 = 0.25;
/// Below this, the person's own words barely touch the corpus (a single common word such as
/// 事業 or 支援 scores about this much): without a theme or a kind, that is no match.
/// Calibrated on the scores of ordinary in-domain and out-of-domain sentences (see the
/// dialogue tests); the same index and boosts produce them.
const MIN_EVIDENCE: f32 = 6.0;
/// Own-word evidence at which a message is specific enough not to be asked what it is about
/// (it names a program or several of its words).
const SPECIFIC_EVIDENCE: f32 = 20.0;
/// For a business owner, a program that a 商工団体 or a 市町村 applies for counts this share of
/// its score: it still shows, below the programs the owner can apply to directly.
const RUN_BY_OTHERS: f32 = 0.75;
/// A program whose stated 事業期間 has ended counts this share: among programs that fit
/// equally (within a few percent) it comes after one that still runs, and it stays listed.
const PERIOD_PASSED: f32 = 0.97;

/// Runs one turn of an understood message against the session; the caller stores the session.
pub(super) fn turn(engine: &Engine, session: &mut Session, u: Understanding, today: Date) -> Reply {
    if u.reset {
        *session = Session::default();
        if u.text.is_empty() {
            return ask(engine, session, Slot::Theme, Vec::new()).unwrap_or(Reply::Answer {
                programs: Vec::new(),
            });
        }
    }
    // Judged on its own: a message from someone these programs are not for, or on another
    // subject, gets no match and leaves the conversation as it was.
    if let Some(reply) = out_of_scope(engine, &u) {
        return reply;
    }
    decide(engine, session, u, today)
}

/// The no-match a message gets on its own, whatever the conversation before: a private person
/// or purpose, a business in another prefecture, or a topic these programs do not cover (unless
/// the message also raises one of their themes).
fn out_of_scope(engine: &Engine, u: &Understanding) -> Option<Reply> {
    let corpus = &engine.corpus;
    if let Some(verdict) = u.scope.verdict() {
        let private = |rule: Option<&crate::corpus::PrivateRule>| {
            rule.map(|r| {
                (
                    NoMatchReason::Private {
                        label: r.label.clone(),
                    },
                    vec![r.refer.clone()],
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
                    vec![format!(
                        "{pref}のよろず支援拠点や、事業所のある地域の商工会・商工会議所、{pref}の商工担当課"
                    )],
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
                topic: first.topic.clone(),
            },
            refer: topics.iter().map(|o| o.refer.clone()).collect(),
        });
    }
    None
}

fn decide(engine: &Engine, session: &mut Session, u: Understanding, today: Date) -> Reply {
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
        session.topic.push(u.search);
        if session.topic.len() > TOPIC_MESSAGES {
            session.topic.remove(0);
        }
        session.topic_themes.extend(u.themes.iter().copied());
    } else {
        session.topic = vec![u.search];
        session.topic_themes = u.themes.clone();
    }
    session.pending = None;

    let query = situation_query(session);
    let themes = query.themes.clone();
    let themed = !themes.is_empty();
    let wants_money = query
        .kinds
        .iter()
        .any(|k| matches!(k, Kind::Subsidy | Kind::Loan));
    let ranked = engine.rank(&query, MAX_PROGRAMS * 2);
    let hits = candidates(session, ranked.hits, today);
    // How much the person's own words touch the corpus matters only when no theme was
    // recognised.
    let evidence = if themed {
        f32::INFINITY
    } else {
        ranked.evidence
    };

    if hits.is_empty() || (!themed && !wants_money && evidence < MIN_EVIDENCE) {
        return Reply::NoMatch {
            reason: NoMatchReason::NotCovered,
            refer: Vec::new(),
        };
    }

    let programs = recommend(engine, session, &u.asked, &hits, today);
    let vague = !themed && evidence < SPECIFIC_EVIDENCE;
    // A person who names a program asks about that program: no question first.
    let question = if u.named.is_some() {
        None
    } else {
        next_question(engine, session, &themes, &hits, vague)
    };
    match question {
        Some(slot) => {
            ask(engine, session, slot, programs.clone()).unwrap_or(Reply::Answer { programs })
        }
        None => Reply::Answer { programs },
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

/// Ranked programs that the stated facts do not rule out.
fn candidates<'e>(
    session: &Session,
    ranked: Vec<(Hit, &'e Program)>,
    today: Date,
) -> Vec<(Hit, &'e Program)> {
    let f = &session.facts;
    // A business owner applies to some programs directly; others are a 商工団体's or a
    // 市町村's to apply for: those rank lower for an owner (not for staff).
    let mut ranked = ranked;
    let owner = !matches!(session.who, Who::Staff(_));
    for (h, p) in &mut ranked {
        if owner && p.applicant.is_some_and(|(a, _)| !a.is_direct()) {
            h.score *= RUN_BY_OTHERS;
        }
        // Of programs that fit equally, one whose stated period still runs comes first.
        if p.period.is_some_and(|x| x.status(today) == Status::After) {
            h.score *= PERIOD_PASSED;
        }
    }
    ranked.sort_by(|(a, _), (b, _)| b.score.total_cmp(&a.score).then(a.id.cmp(&b.id)));
    let mut hits: Vec<(Hit, &Program)> = ranked
        .into_iter()
        .filter(|(_, p)| {
            let other_disaster =
                f.disaster == Some(DisasterAnswer::Other) && !p.disasters.is_empty();
            let not_manufacturer =
                f.manufacturer == Some(false) && p.industries.iter().any(|i| i == MANUFACTURING);
            let wrong_kind = matches!(f.kind, Some(KindAnswer::Only(k)) if k != p.kind
                && matches!(p.kind, Kind::Subsidy | Kind::Loan)
                && session.asked.contains(&Slot::Kind));
            !(other_disaster || not_manufacturer || wrong_kind)
        })
        .collect();
    if let Some(best) = hits.first().map(|(h, _)| h.score) {
        hits.retain(|(h, _)| h.score >= best * RELATIVE_CUTOFF);
    }
    // What was asked for first: a person who wants a cost paid gets subsidies ahead of loans,
    // one who wants to borrow gets loans first (the order is otherwise kept).
    if let Some(wanted) = f.wants {
        hits.sort_by_key(|(_, p)| matches!(p.kind, Kind::Subsidy | Kind::Loan) && p.kind != wanted);
    }
    hits
}

fn recommend(
    engine: &Engine,
    session: &Session,
    asked: &[TermLabel],
    hits: &[(Hit, &Program)],
    today: Date,
) -> Vec<Recommendation> {
    hits.iter()
        .take(MAX_PROGRAMS)
        .map(|(h, p)| Recommendation {
            id: p.id.clone(),
            name: p.name.clone(),
            kind: p.kind,
            division: p.division.clone(),
            source: engine.corpus.document_of(p).info.id.clone(),
            score: h.score,
            quotes: select_quotes(p, asked, QUOTES_PER_PROGRAM)
                .into_iter()
                .cloned()
                .collect(),
            // Only where the stated cost is of a kind the program's 対象経費 names, and the
            // program serves what the situation is about (a DX project gets no succession
            // program's estimate).
            estimate: session
                .facts
                .expense
                .filter(|_| {
                    let paid = engine.kinds_paid.get(h.ord).copied().unwrap_or(0);
                    let on_topic = session.topic_themes.is_empty()
                        || p.themes.iter().any(|t| session.topic_themes.contains(t));
                    session.facts.expense_kinds & paid != 0 && on_topic
                })
                .and_then(|e| estimate(p, e)),
            period: period_note(p, today),
            applicant: p
                .applicant
                .and_then(|(a, i)| Some((a, p.terms.get(i)?.clone()))),
        })
        .collect()
}

/// The one question whose answer would change the result, if any: never one already asked,
/// never one whose fact is known.
fn next_question(
    engine: &Engine,
    session: &Session,
    themes: &BTreeSet<Theme>,
    hits: &[(Hit, &Program)],
    vague: bool,
) -> Option<Slot> {
    let open = |slot: Slot| {
        !session.asked.contains(&slot)
            && !session.facts.knows(slot)
            && (slot != Slot::Who || session.who == Who::Unknown)
    };
    let top: Vec<&Program> = hits.iter().take(MAX_PROGRAMS).map(|(_, p)| *p).collect();
    let top3 = || top.iter().take(3);
    if open(Slot::Theme) && vague {
        return Some(Slot::Theme);
    }
    let kinds: Vec<Kind> = top3().map(|p| p.kind).collect();
    // The questions that may apply, in the order a person would expect them, each only where
    // the fact it asks for concerns this situation: which disaster only for someone hit by one,
    // the succession stage only in a succession, 製造業 only where a manufacturing-only program
    // competes with one open to all.
    let candidates = [
        (Slot::Disaster, themes.contains(&Theme::Disaster)),
        (Slot::Stage, themes.contains(&Theme::Succession)),
        (
            Slot::Kind,
            kinds.contains(&Kind::Subsidy) && kinds.contains(&Kind::Loan),
        ),
        (
            Slot::Industry,
            top3().any(|p| p.industries.iter().any(|i| i == MANUFACTURING))
                && top.iter().any(|p| {
                    p.industries.is_empty() && p.themes.iter().any(|t| themes.contains(t))
                }),
        ),
        // Who applies matters when programs an owner applies to and programs a 商工団体 or
        // 市町村 applies for compete among the best three.
        (
            Slot::Who,
            top3().any(|p| p.applicant.is_some_and(|(a, _)| a.is_direct()))
                && top3().any(|p| p.applicant.is_some_and(|(a, _)| !a.is_direct())),
        ),
    ];
    candidates
        .into_iter()
        .filter(|&(slot, concerns)| concerns && open(slot))
        .map(|(slot, _)| slot)
        .find(|&slot| {
            engine
                .corpus
                .question(slot)
                .is_some_and(|q| answers_differ(&q.options, hits))
        })
}

/// Whether the options of a question lead to different answers: each option's facts are
/// applied to the candidates, and the question is worth asking only if the best three differ
/// between options. Never ask a question whose every answer gives the same programs.
fn answers_differ(options: &[QuestionOption], hits: &[(Hit, &Program)]) -> bool {
    let money = |p: &Program| matches!(p.kind, Kind::Subsidy | Kind::Loan);
    let answer = |o: &QuestionOption| -> Vec<&str> {
        // Staff see programs run by a 商工団体 or 市町村 at their full score (the candidates
        // carry the owner's weighting, the usual reading of an unknown person).
        let mut scored: Vec<(f32, &Program)> = hits
            .iter()
            .take(MAX_PROGRAMS)
            .map(|(h, p)| {
                let staff = matches!(o.who, Some(WhoAnswer::Staff(_)));
                let run_by_others = p.applicant.is_some_and(|(a, _)| !a.is_direct());
                let score = if staff && run_by_others {
                    h.score / RUN_BY_OTHERS
                } else {
                    h.score
                };
                (score, *p)
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        let kept: Vec<&Program> = scored
            .into_iter()
            .map(|(_, p)| p)
            .filter(|p| match o.disaster {
                Some(DisasterAnswer::Known(d)) => {
                    p.disasters.is_empty() || p.disasters.contains(&d)
                }
                Some(DisasterAnswer::Other) => p.disasters.is_empty(),
                None => true,
            })
            .filter(|p| {
                o.stage
                    .is_none_or(|s| p.stages.is_empty() || p.stages.contains(&s))
            })
            .filter(|p| match o.kind {
                Some(KindAnswer::Only(k)) => !money(p) || p.kind == k,
                _ => true,
            })
            .filter(|p| {
                o.manufacturer != Some(false) || !p.industries.iter().any(|i| i == MANUFACTURING)
            })
            .collect();
        kept.iter().take(3).map(|p| p.id.as_str()).collect()
    };
    let mut answers: Vec<Vec<&str>> = options.iter().map(answer).collect();
    answers.sort();
    answers.dedup();
    answers.len() >= 2
}

fn ask(
    engine: &Engine,
    session: &mut Session,
    slot: Slot,
    programs: Vec<super::Recommendation>,
) -> Option<Reply> {
    let q = engine.corpus.question(slot)?;
    session.asked.insert(slot);
    session.pending = Some(slot);
    Some(Reply::Clarify {
        follow_up: FollowUp {
            slot,
            question: q.text.clone(),
            options: q.options.iter().map(|o| o.label.clone()).collect(),
        },
        programs,
    })
}
