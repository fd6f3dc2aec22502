//! Dialogue scenarios, written for these tests, for each theme: answer, clarify then answer,
//! no match, the 目安 estimate, a later fact overriding an earlier one, no question asked
//! twice, start over, and a change of topic.

use madoguchi::corpus::Slot;
use madoguchi::dialogue::{Dialogue, Reply, SessionLimits, Turn};

use crate::support::{dialogue, respond};

fn d() -> Dialogue {
    dialogue(SessionLimits::default())
}

fn ids(t: &Turn) -> Vec<&str> {
    t.reply.programs().iter().map(|p| p.id.as_str()).collect()
}

fn asked(t: &Turn) -> Option<Slot> {
    t.reply.follow_up().map(|f| f.slot)
}

/// Sends each message in one session; returns every turn.
fn talk(d: &Dialogue, messages: &[&str]) -> Vec<Turn> {
    let mut sid: Option<String> = None;
    let mut out = Vec::new();
    for m in messages {
        let t = respond(d, sid.as_deref(), m);
        sid = Some(t.session_id.clone());
        out.push(t);
    }
    out
}

#[test]
fn disaster_unknown_is_asked_then_the_answer_fits_the_disaster() {
    let d = d();
    let t = talk(
        &d,
        &[
            "災害で工場が壊れてしまいました。再建の支援はありますか",
            "熊本地震",
        ],
    );
    assert_eq!(asked(&t[0]), Some(Slot::Disaster), "{}", t[0].text);
    assert!(
        !t[0].reply.programs().is_empty(),
        "candidates are shown while asking"
    );
    let after = ids(&t[1]);
    assert_eq!(after.first(), Some(&"fukko-shien-tanken"), "{after:?}");
    assert!(
        !after.contains(&"nariwai-saiken"),
        "a flood-only program for an earthquake: {after:?}"
    );
}

#[test]
fn a_later_statement_overrides_an_earlier_fact() {
    let d = d();
    let t = talk(
        &d,
        &[
            "熊本地震で店が被害を受けた",
            "すみません、地震ではなく令和2年7月豪雨で浸水した被害でした",
        ],
    );
    assert!(
        ids(&t[0]).contains(&"fukko-shien-tanken"),
        "{:?}",
        ids(&t[0])
    );
    let after = ids(&t[1]);
    assert!(after.contains(&"nariwai-saiken"), "{after:?}");
    assert!(!after.contains(&"fukko-shien-tanken"), "{after:?}");
}

#[test]
fn succession_stage_is_asked_once_then_answered() {
    let d = d();
    let t = talk(
        &d,
        &["店を継ぐ話が出ています", "すでに承継した（引継ぎ後）"],
    );
    assert_eq!(asked(&t[0]), Some(Slot::Stage), "{}", t[0].text);
    assert_eq!(
        ids(&t[1]).first(),
        Some(&"shokei-atotsugi.oen"),
        "{:?}",
        ids(&t[1])
    );
    assert_eq!(asked(&t[1]), None);
}

#[test]
fn a_question_is_never_asked_twice_even_when_ignored() {
    let d = d();
    let t = talk(
        &d,
        &[
            "後継ぎのことで悩んでいます",
            "後継者の育成について知りたい",
            "息子が跡継ぎです",
        ],
    );
    assert_eq!(asked(&t[0]), Some(Slot::Stage));
    for later in &t[1..] {
        assert_ne!(asked(later), Some(Slot::Stage), "{}", later.text);
    }
}

#[test]
fn manufacturer_or_not_changes_the_answer() {
    let d = d();
    let t = talk(&d, &["現場の機器をDX化して生産性を上げたい", "製造業です"]);
    assert_eq!(asked(&t[0]), Some(Slot::Industry), "{}", t[0].text);
    assert_eq!(
        ids(&t[1]).first(),
        Some(&"shinka-dx.seizo-dx"),
        "{:?}",
        ids(&t[1])
    );
    let t = talk(
        &d,
        &[
            "現場の機器をDX化して生産性を上げたい",
            "製造業ではありません",
        ],
    );
    assert!(
        !ids(&t[1]).contains(&"shinka-dx.seizo-dx"),
        "{:?}",
        ids(&t[1])
    );
    assert!(!ids(&t[1]).is_empty());
}

