//! Who is asking, from where, for what: the situations of `tests/golden/scope.tsv` (written from
//! the categories — private persons and purposes, businesses in other prefectures, other
//! subjects, and owners who only sound like them), each with the outcome it must get; and the
//! judgement inside a conversation.

use madoguchi::dialogue::{NoMatchReason, Reply, SessionLimits};

use crate::support::{Report, dialogue, respond};

const TABLE: &str = include_str!("golden/scope.tsv");

#[test]
fn each_situation_is_judged_for_who_where_and_what_for() {
    let d = dialogue(SessionLimits::default());
    let mut report = Report::default();
    for line in TABLE
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        let mut cols = line.splitn(3, '\t');
        let (Some(want), Some(category), Some(message)) = (cols.next(), cols.next(), cols.next())
        else {
            panic!("a line of scope.tsv without three columns: {line:?}");
        };
        let t = respond(&d, None, message);
        let reason = match &t.reply {
            Reply::NoMatch { reason, .. } => Some(reason.as_str()),
            _ => None,
        };
        let ok = match want {
            "in" => reason.is_none() && !t.reply.programs().is_empty(),
            // In scope, and the document may have nothing that fits (a typhoon is neither of
            // the two disasters its programs serve).
            "in-open" => !matches!(reason, Some("private" | "elsewhere" | "other_topic")),
            "private" => reason == Some("private"),
            "elsewhere" => reason == Some("elsewhere"),
            "offtopic" => matches!(reason, Some("other_topic" | "not_covered")),
            other => panic!("unknown expectation {other:?} in scope.tsv"),
        };
        let got = format!(
            "{} {:?}",
            reason.unwrap_or("programs"),
            t.reply
                .programs()
                .iter()
                .map(|p| p.id.as_str())
                .collect::<Vec<_>>()
        );
        report.check(
            ok,
            &format!("[{category}] {message}"),
            want,
            &got,
            "corpus/scope.toml (who, what for), corpus/places.toml (where), src/understand/scope.rs",
        );
    }
    report.finish("scope judgement");
}

#[test]
fn a_no_match_reply_says_why_and_where_to_ask() {
    let d = dialogue(SessionLimits::default());
    let cases = [
        (
            "年金生活をしています。雨漏りする自宅の屋根を直す補助は？",
            "private",
        ),
        (
            "宮崎県日南市で民宿を経営しています。改装の補助はありますか",
            "elsewhere",
        ),
        ("来週の熊本の天気を教えて", "other_topic"),
    ];
    for (message, reason) in cases {
        let t = respond(&d, None, message);
        let Reply::NoMatch { reason: r, refer } = &t.reply else {
            panic!("{message}: expected no match, got {}", t.text);
        };
        assert_eq!(r.as_str(), reason, "{message}");
        assert!(!refer.is_empty(), "{message}: where to ask");
        assert!(t.text.contains(&refer[0]), "{message}: {}", t.text);
        if let NoMatchReason::Elsewhere { prefecture } = r {
            assert_eq!(prefecture, "宮崎県");
            assert!(t.text.contains("熊本県外（宮崎県）"), "{}", t.text);
            assert!(
                !t.text.contains("商工振興金融課"),
                "Kumamoto's desk is no use: {}",
                t.text
            );
        }
    }
}

#[test]
fn another_subject_inside_a_conversation_is_judged_on_its_own() {
    let d = dialogue(SessionLimits::default());
    let first = respond(&d, None, "父の店を継いだので、新しい商品を作りたい");
    assert!(!first.reply.programs().is_empty(), "{}", first.text);
    let sid = Some(first.session_id.as_str());
    let aside = respond(&d, sid, "ところで、家族で使う車のローンも組みたいんですが");
    assert!(
        matches!(aside.reply, Reply::NoMatch { .. }),
        "a private purpose mid-conversation: {}",
        aside.text
    );
    // The conversation is still there for the next question about the business.
    let back = respond(&d, sid, "さっきの件、補助率はどのくらい？");
    let ids: Vec<&str> = back
        .reply
        .programs()
        .iter()
        .map(|p| p.id.as_str())
        .collect();
    assert!(
        ids.iter().any(|i| i.starts_with("shokei-atotsugi")),
        "the business conversation continues: {ids:?}"
    );
}

#[test]
fn an_owner_applies_directly_to_what_ranks_first() {
    let d = dialogue(SessionLimits::default());
    let t = respond(&d, None, "うちの焼酎を台湾の人に売り込みたい");
    let first = &t.reply.programs()[0];
    assert_eq!(first.id.as_str(), "taiwan-yushutsu", "{}", t.text);
    // A 商工会 asking for its members gets the program it applies for itself.
    let staff = respond(
        &d,
        None,
        "商工会の職員です。会員事業所と一緒に台湾へ経済交流の訪問団を出したい",
    );
    let ids: Vec<&str> = staff
        .reply
        .programs()
        .iter()
        .map(|p| p.id.as_str())
        .collect();
    assert_eq!(ids.first(), Some(&"taiwan-koryu"), "{}", staff.text);
}

#[test]
fn what_was_asked_for_comes_first() {
    let d = dialogue(SessionLimits::default());
    let t = respond(&d, None, "球磨村の店が水につかった。修理代を補助してほしい");
    let kinds: Vec<&str> = t.reply.programs().iter().map(|p| p.kind.as_str()).collect();
    let first_loan = kinds.iter().position(|k| *k == "loan");
    let last_subsidy = kinds.iter().rposition(|k| *k == "subsidy");
    assert!(
        matches!((first_loan, last_subsidy), (Some(l), Some(s)) if s < l) || first_loan.is_none(),
        "subsidies before loans: {kinds:?}"
    );
    let borrow = respond(&d, None, "水害のあと運転資金を借りたい");
    assert_eq!(
        borrow.reply.programs().first().map(|p| p.kind.as_str()),
        Some("loan"),
        "{}",
        borrow.text
    );
}
