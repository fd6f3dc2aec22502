//! The fit stage: one verdict per program for the situation a conversation has built up, and
//! the short list an answer shows. A program *fits* when the person's need is what it is for
//! (one of its `needs`, or its theme when the person names no narrower need) and no stated
//! fact contradicts it; it *may fit* when exactly one unknown fact decides (that fact's question
//! is the one to ask); otherwise it *does not fit* — a stated fact rules it out, a condition
//! it carries (`requires`, a disaster, a succession stage, an industry) is not met, or nothing
//! but incidental words connect the two. There is no fixed count and no share of a best score:
//! the list is what fits, best first. Every threshold of the decision lives in this file.

use std::collections::BTreeSet;

use crate::corpus::{
    Date, DisasterAnswer, Kind, KindAnswer, Program, Size, Slot, Stage, Status, Theme,
};
use crate::engine::Engine;
use crate::search::Hit;
use crate::understand::{Facts, MANUFACTURING, Who};

/// Below this, the person's own words barely touch the corpus (a single common word such as
/// 事業 or 支援 scores about this much): without a theme or a kind, that is no match.
/// Calibrated on the scores of ordinary in-domain and out-of-domain sentences (see the
/// dialogue tests); the same index and boosts produce them.
pub(super) const MIN_EVIDENCE: f32 = 6.0;
/// Own-word evidence at which a message is specific enough not to be asked what it is about
/// (it names a program or several of its words).
pub(super) const SPECIFIC_EVIDENCE: f32 = 20.0;
/// For a business owner, a program that a 商工団体 or a 市町村 applies for counts this share of
/// its score in the order of the list: it still shows, below the programs the owner takes
/// part in directly.
const RUN_BY_OTHERS: f32 = 0.75;
/// A program whose stated 事業期間 has ended counts this share: among programs that fit
/// equally (within a few percent) it comes after one that still runs, and it stays listed.
const PERIOD_PASSED: f32 = 0.97;

/// What the fit stage reads of a conversation: the topic's themes, words and kinds of help
/// asked for, and the facts of every turn.
#[derive(Debug)]
pub(super) struct Situation<'s> {
    /// The topic's themes, and those the facts imply (a known disaster, a succession stage).
    pub themes: BTreeSet<Theme>,
    /// The topic's words, the person's own and those the vocabulary added, base forms.
    pub terms: BTreeSet<&'s str>,
    /// The person's own words among them.
    pub own: BTreeSet<&'s str>,
    /// The person's own words in the latest message.
    pub latest: BTreeSet<&'s str>,
    pub facts: &'s Facts,
    /// The kinds of help asked for (補助金, 融資, 専門家, セミナー …), from the vocabulary's
    /// signals and the way the person asked.
    pub wants: BTreeSet<Kind>,
    /// What the person said their business is (小規模事業者, 中堅企業 …).
    pub sizes: BTreeSet<Size>,
    /// The program the latest message names, by position.
    pub named: Option<usize>,
    /// The person chose subsidy or loan from the question: the other kind is then ruled out.
    pub kind_chosen: bool,
    /// The money the person asked for in so many words (借りたい, 補助してほしい) or chose.
    pub asked_money: Option<Kind>,
}

/// One program's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Verdict {
    Fits,
    /// Exactly one unknown fact decides; the slot asks for it.
    MayFit(Slot),
}

/// A program on the short list, with what made it fit.
#[derive(Debug, Clone, Copy)]
pub(super) struct Judged {
    /// Position in `Corpus::programs`.
    pub ord: usize,
    pub verdict: Verdict,
    /// The program was named by the person.
    pub named: bool,
    /// The index in `Program::needs` of the need the situation states.
    pub need: Option<usize>,
    /// The person stated that need in their own words.
    pub own_need: bool,
    /// A theme the program shares with the situation, when no need was named.
    pub theme: Option<Theme>,
}

/// A program that passed its conditions, before the comparison with the others.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    ord: usize,
    unknown: Option<Slot>,
    need: Option<usize>,
    /// The need is stated in the person's own words (not only in words the vocabulary added).
    own_need: bool,
    /// Of the kind of help asked for (or nothing was asked for).
    kind_ok: bool,
    /// Pays for a cost the person stated (or no cost, or a program that names none).
    cost_ok: bool,
}

/// The ranking's programs in the order a list shows them (positions in `Corpus::programs`):
/// by score, a program run by others after one an owner takes part in directly (for an
/// owner), one whose period has passed after one that runs, and the kind of money asked for
/// first.
pub(super) fn order(
    who: Who,
    wants: Option<Kind>,
    hits: &[(Hit, &Program)],
    today: Date,
) -> Vec<usize> {
    let owner = !matches!(who, Who::Staff(_));
    let mut scored: Vec<(f32, &Program, usize)> = hits
        .iter()
        .map(|(h, p)| {
            let mut score = h.score;
            if owner && p.applicant.is_some_and(|(a, _)| !a.is_direct()) {
                score *= RUN_BY_OTHERS;
            }
            if p.period.is_some_and(|x| x.status(today) == Status::After) {
                score *= PERIOD_PASSED;
            }
            (score, *p, h.ord)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.id.cmp(&b.1.id)));
    if let Some(wanted) = wants {
        scored.sort_by_key(|(_, p, _)| {
            matches!(p.kind, Kind::Subsidy | Kind::Loan) && p.kind != wanted
        });
    }
    scored.into_iter().map(|(_, _, ord)| ord).collect()
}