#[test]
fn subsidy_or_loan_is_asked_when_both_fit() {
    let d = d();
    let t = talk(
        &d,
        &[
            "太陽光発電や省エネの設備を入れたい",
            "融資（借入）を探している",
        ],
    );
    assert_eq!(asked(&t[0]), Some(Slot::Kind), "{}", t[0].text);
    assert_eq!(
        ids(&t[1]).first(),
        Some(&"kinyu-sogo-shien.zero-carbon"),
        "{:?}",
        ids(&t[1])
    );
}

#[test]
fn a_vague_request_asks_what_it_is_about() {
    let d = d();
    let t = talk(&d, &["使える助成金はありますか", "台湾への輸出・交流"]);
    assert_eq!(asked(&t[0]), Some(Slot::Theme), "{}", t[0].text);
    let after = ids(&t[1]);
    assert!(
        after.iter().take(2).any(|i| i.starts_with("taiwan-")),
        "{after:?}"
    );
}

#[test]
fn single_questions_by_theme_are_answered() {
    let d = d();
    let cases: &[(&str, &str)] = &[
        (
            "副業のプロ人材に来てもらう報酬を補助してほしい",
            "pro-jinzai",
        ),
        (
            "商店街で子ども向けのワークショップを開いてにぎわいを作りたい",
            "kodomo-kirakira",
        ),
        (
            "借入の返済が厳しくなってきた。事業再生の計画づくりを専門家に手伝ってほしい",
            "jigyo-saisei",
        ),
        (
            "台湾での食品の見本市に出て現地のバイヤーと商談したい",
            "taiwan-yushutsu",
        ),
        (
            "くまもとＤＸ推進コンソーシアムに入会したい",
            "dx-consortium",
        ),
    ];
    for (q, want) in cases {
        let t = respond(&d, None, q);
        assert!(
            ids(&t).first() == Some(want),
            "{q}: {:?}\n{}",
            ids(&t),
            t.text
        );
        assert!(!t.reply.programs()[0].quotes.is_empty());
        assert!(t.text.contains("令和7年度"), "freshness note: {}", t.text);
    }
}

#[test]
fn questions_outside_these_programs_get_no_match() {
    let d = d();
    for q in [
        "年末調整の書類の書き方を教えて",
        "東京都の創業助成金について知りたい",
        "明日は雨が降りますか",
        "持ち家の屋根を直す補助金はありますか",
        "家庭菜園を始めたい",
        "ふるさと納税の返礼品のおすすめは",
        // Regression: 借り換え names a business theme, but a home loan is never a business one.
        "住宅ローンの借り換えを相談したい",
    ] {
        let t = respond(&d, None, q);
        assert!(
            matches!(t.reply, Reply::NoMatch { .. }),
            "{q}: {:?}\n{}",
            ids(&t),
            t.text
        );
        assert!(t.reply.programs().is_empty());
        assert!(
            t.text.contains("商工会"),
            "suggests where to ask: {}",
            t.text
        );
    }
}

#[test]
fn an_expense_gets_a_capped_estimate_per_subsidy() {
    let d = d();
    let t = talk(
        &d,
        &["父から店を引き継いで二代目になりました。店舗の改装に300万円かかります"],
    );
    let oen = t[0]
        .reply
        .programs()
        .iter()
        .find(|p| p.id.as_str() == "shokei-atotsugi.oen")
        .expect("後継ぎ応援事業 is recommended");
    let e = oen.estimate.as_ref().expect("an estimate");
    // 300万円 × 2/3 = 200万円, capped at the quoted 100万円.
    assert_eq!(
        (e.expense, e.rate.num, e.rate.den, e.cap, e.amount),
        (3_000_000, 2, 3, 1_000_000, 1_000_000)
    );
    assert!(e.rate_quote.text.contains("２/３") && e.cap_quote.text.contains("１００万円"));
    assert!(t[0].text.contains("目安"), "{}", t[0].text);
}

