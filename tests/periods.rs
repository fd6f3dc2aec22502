//! Dates: every record's 事業期間 read as years (an explicit table, checked against the whole
//! corpus), the status of programs at three dates, the reply's note about the year, and the
//! questions about time.

use madoguchi::corpus::{Date, Status, YearUnit};
use madoguchi::dialogue::{Clock, Dialogue, SessionLimits, Turn};

use crate::support::{engine, respond};

/// Every record with a 事業期間 quote, and the years it states.
const EXPECTED: &[(&str, i32, Option<i32>, YearUnit)] = &[
    ("hanro-kaitaku", 2022, Some(2026), YearUnit::Calendar),
    ("jigyo-saisei", 2025, Some(2025), YearUnit::Fiscal),
    ("kumamoto-gata-shokibo", 2024, Some(2027), YearUnit::Fiscal),
    ("pro-jinzai", 2025, Some(2027), YearUnit::Fiscal),
    ("saiken-hatten", 2022, Some(2026), YearUnit::Fiscal),
    (
        "saiken-hatten.keiei-kaizen",
        2022,
        Some(2026),
        YearUnit::Fiscal,
    ),
    (
        "saiken-hatten.seisansei",
        2022,
        Some(2026),
        YearUnit::Fiscal,
    ),
    ("shokei-atotsugi", 2024, Some(2025), YearUnit::Fiscal),
    ("shokei-atotsugi.junbi", 2024, Some(2025), YearUnit::Fiscal),
    ("shokei-atotsugi.oen", 2024, Some(2025), YearUnit::Fiscal),
    ("shokei-atotsugi.seicho", 2024, Some(2025), YearUnit::Fiscal),
    ("shokei-kasokuka", 2021, None, YearUnit::Fiscal),
    ("sustainable-chiiki", 2024, Some(2025), YearUnit::Fiscal),
    ("taiwan-koryu", 2025, Some(2025), YearUnit::Fiscal),
    ("taiwan-yushutsu", 2024, Some(2025), YearUnit::Fiscal),
];

#[test]
fn every_period_in_the_corpus_is_read_as_the_expected_years() {
    let corpus = &engine().corpus;
    for p in &corpus.programs {
        assert!(!p.period_unreadable, "{}: 事業期間 not readable", p.id);
        let want = EXPECTED.iter().find(|(id, ..)| *id == p.id.as_str());
        match (p.period, want) {
            (Some(got), Some(&(_, first, last, unit))) => {
                assert_eq!(
                    (got.first_year, got.last_year, got.unit),
                    (first, last, unit),
                    "{}: {}",
                    p.id,
                    p.terms[got.quote].text
                );
            }
            (None, None) => {}
            (got, want) => panic!("{}: read {got:?}, expected {want:?}", p.id),
        }
    }
    assert_eq!(
        corpus
            .programs
            .iter()
            .filter(|p| p.period.is_some())
            .count(),
        EXPECTED.len()
    );
}

fn at(today: &str) -> Dialogue {
    Dialogue::in_memory(engine().clone(), SessionLimits::default())
        .with_clock(Clock::Fixed(Date::parse(today).unwrap()))
}

fn status_of(t: &Turn, id: &str) -> Status {
    t.reply
        .programs()
        .iter()
        .find(|p| p.id.as_str() == id)
        .unwrap_or_else(|| panic!("{id} in {}", t.text))
        .period
        .status
}

#[test]
fn statuses_follow_the_clock() {
    let taiwan = "台湾の食品見本市に出展したい";
    let pro = "副業のプロ人材を活用したい";
    for (today, taiwan_status, pro_status, later_year) in [
        ("2025-10-01", Status::Within, Status::Within, None),
        (
            "2026-11-29",
            Status::After,
            Status::Within,
            Some("現在は令和8年度です"),
        ),
        (
            "2028-05-01",
            Status::After,
            Status::After,
            Some("現在は令和10年度です"),
        ),
    ] {
        let d = at(today);
        let t = respond(&d, None, taiwan);
        assert_eq!(status_of(&t, "taiwan-yushutsu"), taiwan_status, "{today}");
        match later_year {
            Some(note) => {
                assert!(
                    t.text.contains("この資料は令和7年度のものです"),
                    "{today}: {}",
                    t.text
                );
                assert!(t.text.contains(note), "{today}: {}", t.text);
                assert_eq!(
                    t.text.matches("現在は令和").count(),
                    1,
                    "said once: {}",
                    t.text
                );
            }
            None => assert!(!t.text.contains("現在は令和"), "{today}: {}", t.text),
        }
        if taiwan_status == Status::After {
            assert!(t.text.contains("終了している可能性"), "{}", t.text);
        }
        let t = respond(&d, None, pro);
        assert_eq!(status_of(&t, "pro-jinzai"), pro_status, "{today}");
        // The 事業期間 quote is never trimmed from an answer.
        for p in t.reply.programs() {
            if let Some(q) = &p.period.quote {
                assert!(
                    p.quotes.contains(q),
                    "{}: the 事業期間 quote is shown",
                    p.id
                );
            }
        }
    }
}

#[test]
fn questions_about_time_get_the_period_and_the_plain_truth_about_deadlines() {
    let d = at("2026-11-29");
    for q in [
        "後継ぎ応援事業の締め切りはいつですか",
        "台湾輸出の支援、今から申し込んでも間に合う？",
        "令和8年度の事業承継の補助金を教えて",
    ] {
        let t = respond(&d, None, q);
        assert!(
            t.text
                .contains("申請の締め切り（受付期間）は書かれていません"),
            "{q}: {}",
            t.text
        );
        assert!(t.text.contains("現在は令和8年度"), "{q}: {}", t.text);
        let first = &t.reply.programs()[0];
        assert!(
            first.quotes.iter().any(|q| q.label.as_str() == "事業期間"),
            "{q}: the period is quoted for {}",
            first.id
        );
    }
}

/// The chat API's program objects carry `period` with the quoted text, the years and the status.
#[tokio::test]
async fn the_api_describes_each_programs_period() {
    let app = crate::support::app_with(SessionLimits::default());
    let (status, v) =
        crate::api::call(&app, crate::api::chat("台湾の食品見本市に出展したい", None)).await;
    assert_eq!(status, 200);
    let first = &v["programs"][0];
    assert_eq!(first["id"], "taiwan-yushutsu", "{v}");
    let p = &first["period"];
    assert_eq!(p["status"], "after", "{p}");
    assert_eq!(
        (p["first_year"].as_i64(), p["last_year"].as_i64()),
        (Some(2024), Some(2025))
    );
    assert_eq!(p["unit"], "fiscal_year");
    assert!(
        p["text"].as_str().is_some_and(|t| t.contains("事業期間")),
        "{p}"
    );
    assert!(p["page"].is_u64() && p["line"].is_u64(), "{p}");
    assert!(v["reply"].as_str().unwrap().contains("令和8年度"), "{v}");
    // A program without a 事業期間 quote: unknown, nulls.
    let (_, v) = crate::api::call(
        &app,
        crate::api::chat("金融円滑化特別資金の融資枠は？", None),
    )
    .await;
    let loan = v["programs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "kinyu-sogo-shien.tsujo")
        .expect("the loan");
    assert_eq!(loan["period"]["status"], "unknown");
    assert!(loan["period"]["first_year"].is_null() && loan["period"].get("text").is_none());
}