/// How many of the ranking's programs the stage judges: every program of a corpus this size,
/// and at scale the best of the ranking (which already weighs themes and facts).
pub(super) const CANDIDATES: usize = 64;

/// The verdicts for the situation, programs that fit first, then those that may fit, each
/// group in the order of `ranked` (positions in `Corpus::programs`, best first). Programs that
/// do not fit are left out.
pub(super) fn judge(engine: &Engine, s: &Situation<'_>, ranked: &[usize]) -> Vec<Judged> {
    let programs = &engine.corpus.programs;
    if let Some(ord) = s
        .named
        .filter(|o| ranked.contains(o) || *o < programs.len())
    {
        // A person who names a program asks about that program.
        return vec![Judged {
            ord,
            verdict: Verdict::Fits,
            named: true,
            need: None,
            own_need: false,
            theme: None,
        }];
    }
    // The need words each set of the person's words states, matched once for every program.
    let (latest, own, terms) = (
        engine.needs.stated(s.latest.iter().copied()),
        engine.needs.stated(s.own.iter().copied()),
        engine.needs.stated(s.terms.iter().copied()),
    );
    let mut open: Vec<(Candidate, Vec<Theme>)> = Vec::new();
    for &ord in ranked {
        let Some(p) = programs.get(ord) else {
            continue;
        };
        let Some(unknown) = conditions(p, s) else {
            continue;
        };
        // The need the person stated in their own words (in the latest message first), else
        // one the vocabulary's words state.
        let own = engine.needs.first_stated(ord, &own);
        let own_need = own.is_some();
        let need = engine
            .needs
            .first_stated(ord, &latest)
            .or(own)
            .or_else(|| engine.needs.first_stated(ord, &terms));
        let shared: Vec<Theme> = p
            .themes
            .iter()
            .copied()
            .filter(|t| s.themes.contains(t))
            .collect();
        // Only incidental words connect them: no theme of the situation, and (when it has
        // themes) none of the program's.
        if shared.is_empty() && (need.is_none() || !s.themes.is_empty()) {
            continue;
        }
        let kind_ok = s.wants.is_empty() || offers_wanted(p, &s.wants, s.asked_money);
        // A subsidy whose terms say what it pays for, and name none of the costs stated.
        let paid = engine.kinds_paid.get(ord).copied().unwrap_or(0);
        let cost_ok = s.facts.expense_kinds == 0
            || p.kind != Kind::Subsidy
            || paid == 0
            || paid & s.facts.expense_kinds != 0;
        open.push((
            Candidate {
                ord,
                unknown,
                need,
                own_need,
                kind_ok,
                cost_ok,
            },
            shared,
        ));
    }
    // The kind of help asked for, when any program gives it: the others do not fit.
    if open.iter().any(|(c, _)| c.kind_ok) {
        open.retain(|(c, _)| c.kind_ok);
    }
    // Within each theme the person raised, a program that pays for the cost they stated beats
    // one that does not, and one that serves a need the person stated in their own words beats
    // one that only shares the theme (or meets only words the vocabulary added, which say what
    // the theme is rather than what this person needs) — each when the theme has such a
    // program at all.
    let mut kept = vec![false; open.len()];
    for theme in &s.themes {
        let group: Vec<usize> = (0..open.len())
            .filter(|&i| open[i].1.contains(theme))
            .collect();
        let group = narrowed(&open, group, |c| c.cost_ok);
        let group = narrowed(&open, group, |c| c.own_need);
        for i in group {
            kept[i] = true;
        }
    }
    // Without any theme, a need stated in the person's own words is enough on its own.
    if s.themes.is_empty() {
        let group: Vec<usize> = (0..open.len()).filter(|&i| open[i].0.own_need).collect();
        let group = narrowed(&open, group, |c| c.cost_ok);
        for i in group {
            kept[i] = true;
        }
    }
    let mut out: Vec<Judged> = Vec::new();
    let chosen: Vec<&(Candidate, Vec<Theme>)> = open
        .iter()
        .zip(&kept)
        .filter(|(_, k)| **k)
        .map(|(c, _)| c)
        .collect();
    for fits in [true, false] {
        for (c, shared) in &chosen {
            if c.unknown.is_none() != fits {
                continue;
            }
            out.push(Judged {
                ord: c.ord,
                verdict: c.unknown.map_or(Verdict::Fits, Verdict::MayFit),
                named: false,
                need: c.need,
                own_need: c.own_need,
                theme: shared.first().copied(),
            });
        }
    }
    accompanied(engine, s, &mut out);
    umbrellas(engine, out)
}