#[test]
fn start_over_forgets_the_facts() {
    let d = d();
    let t = talk(
        &d,
        &["熊本地震で被災しました", "最初から", "豪雨で店が浸水した"],
    );
    assert_eq!(asked(&t[1]), Some(Slot::Theme));
    assert!(t[1].reply.programs().is_empty());
    assert!(ids(&t[2]).contains(&"nariwai-saiken"), "{:?}", ids(&t[2]));
}

#[test]
fn a_new_topic_replaces_the_old_one() {
    let d = d();
    let t = talk(
        &d,
        &[
            "事業承継の準備で株式の評価を頼みたい",
            "話は変わりますが、台湾に日本酒を輸出したい",
        ],
    );
    assert!(ids(&t[1])[0].starts_with("taiwan-"), "{:?}", ids(&t[1]));
}

#[test]
fn any_text_gets_a_reply_without_panic() {
    let d = d();
    for m in [
        "",
        "？？？",
        "😀😀😀",
        "\u{0}\u{1}\u{7f}",
        &"あ".repeat(5_000),
        "ｶﾞｷﾞｸﾞ",
        "300万円",
    ] {
        let t = respond(&d, None, m);
        assert!(!t.text.is_empty(), "{m:?}");
    }
}

/// An estimate only where the stated cost is of a kind the program pays for, and a monthly
/// amount is multiplied by its months.
#[test]
fn estimates_only_when_the_cost_fits_the_program() {
    let d = d();
    let estimate_of = |message: &str, id: &str| {
        let t = respond(&d, None, message);
        t.reply
            .programs()
            .iter()
            .find(|p| p.id.as_str() == id)
            .unwrap_or_else(|| panic!("{id} for {message}: {}", t.text))
            .estimate
            .clone()
    };
    // 後継ぎ応援事業 pays for 店舗改装費, not for repairs.
    assert!(
        estimate_of(
            "父の店を継いだ二代目です。雨漏りの修理に200万円かかります",
            "shokei-atotsugi.oen"
        )
        .is_none(),
        "a repair is not a cost the program pays for"
    );
    // 月10万円で半年: 60万円 × 8/10 = 48万円 under the 500千円 cap.
    let e = estimate_of(
        "副業のプロ人材に月10万円の報酬で半年来てもらいたい",
        "pro-jinzai",
    )
    .expect("an estimate for the fee");
    assert_eq!((e.expense, e.amount), (600_000, 480_000));
}

/// Every listed program says in one line why it is there, and points at a quote it shows.
#[test]
fn each_listed_program_says_why_and_points_at_a_quote() {
    let d = d();
    for q in [
        "父の店を継いだばかりです。店舗を改装したい",
        "令和2年7月豪雨で店が浸水した。修理に補助はありますか",
        "台湾に焼酎を輸出したい",
        "現場の機器をDX化して生産性を上げたい",
        "商店街で子ども向けのイベントを開きたい",
        "災害で店が壊れました",
    ] {
        let t = respond(&d, None, q);
        assert!(!t.reply.programs().is_empty(), "{q}: {}", t.text);
        for p in t.reply.programs() {
            let reason = p.reason.as_deref().unwrap_or("");
            assert!(!reason.is_empty(), "{q}: {} has no reason", p.id);
            // No figure but in a disaster's name (令和2年7月豪雨): terms are only quoted.
            let unnamed = madoguchi::corpus::Disaster::ALL
                .iter()
                .fold(reason.to_string(), |r, d| r.replace(d.as_str(), ""));
            assert!(
                !unnamed.chars().any(|c| c.is_ascii_digit()),
                "{q}: a reason states no figure: {reason}"
            );
            let at = p
                .reason_quote
                .unwrap_or_else(|| panic!("{q}: {} no quote", p.id));
            assert!(
                at < p.quotes.len(),
                "{q}: {} quote {at} of {}",
                p.id,
                p.quotes.len()
            );
            assert!(
                t.text.contains(reason),
                "{q}: the reply says why: {}",
                t.text
            );
        }
    }
}

