//! Replies in the asker's language: every turn of the golden situations and dialogues, asked in
//! Japanese, answered in English and in 繁體中文 (the channel's explicit choice, so the check does
//! not lean on understanding English or Chinese), must read as that language outside 「…」 by the
//! eval's own rule (`reply_in` of `../shared/eval/run_eval.py`, ported below); and the Japanese
//! reply and its rendering must stay byte for byte what `tests/golden/replies_ja.txt` recorded
//! before English and Chinese were added.

use std::fmt::Write;

use sha2::{Digest, Sha256};

use madoguchi::dialogue::{Dialogue, Lang, SessionLimits, Turn, Unlimited};
use madoguchi::render::{self, Options, Style};

use crate::support::{dialogue, root};

const SITUATIONS: &str = include_str!("golden/situations.txt");
const DIALOGUES: &str = include_str!("golden/dialogues.txt");

/// Every rendering option at once: numbered options, ids and the 【該当なし】 block.
const FULL: Style = Style {
    limit: usize::MAX,
    options: Options::Inline,
    ids: true,
    referral: true,
};

fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Conversations the golden set lacks, for the notes it never shows: an estimate and a
/// question about deadlines.
const EXTRA: &[&[&str]] = &[
    &["父から店を引き継いで二代目になりました。店舗の改装に300万円かかります"],
    &[
        "父の店を継いだ二代目です。雨漏りの修理に200万円かかります",
        "締め切りはいつですか",
    ],
];

/// The conversations: each situation alone, then each dialogue.
pub(crate) fn conversations() -> Vec<Vec<&'static str>> {
    let mut out: Vec<Vec<&str>> = lines(SITUATIONS).map(|q| vec![q]).collect();
    out.extend(
        DIALOGUES
            .split("\n\n")
            .map(|b| lines(b).collect::<Vec<_>>())
            .filter(|b| !b.is_empty()),
    );
    out
}

/// Every turn of every conversation, in order, answered in `lang`.
fn turns(d: &Dialogue, lang: Lang) -> Vec<(&'static str, Turn)> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a current-thread runtime");
    let mut out = Vec::new();
    // The Japanese snapshot was recorded over the golden set alone.
    let extra: &[&[&str]] = if lang == Lang::Ja { &[] } else { EXTRA };
    let extra = extra.iter().map(|c| c.to_vec());
    for c in conversations().into_iter().chain(extra) {
        let mut sid: Option<String> = None;
        for q in c {
            let t = rt
                .block_on(d.respond_in(&Unlimited, sid.as_deref(), q, Some(lang)))
                .expect("room for the test's conversations");
            sid = Some(t.session_id.clone());
            out.push((q, t));
        }
    }
    out
}

