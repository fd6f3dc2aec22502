//! The decision of a turn: merge the message into the session, search with the merged
//! situation, then answer, ask the one question that changes the result, or say nothing fits.

use crate::corpus::{DisasterAnswer, Kind, KindAnswer, Program, Slot, Theme};
use crate::engine::Engine;
use crate::search::{Hit, QueryPlan};
use crate::text::Expander;

use super::compose::{QUOTES_PER_PROGRAM, asked_labels, estimate, select_quotes};
use super::session::{Session, TOPIC_MESSAGES};
use super::situation::{MANUFACTURING, read};
use super::{FollowUp, Recommendation, Reply};

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

/// Runs one turn against the session; the caller stores the session back.
pub(super) fn turn(
    engine: &Engine,
    out_of_scope: &Expander,
    session: &mut Session,
    message: &str,
) -> Reply {
    let own_plan = engine.index.plan(message);
    let mut reading = read(message, &own_plan, &engine.corpus, out_of_scope);
    if reading.reset {
        *session = Session::default();
        if reading.rest.is_empty() {
            return ask(engine, session, Slot::Theme, Vec::new()).unwrap_or(Reply::Answer {
                programs: Vec::new(),
            });
        }
        let rest = reading.rest.clone();
        let plan = engine.index.plan(&rest);
        reading = read(&rest, &plan, &engine.corpus, out_of_scope);
        return decide(engine, session, &rest, reading);
    }
    decide(engine, session, message, reading)
}

fn decide(
    engine: &Engine,
    session: &mut Session,
    message: &str,
    reading: super::situation::Reading,
) -> Reply {
    session.facts.merge(reading.facts);
    // The message continues the topic when it answers the last question, raises no theme of
    // its own, or shares one with the topic; otherwise the person has moved on.
    let continues = reading.chose.is_some()
        || reading.themes.is_empty()
        || session.topic_themes.is_empty()
        || !reading.themes.is_disjoint(&session.topic_themes);
    if continues {
        session.topic.push(message.to_string());
        if session.topic.len() > TOPIC_MESSAGES {
            session.topic.remove(0);
        }
        session.topic_themes.extend(reading.themes.iter().copied());
    } else {
        session.topic = vec![message.to_string()];
        session.topic_themes = reading.themes.clone();
    }
    session.pending = None;

    let plan = situation_plan(engine, session);
    let hits = candidates(engine, session, &plan);
    let themed = !plan.themes.is_empty();
    // How much the person's own words touch the corpus; only needed when no theme was
    // recognised (a second query, so it is skipped otherwise).
    let evidence = if themed {
        f32::INFINITY
    } else {
        engine.index.evidence(&plan)
    };
    let wants_money = plan
        .kinds
        .iter()
        .any(|k| matches!(k, Kind::Subsidy | Kind::Loan));

    // Out of scope: the message names a topic these programs do not cover and nothing in the
    // conversation points at a theme they do.
    let topics: Vec<_> = reading
        .out_of_scope
        .iter()
        .filter_map(|&i| engine.corpus.vocabulary.out_of_scope.get(i))
        .collect();
    let ruled_out = topics.iter().any(|o| o.always) || (!topics.is_empty() && !themed);
    let refer: Vec<String> = topics.iter().map(|o| o.refer.clone()).collect();
    if ruled_out || hits.is_empty() || (!themed && !wants_money && evidence < MIN_EVIDENCE) {
        return Reply::NoMatch { refer };
    }

    let programs = recommend(engine, session, message, &hits);
    let vague = !themed && evidence < SPECIFIC_EVIDENCE;
    match next_question(session, &plan, &hits, vague) {
        Some(slot) => {
            ask(engine, session, slot, programs.clone()).unwrap_or(Reply::Answer { programs })
        }
        None => Reply::Answer { programs },
    }
}

