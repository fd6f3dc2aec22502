//! Retrieval: situations written for these tests (one or more per theme, in everyday words)
//! must rank the right program first. They are deliberately not the evaluation questions.

use madoguchi::corpus::ProgramId;

use crate::support::{Report, engine};

/// (situation, acceptable first results). A menu and its program count as the same answer only
/// where both are listed.
pub(crate) const SITUATIONS: &[(&str, &[&str])] = &[
    // 被災・復旧
    (
        "益城町の工場が地震で壊れたままです。建て直しの費用を県が出してくれる制度は",
        &["fukko-shien-tanken", "kumamoto-gata-shokibo"],
    ),
    (
        "球磨川が氾濫して人吉の旅館が床上まで水につかった。設備の復旧に使える補助",
        &["nariwai-saiken"],
    ),
    (
        "豪雨で被災した小さな店です。経営計画に沿って広告や展示会の費用を出したい",
        &["kumamoto-gata-shokibo"],
    ),
    // Regression (theme and size boosts): a program for small businesses that serves both
    // themes of the situation (被災, 販路開拓) outranks one whose money goes to the 商工会.
    (
        "被災した小規模の店です。チラシやホームページで宣伝して売上を戻したい",
        &["kumamoto-gata-shokibo"],
    ),
    // 資金繰り・融資
    (
        "なりわい補助金が振り込まれるまでのつなぎ資金を借りたい",
        &["kinyu-sogo-shien.gou"],
    ),
    (
        "原材料の値上がりで運転資金が足りない。県の制度融資を使いたい",
        &["kinyu-sogo-shien.tsujo", "kinyu-sogo-shien"],
    ),
    (
        "太陽光パネルを入れる設備資金を借りたい",
        &["kinyu-sogo-shien.zero-carbon"],
    ),
    // 事業承継
    (
        "息子に会社を譲る前に、株式の評価を税理士に頼みたい",
        &["shokei-atotsugi.junbi"],
    ),
    (
        "二代目として店を引き継いだので新商品を開発したい",
        &["shokei-atotsugi.oen"],
    ),
    (
        "跡取りとして研修機関の講座を受けたいが受講料が高い",
        &["shokei-atotsugi.seicho"],
    ),
    ("事業承継の広報や周知のためのCM", &["shokei-kasokuka"]),
    (
        "商工会として近くの市町村と組んで創業や承継のセミナーを開きたい",
        &["sustainable-chiiki"],
    ),
    // 台湾・輸出
    (
        "台湾のバイヤーと商談したい。日本酒の残留農薬や成分分析も必要と聞いた",
        &["taiwan-yushutsu"],
    ),
    (
        "商工会議所として台湾の経済団体と交流する商談会を開く経費",
        &["taiwan-koryu"],
    ),
    // DX / 脱炭素
    (
        "町工場の生産ラインにセンサーを入れて省人化したい",
        &["shinka-dx.seizo-dx", "shinka-dx"],
    ),
    (
        "ＧＸやＤＸで企業成長を目指す設備投資に補助金を使いたい",
        &["shinka-dx.shinka-hojo", "shinka-dx"],
    ),
    (
        "デジタル技術を持つ会社を紹介してもらえる会員制の集まりはありますか",
        &["dx-consortium"],
    ),
    // 事業再生・経営改善
    (
        "借金の返済が苦しい。専門家と一緒に再生計画を作りたい",
        &["jigyo-saisei", "saiken-hatten.keiei-kaizen"],
    ),
    // 商店街・子育て
    (
        "商店街の売上を取り戻すためにお客さんを呼ぶ催しをしたい",
        &["shotengai-uriage"],
    ),
    (
        "子育て中の家族が集まるにぎやかな商店街にしたい",
        &["kodomo-kirakira"],
    ),
    // 生産性・賃上げ / 人材 / 販路開拓 / 創業
    (
        "従業員の給料を上げたいので生産性を高める取り組みに補助がほしい",
        &["seisansei-uriage"],
    ),
    (
        "大企業で働くプロ人材に兼業で来てもらいたい。紹介手数料の補助は",
        &["pro-jinzai"],
    ),
    (
        "商工会で講習会を開いて会員の商品を磨き上げ、新しい売り先を開拓したい",
        &["hanro-kaitaku"],
    ),
    (
        "これから独立して開業するので起業の勉強会に出たい",
        &[
            "saiken-hatten.seisansei",
            "saiken-hatten",
            "sustainable-chiiki",
        ],
    ),
];

#[test]
fn each_theme_ranks_the_right_program_first() {
    let mut report = Report::default();
    for (situation, expected) in SITUATIONS {
        let hits = engine().ask(situation, 5);
        let ids: Vec<&str> = hits.iter().map(|(h, _)| h.id.as_str()).collect();
        let first_ok = hits
            .first()
            .is_some_and(|(h, _)| expected.iter().any(|e| h.id.as_str() == *e));
        report.check(
            first_ok,
            situation,
            &format!("first: one of {expected:?}"),
            &format!("{ids:?}"),
            "add keywords to the record or a phrasing rule to corpus/vocabulary.toml",
        );
    }
    report.finish("retrieval by theme");
}

#[test]
fn a_program_id_matches_its_menus_and_not_its_siblings() {
    let ask = |s: &str| engine().ask(s, 1);
    let hit = &ask("後継ぎ応援事業")[0].0;
    assert!(hit.id.related(&ProgramId::from_fixed("shokei-atotsugi")));
    assert!(!hit.id.related(&ProgramId::from_fixed("shokei-kasokuka")));
}

#[test]
fn a_message_with_no_content_words_finds_nothing() {
    for m in ["", "   ", "。、！？", "です。ます。"] {
        assert!(engine().ask(m, 5).is_empty(), "{m:?}");
    }
}

/// The term table scores exactly what tantivy's own query engine scores: for every golden
/// situation and every retrieval situation, the same ids in the same order, scores within
/// float rounding, and the same own-word evidence.
#[test]
fn the_term_table_ranks_as_tantivy_does() {
    use madoguchi::engine::query_of;
    let golden = include_str!("golden/situations.txt");
    let messages = golden
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .chain(SITUATIONS.iter().map(|(s, _)| *s));
    let mut report = Report::default();
    for m in messages {
        let u = engine().understand(m);
        let q = query_of([&u.search]);
        let (table, reference) = (
            engine().index.search(&q, 20),
            engine().index.search_with_tantivy(&q, 20),
        );
        let ids = |f: &madoguchi::search::Found| -> Vec<String> {
            f.hits.iter().map(|h| h.id.to_string()).collect()
        };
        let close = |a: f32, b: f32| (a - b).abs() <= 1e-4 * a.abs().max(b.abs()).max(1.0);
        let same = ids(&table) == ids(&reference)
            && table
                .hits
                .iter()
                .zip(&reference.hits)
                .all(|(a, b)| close(a.score, b.score))
            && close(table.evidence, reference.evidence);
        report.check(
            same,
            m,
            &format!("{:?} evidence {}", reference.hits, reference.evidence),
            &format!("{:?} evidence {}", table.hits, table.evidence),
            "src/search/table.rs must score each clause as tantivy's BM25 does",
        );
    }
    report.finish("term table against tantivy");
}