/// The first 16 hex digits of the text's SHA-256: the snapshot keeps a digest of each reply
/// (the replies themselves are 1.3 MB with their renderings).
fn digest(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One line per turn: the question, the digest of the reply, the digest of its full rendering.
fn japanese_snapshot() -> Vec<(String, String)> {
    let d = dialogue(SessionLimits::default());
    turns(&d, Lang::Ja)
        .into_iter()
        .map(|(q, t)| {
            let line = format!(
                "{q}\t{}\t{}",
                digest(&t.text),
                digest(&render::turn(&t, FULL).text())
            );
            let shown = format!(
                "{}\n--- rendered\n{}",
                t.text,
                render::turn(&t, FULL).text()
            );
            (line, shown)
        })
        .collect()
}

#[test]
fn japanese_replies_are_unchanged() {
    let path = root().join("tests/golden/replies_ja.txt");
    let got = japanese_snapshot();
    if std::env::var_os("MADOGUCHI_RECORD_JA").is_some() {
        let mut out = String::new();
        for (line, _) in &got {
            let _ = writeln!(out, "{line}");
        }
        std::fs::write(&path, out).expect("write the Japanese snapshot");
        return;
    }
    let want = std::fs::read_to_string(&path).expect("tests/golden/replies_ja.txt");
    let want: Vec<&str> = want.lines().collect();
    let changed: Vec<String> = got
        .iter()
        .zip(want.iter().copied().chain(std::iter::repeat("(none)")))
        .filter(|((line, _), w)| line != w)
        .take(3)
        .map(|((line, shown), w)| format!("recorded: {w}\nnow:      {line}\n{shown}"))
        .collect();
    if !changed.is_empty() || got.len() != want.len() {
        let first = changed.join("\n\n");
        panic!(
            "a Japanese reply changed (tests/golden/replies_ja.txt is the reply before English \
             and Chinese were added; it changes only by hand, with a reason):\n{first}"
        );
    }
}

/// The eval's `reply_in` (`shared/eval/run_eval.py`), ported: outside 「…」 at most 5 % of the
/// letters are kana, and for English at least half are Latin letters (for Chinese, fewer).
fn reply_in(lang: Lang, text: &str) -> bool {
    let mut depth = 0usize;
    let (mut letters, mut kana, mut latin) = (0usize, 0usize, 0usize);
    for c in text.chars() {
        match c {
            '「' => depth += 1,
            '」' => depth = depth.saturating_sub(1),
            c if depth == 0 && c.is_alphabetic() => {
                letters += 1;
                kana += usize::from(('\u{3040}'..='\u{30ff}').contains(&c));
                latin += usize::from(c.is_ascii());
            }
            _ => {}
        }
    }
    if letters == 0 || kana * 20 > letters {
        return false;
    }
    match lang {
        Lang::En => latin * 2 >= letters,
        _ => latin * 2 < letters,
    }
}

/// What a set of turns showed: each kind of reply, each no-match reason, each note.
#[derive(Default, Debug)]
struct Seen(std::collections::BTreeSet<&'static str>);

impl Seen {
    fn note(&mut self, t: &Turn) {
        use madoguchi::dialogue::{NoMatchReason, Reply, SessionStatus};
        let s = &mut self.0;
        match &t.reply {
            Reply::Answer { programs } if programs.is_empty() => s.insert("answer, asking more"),
            Reply::Answer { .. } => s.insert("answer"),
            Reply::Clarify { programs, .. } if programs.is_empty() => s.insert("clarify alone"),
            Reply::Clarify { .. } => s.insert("clarify with candidates"),
            Reply::NoMatch { reason, refer } => {
                if !refer.is_empty() {
                    s.insert("no match with a referral");
                }
                s.insert(match reason {
                    NoMatchReason::Private { .. } => "no match: private",
                    NoMatchReason::Elsewhere { .. } => "no match: elsewhere",
                    NoMatchReason::OtherTopic { .. } => "no match: other topic",
                    NoMatchReason::NotCovered => "no match: not covered",
                    NoMatchReason::Language => "no match: language",
                })
            }
        };
        for p in t.reply.programs() {
            if p.estimate.is_some() {
                s.insert("estimate");
            }
            if p.period.status == madoguchi::corpus::Status::After {
                s.insert("period ended");
            }
            if !p.fits {
                s.insert("may fit");
            }
        }
        match t.status {
            SessionStatus::Expired => s.insert("expired"),
            SessionStatus::Unknown => s.insert("unknown"),
            SessionStatus::TurnLimit => s.insert("turn limit"),
            SessionStatus::Degraded => s.insert("degraded"),
            SessionStatus::New | SessionStatus::Continued => false,
        };
    }
}

/// Checks one turn answered in `lang`: the reply and its full rendering read as `lang`, every
/// program is named with its gloss, and the question's options are the translated labels.
fn check_turn(lang: Lang, q: &str, t: &Turn, failures: &mut Vec<String>) {
    let rendered = render::turn(t, FULL).text();
    if t.lang != lang {
        failures.push(format!("{q}: answered in {:?}, not {lang:?}", t.lang));
    }
    for (what, text) in [("reply", &t.text), ("rendering", &rendered)] {
        if !reply_in(lang, text) {
            failures.push(format!(
                "{q}: the {what} does not read as {lang:?}:\n{text}"
            ));
        }
    }
    for p in t.reply.programs() {
        let gloss = if lang == Lang::En {
            &p.gloss.en
        } else {
            &p.gloss.zh
        };
        if !t.text.contains(&format!("「{}」", p.name)) || !t.text.contains(&**gloss) {
            failures.push(format!("{q}: {} is not named with its gloss", p.id));
        }
    }
    if let Some(f) = t.reply.follow_up() {
        for o in &f.options {
            if !madoguchi::corpus::reads_as(o, lang == Lang::En) {
                failures.push(format!("{q}: the option {o:?} is not in {lang:?}"));
            }
        }
    }
}

/// A session store that cannot be reached: every turn is answered on its own.
#[derive(Debug)]
struct Unreachable;

impl madoguchi::dialogue::SessionStore for Unreachable {
    fn take<'a>(
        &'a self,
        _: Option<&'a str>,
    ) -> madoguchi::dialogue::StoreFuture<'a, madoguchi::dialogue::Taken> {
        Box::pin(std::future::ready(madoguchi::dialogue::Taken {
            id: "down".into(),
            session: Default::default(),
            status: madoguchi::dialogue::SessionStatus::Degraded,
            ended: Vec::new(),
        }))
    }
    fn admit<'a>(
        &'a self,
        _: &'a str,
    ) -> madoguchi::dialogue::StoreFuture<
        'a,
        Result<Vec<madoguchi::dialogue::Session>, madoguchi::dialogue::StoreFull>,
    > {
        Box::pin(std::future::ready(Ok(Vec::new())))
    }
    fn put<'a>(
        &'a self,
        _: &'a str,
        _: madoguchi::dialogue::Session,
    ) -> madoguchi::dialogue::StoreFuture<'a, Vec<madoguchi::dialogue::Session>> {
        Box::pin(std::future::ready(Vec::new()))
    }
    fn count(&self) -> Option<usize> {
        None
    }
    fn is_healthy(&self) -> bool {
        false
    }
    fn backend(&self) -> &'static str {
        "unreachable"
    }
}