/// A fact stated later moves the answer: 製造業です turns the manufacturing-only program from
/// "may fit" into "fits"; a cost stated later gets an estimate from the quoted rate and cap.
#[test]
fn every_fact_moves_the_answer() {
    let d = d();
    let t = talk(
        &d,
        &[
            "工場の生産ラインにIoTの機器を入れたい",
            "製造業です",
            "機器の費用は900万円ほどの見込みです",
        ],
    );
    let seizo = |t: &Turn| {
        t.reply
            .programs()
            .iter()
            .find(|p| p.id.as_str() == "shinka-dx.seizo-dx")
            .cloned()
    };
    let second = seizo(&t[1]).expect("the manufacturing program is listed");
    assert!(second.fits, "製造業です: it fits now: {}", t[1].text);
    let third = seizo(&t[2]).expect("still listed");
    let e = third.estimate.expect("an estimate once the cost is known");
    // 900万円 × 2/3 = 600万円, capped at the quoted 500万円 (５百万円).
    assert_eq!(
        (e.expense, e.amount),
        (9_000_000, 5_000_000),
        "{}",
        t[2].text
    );
}

/// A trade that is not manufacturing is never asked whether it is, and the manufacturing-only
/// program is not listed for it.
#[test]
fn a_trade_that_is_not_manufacturing_is_not_asked_about_it() {
    let d = d();
    let t = respond(
        &d,
        None,
        "温泉旅館を経営しています。予約や会計をデジタル化したい",
    );
    assert_ne!(asked(&t), Some(Slot::Industry), "{}", t.text);
    assert!(!ids(&t).contains(&"shinka-dx.seizo-dx"), "{:?}", ids(&t));
    assert!(!ids(&t).is_empty(), "{}", t.text);
}

/// A business judged to be in another prefecture stays judged so on the next message, until
/// the person corrects it; then what they asked for meanwhile is answered.
#[test]
fn a_judgement_stays_with_the_conversation_until_corrected() {
    let d = d();
    let t = talk(
        &d,
        &[
            "佐賀県で和菓子屋をやっています",
            "熊本には店も工場もありません。新しい販路を開拓したい",
            "言い忘れました、店は八代市にあります",
        ],
    );
    assert!(matches!(t[0].reply, Reply::NoMatch { .. }), "{}", t[0].text);
    assert!(
        matches!(t[1].reply, Reply::NoMatch { .. }),
        "still elsewhere: {}",
        t[1].text
    );
    assert!(
        ids(&t[2]).contains(&"hanro-kaitaku"),
        "{:?}\n{}",
        ids(&t[2]),
        t[2].text
    );
}

/// Who takes part, from the quoted 事業主体: a program the prefecture runs says so, not that
/// the owner applies directly.
#[test]
fn a_program_the_prefecture_runs_says_so() {
    let d = d();
    let t = respond(&d, None, "台湾の見本市に自社の食品を出したい");
    let p = t
        .reply
        .programs()
        .iter()
        .find(|p| p.id.as_str() == "taiwan-yushutsu")
        .expect("the Taiwan export program");
    let (who, quote) = p.applicant.as_ref().expect("who takes part");
    assert_eq!(who.as_str(), "県");
    assert!(who.how().contains("県が実施"), "{}", who.how());
    assert!(quote.text.contains("事業主体"), "{}", quote.text);
}