/// A program that accompanies another (the つなぎ融資 of a subsidy: the subsidy pays after the
/// work is done) fits wherever that one does, right after it, when its own conditions hold.
fn accompanied(engine: &Engine, s: &Situation<'_>, out: &mut Vec<Judged>) {
    let programs = &engine.corpus.programs;
    let mut i = 0;
    while i < out.len() {
        let host = out[i];
        i += 1;
        for &ord in engine.links.accompanied_by(host.ord) {
            let Some(p) = programs.get(ord) else {
                continue;
            };
            if conditions(p, s).is_none() {
                continue;
            }
            // Listed before its host for no need the person stated: it moves to right after it.
            if let Some(at) = out.iter().position(|j| j.ord == ord) {
                if at < i && !out[at].own_need {
                    let moved = out.remove(at);
                    out.insert(i - 1, moved);
                }
                continue;
            }
            out.insert(
                i,
                Judged {
                    ord,
                    verdict: host.verdict,
                    named: false,
                    need: None,
                    own_need: false,
                    theme: host.theme,
                },
            );
            i += 1;
        }
    }
}

/// The group narrowed to the members that pass `keep`, unless none does.
fn narrowed(
    open: &[(Candidate, Vec<Theme>)],
    group: Vec<usize>,
    keep: impl Fn(&Candidate) -> bool,
) -> Vec<usize> {
    if group.iter().any(|&i| keep(&open[i].0)) {
        group.into_iter().filter(|&i| keep(&open[i].0)).collect()
    } else {
        group
    }
}

/// Whether the program gives a kind of help the person asked for. Money is money while the
/// person only mentions it (a subsidy for an investment, or a loan for it: both serve), but
/// one who asks for a subsidy or a loan in so many words, or chooses one, is not served by the
/// other.
fn offers_wanted(p: &Program, wants: &BTreeSet<Kind>, asked_money: Option<Kind>) -> bool {
    let money = |k: &Kind| matches!(k, Kind::Subsidy | Kind::Loan);
    if let Some(asked) = asked_money
        && money(&p.kind)
    {
        return p.kind == asked;
    }
    wants.contains(&p.kind)
        || p.offers.iter().any(|k| wants.contains(k))
        || (money(&p.kind) && wants.iter().any(money))
}

/// The program's conditions against the stated facts: `None` when a fact contradicts one (or
/// a condition cannot hold for this situation); otherwise the one fact still unknown that
/// decides, if any. Two unknown facts make a program too uncertain to list.
fn conditions(p: &Program, s: &Situation<'_>) -> Option<Option<Slot>> {
    let f = s.facts;
    if !p.requires.is_empty() && !p.requires.iter().any(|t| s.themes.contains(t)) {
        return None;
    }
    let mut unknown: Vec<Slot> = Vec::new();
    if !p.disasters.is_empty() {
        match f.disaster {
            Some(DisasterAnswer::Known(d)) if p.disasters.contains(&d) => {}
            Some(_) => return None,
            // Reserved for disaster victims: only for someone hit by a disaster, and then
            // which one decides.
            None if s.themes.contains(&Theme::Disaster) => unknown.push(Slot::Disaster),
            None => return None,
        }
    }
    if !p.stages.is_empty() {
        match f.stage {
            Some(Stage::Consulting) | None
                if p.stages.len() > 1 || p.stages.contains(&Stage::Consulting) => {}
            // Where to ask says nothing of the stage: a program for one stage still depends on
            // it.
            Some(Stage::Consulting) | None => unknown.push(Slot::Stage),
            Some(stage) if p.stages.contains(&stage) => {}
            Some(_) => return None,
        }
    }
    if p.industries.iter().any(|i| i == MANUFACTURING) {
        match f.manufacturer {
            Some(true) => {}
            Some(false) => return None,
            None => unknown.push(Slot::Industry),
        }
    }
    if let Some(KindAnswer::Only(k)) = f.kind
        && s.kind_chosen
        && k != p.kind
        && matches!(p.kind, Kind::Subsidy | Kind::Loan)
    {
        return None;
    }
    // A business that says it is a mid-sized company is not a small one.
    if s.sizes.contains(&Size::MidSized)
        && !p.sizes.is_empty()
        && !p.sizes.contains(&Size::Sme)
        && !p.sizes.contains(&Size::MidSized)
        && !p.sizes.contains(&Size::Association)
    {
        return None;
    }
    match unknown[..] {
        [] => Some(None),
        [slot] => Some(Some(slot)),
        _ => None,
    }
}

/// A program is not listed beside one of its own menus (the menu says more), unless the person
/// named it.
fn umbrellas(engine: &Engine, judged: Vec<Judged>) -> Vec<Judged> {
    let parent_of = |j: &Judged| engine.links.parent(j.ord);
    judged
        .iter()
        .filter(|j| j.named || !judged.iter().any(|k| parent_of(k) == Some(j.ord)))
        .copied()
        .collect()
}