/// The turns that start over: an unknown id, an expired session, the turn limit, a store that
/// cannot be reached.
fn starting_over(lang: Lang) -> Vec<(&'static str, Turn)> {
    use std::time::Duration;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime");
    let q = "熊本地震で工場が壊れました。補助金はありますか";
    let ask = |d: &Dialogue, sid: Option<&str>| {
        rt.block_on(d.respond_in(&Unlimited, sid, q, Some(lang)))
            .expect("room")
    };
    let mut out = Vec::new();
    let d = dialogue(SessionLimits::default());
    out.push((q, ask(&d, Some("no-such-session"))));
    let d = dialogue(SessionLimits {
        idle: Duration::from_millis(20),
        ..SessionLimits::default()
    });
    let first = ask(&d, None);
    std::thread::sleep(Duration::from_millis(60));
    out.push((q, ask(&d, Some(&first.session_id))));
    let d = dialogue(SessionLimits {
        max_turns: 1,
        ..SessionLimits::default()
    });
    let first = ask(&d, None);
    out.push((q, ask(&d, Some(&first.session_id))));
    let down = Dialogue::new(
        crate::support::engine().clone(),
        std::sync::Arc::new(Unreachable),
    );
    out.push((q, ask(&down, None)));
    out
}

/// Every turn of the golden situations and dialogues, and the four ways of starting over,
/// asked in Japanese and answered in English and in Chinese, reads as that language; and the
/// turns cover every kind of reply, every no-match reason and every note.
#[test]
fn every_reply_reads_as_english_and_as_chinese() {
    for lang in [Lang::En, Lang::Zh] {
        let d = dialogue(SessionLimits::default());
        let mut seen = Seen::default();
        let mut failures = Vec::new();
        for (q, t) in turns(&d, lang).into_iter().chain(starting_over(lang)) {
            seen.note(&t);
            check_turn(lang, q, &t, &mut failures);
        }
        let want = [
            "answer",
            "clarify alone",
            "clarify with candidates",
            "no match with a referral",
            "no match: private",
            "no match: elsewhere",
            "no match: other topic",
            "no match: not covered",
            "estimate",
            "period ended",
            "may fit",
            "expired",
            "unknown",
            "turn limit",
            "degraded",
        ];
        let missing: Vec<&str> = want
            .iter()
            .copied()
            .filter(|w| !seen.0.contains(w))
            .collect();
        assert!(
            missing.is_empty(),
            "{lang:?}: no turn showed {missing:?}: add a situation to tests/golden that does"
        );
        assert!(
            failures.is_empty(),
            "{} of the {lang:?} turns are not in {lang:?}:\n{}",
            failures.len(),
            failures
                .iter()
                .take(8)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n\n")
        );
    }
}

/// A translated option is a button like the Japanese one: sent back as the next message, it
/// states its fact and the question is not asked again; the conversation stays in its
/// language.
#[test]
fn a_translated_option_is_chosen_like_the_japanese_one() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    for lang in [Lang::En, Lang::Zh] {
        let d = dialogue(SessionLimits::default());
        let first = rt
            .block_on(d.respond_in(&Unlimited, None, "災害で店が壊れました", Some(lang)))
            .expect("room");
        let f = first.reply.follow_up().expect("which disaster?");
        assert_eq!(f.slot.as_str(), "disaster", "{}", first.text);
        let option = f.options[0].clone();
        let next = rt
            .block_on(d.respond_in(&Unlimited, Some(&first.session_id), &option, None))
            .expect("room");
        assert_eq!(next.lang, lang, "{option}: {}", next.text);
        assert!(
            next.reply
                .follow_up()
                .is_none_or(|f| f.slot.as_str() != "disaster"),
            "{option} was not read as the option:\n{}",
            next.text
        );
        assert!(
            next.reply
                .programs()
                .iter()
                .any(|p| p.id.as_str() == "fukko-shien-tanken"),
            "{option}: {}",
            next.text
        );
    }
}