/// The search plan for the whole situation: the topic's words and the session's facts.
fn situation_plan(engine: &Engine, session: &Session) -> QueryPlan {
    let mut plan = engine.index.plan(&session.topic.join("\n"));
    plan.themes.extend(session.topic_themes.iter().copied());
    let f = &session.facts;
    match f.disaster {
        Some(DisasterAnswer::Known(d)) => plan.disasters = [d].into(),
        Some(DisasterAnswer::Other) => plan.disasters.clear(),
        None => {}
    }
    if let Some(stage) = f.stage {
        plan.stages = [stage].into();
    }
    match f.manufacturer {
        Some(true) => {
            plan.industries.insert(MANUFACTURING.to_string());
        }
        Some(false) => {
            plan.industries.remove(MANUFACTURING);
        }
        None => {}
    }
    match f.kind {
        Some(KindAnswer::Only(k)) => {
            plan.kinds
                .retain(|x| !matches!(x, Kind::Subsidy | Kind::Loan));
            plan.kinds.insert(k);
        }
        Some(KindAnswer::Any) => plan
            .kinds
            .retain(|x| !matches!(x, Kind::Subsidy | Kind::Loan)),
        None => {}
    }
    plan
}

/// Ranked programs that the stated facts do not rule out.
fn candidates<'e>(
    engine: &'e Engine,
    session: &Session,
    plan: &QueryPlan,
) -> Vec<(Hit, &'e Program)> {
    let f = &session.facts;
    let mut hits: Vec<(Hit, &Program)> = engine
        .rank(plan, MAX_PROGRAMS * 2)
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
    hits
}

fn recommend(
    engine: &Engine,
    session: &Session,
    message: &str,
    hits: &[(Hit, &Program)],
) -> Vec<Recommendation> {
    let asked = asked_labels(message);
    hits.iter()
        .take(MAX_PROGRAMS)
        .map(|(h, p)| Recommendation {
            id: p.id.clone(),
            name: p.name.clone(),
            kind: p.kind,
            division: p.division.clone(),
            source: engine.corpus.document_of(p).info.id.clone(),
            score: h.score,
            quotes: select_quotes(p, &asked, QUOTES_PER_PROGRAM)
                .into_iter()
                .cloned()
                .collect(),
            estimate: session.facts.expense.and_then(|e| estimate(p, e)),
        })
        .collect()
}

/// The one question whose answer would change the result, if any: never one already asked,
/// never one whose fact is known.
fn next_question(
    session: &Session,
    plan: &QueryPlan,
    hits: &[(Hit, &Program)],
    vague: bool,
) -> Option<Slot> {
    let open = |slot: Slot| !session.asked.contains(&slot) && !session.facts.knows(slot);
    let top: Vec<&Program> = hits.iter().take(MAX_PROGRAMS).map(|(_, p)| *p).collect();
    let distinct = |key: &dyn Fn(&Program) -> String| {
        let mut seen: Vec<String> = top
            .iter()
            .map(|p| key(p))
            .filter(|k| !k.is_empty())
            .collect();
        seen.sort();
        seen.dedup();
        seen.len()
    };
    let disaster_matters = plan.themes.contains(&Theme::Disaster)
        || top.iter().take(3).any(|p| !p.disasters.is_empty());
    if open(Slot::Disaster)
        && disaster_matters
        && distinct(&|p| format!("{:?}", p.disasters).replace("[]", "")) >= 2
    {
        return Some(Slot::Disaster);
    }
    if open(Slot::Stage)
        && plan.themes.contains(&Theme::Succession)
        && distinct(&|p| format!("{:?}", p.stages).replace("[]", "")) >= 2
    {
        return Some(Slot::Stage);
    }
    if open(Slot::Theme) && vague {
        return Some(Slot::Theme);
    }
    let kinds: Vec<Kind> = top.iter().take(3).map(|p| p.kind).collect();
    if open(Slot::Kind) && kinds.contains(&Kind::Subsidy) && kinds.contains(&Kind::Loan) {
        return Some(Slot::Kind);
    }
    let restricted = top
        .iter()
        .take(3)
        .any(|p| p.industries.iter().any(|i| i == MANUFACTURING));
    let open_to_all = top
        .iter()
        .any(|p| p.industries.is_empty() && p.themes.iter().any(|t| plan.themes.contains(t)));
    if open(Slot::Industry) && restricted && open_to_all {
        return Some(Slot::Industry);
    }
    None
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
