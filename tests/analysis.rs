//! Japanese analysis: table-driven tokenizer cases, query/document symmetry through tantivy,
//! offsets into the original text, and no panic on arbitrary input.

use madoguchi::text::{BigramTokenizer, Japanese, JapaneseTokenizer, Term, bigrams, normalize};
use proptest::prelude::*;
use tantivy::tokenizer::{TextAnalyzer, TokenStream};

use crate::support::{Report, engine};

fn japanese() -> &'static Japanese {
    engine().understander.japanese()
}

/// The terms of a text, analysed the way every message and document is.
fn terms(text: &str) -> Vec<Term> {
    japanese().tokenize(&normalize(text))
}

fn words(text: &str) -> Vec<String> {
    terms(text).into_iter().map(|t| t.text).collect()
}

#[test]
fn tokenizer_cases() {
    // (input, tokens that must appear, tokens that must not)
    let cases: &[(&str, &[&str], &[&str])] = &[
        (
            "事業承継の相談をしたい",
            &["事業承継", "相談"],
            &["の", "を", "し", "たい"],
        ),
        ("後継ぎが研修を受けた", &["後継ぎ", "研修"], &["が", "を"]),
        (
            "商工会議所に行きました",
            &["商工会議所"],
            &["に", "ます", "た"],
        ),
        ("令和７年度の事業", &["令和", "事業"], &["和", "の", "７"]),
        ("ＤＸを進めたい", &["dx", "進める"], &["ＤＸ", "を"]),
        (
            "販路開拓のための展示会",
            &["販路開拓", "展示会"],
            &["ため", "の"],
        ),
        (
            "台湾に焼酎を輸出する",
            &["台湾", "焼酎", "輸出"],
            &["に", "を", "する"],
        ),
        ("お金を借りたい", &["お金", "借りる"], &["を", "たい"]),
        ("浸水した店舗を修理", &["浸水", "店舗", "修理"], &["た"]),
        (
            "なりわい再建補助金のつなぎ融資",
            &["なりわい再建補助金", "つなぎ融資"],
            &["の"],
        ),
        ("金融円滑化特別資金", &["金融円滑化特別資金"], &[]),
        ("専門家派遣を受けたい", &["専門家派遣"], &["たい"]),
        ("３００万円の設備", &["設備"], &["３００", "300"]),
    ];
    let mut report = Report::default();
    for (input, want, not) in cases {
        let got = words(input);
        let missing: Vec<_> = want
            .iter()
            .filter(|w| !got.iter().any(|g| g == *w))
            .collect();
        let extra: Vec<_> = not.iter().filter(|w| got.iter().any(|g| g == *w)).collect();
        report.check(
            missing.is_empty() && extra.is_empty(),
            input,
            &format!("contains {want:?}, none of {not:?}"),
            &format!("{got:?}"),
            "adjust dictionaries/user.csv or src/text/filter.rs",
        );
    }
    report.finish("tokenizer cases");
}

#[test]
fn offsets_point_into_the_original_text() {
    let text = "ＤＸ化で、ｶﾞｽ代と事業承継";
    for t in terms(text) {
        assert!(
            text.is_char_boundary(t.start) && text.is_char_boundary(t.end),
            "{t:?}"
        );
        assert!(t.start < t.end, "{t:?}");
    }
    let t = terms(text);
    let last = t.last().expect("terms");
    assert_eq!(&text[last.start..last.end], "事業承継");
    let first = &bigrams(&normalize(text))[0];
    assert_eq!(&text[first.start..first.end], "ＤＸ");
}

fn through_tantivy(mut analyzer: TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

#[test]
fn documents_and_queries_get_the_same_analysis() {
    // A document is indexed through the tantivy tokenizers; a query is analyzed with
    // `Japanese::tokenize` and `text::bigrams` on the normalized text. Both must give the same
    // tokens for the same text.
    let ja = TextAnalyzer::from(JapaneseTokenizer::new(japanese().clone()));
    let bi = TextAnalyzer::from(BigramTokenizer::default());
    for text in [
        "○補助上限額：１００万円",
        "台湾現地での食品見本市出展や試食商談会の実施",
        "店の跡継ぎのことで相談に乗ってほしい",
        "",
    ] {
        assert_eq!(through_tantivy(ja.clone(), text), words(text), "{text}");
        let b: Vec<String> = bigrams(&normalize(text))
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert_eq!(through_tantivy(bi.clone(), text), b, "{text}");
    }
}

fn nasty_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        ".*",
        "[\\u{0}-\\u{1f}\\u{7f}]{0,50}",
        "[あ-んア-ン一-龥ａ-ｚ０-９ｦ-ﾟ]{0,200}",
        "(\\PC\\p{M}{1,5}){0,40}",
        "[😀-🙏🏻-🏿\\u{200d}\\u{fe0f}]{0,40}",
        proptest::collection::vec(any::<char>(), 0..300).prop_map(|v| v.into_iter().collect()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn analysis_never_panics_and_offsets_stay_on_char_boundaries(text in nasty_text()) {
        for t in terms(&text).into_iter().chain(bigrams(&normalize(&text))) {
            prop_assert!(t.start <= t.end && t.end <= text.len());
            prop_assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
        }
        let _ = engine().ask(&text, 5);
    }
}

#[test]
fn ten_thousand_characters_analyze_without_panic() {
    let long: String = "事業承継😀\u{0}ｶﾞ\u{301}".repeat(1500);
    assert!(long.chars().count() >= 10_000);
    assert!(!terms(&long).is_empty());
    assert!(!engine().ask(&long, 3).is_empty());
}

/// Issue 13: the lexical resources paraphrase only words the index lacks, into `added` words
/// (which weigh less than the person's own), after the scope verdict, which they never change.
#[test]
fn paraphrases_leave_the_scope_alone_and_add_below_own_words() {
    use madoguchi::understand::Resources;
    let mut plain = madoguchi::Engine::load(&crate::support::root().join("corpus"))
        .expect("the real corpus must load");
    plain.understander.set_resources(Resources::NONE);
    let full = engine();
    assert_eq!(full.understander.resources(), Resources::BOTH);
    let known = full.index.words();
    let mut report = Report::default();
    let scope = include_str!("golden/scope.tsv");
    let messages = scope
        .lines()
        .filter_map(|l| l.rsplit('\t').next())
        .chain(["跡取りの息子に講座を受けさせたい", "店の値打ちを知りたい"]);
    for m in messages {
        let (with, without) = (full.understand(m), plain.understand(m));
        report.check(
            with.scope == without.scope,
            m,
            "the same scope verdict with and without paraphrases",
            &format!("{:?} vs {:?}", with.scope, without.scope),
            "paraphrases must be added after scope::judge and never fed back into it",
        );
        let own: Vec<&str> = with.search.words.iter().collect();
        report.check(
            with.search.words == without.search.words,
            m,
            "the person's own words unchanged by paraphrases",
            &format!("{own:?}"),
            "paraphrases go to `added`, never to `words`",
        );
        let extra: Vec<&str> = with
            .search
            .added
            .iter()
            .filter(|w| !without.search.added.iter().any(|x| x == *w))
            .collect();
        report.check(
            extra.iter().all(|w| known.binary_search(w).is_ok()),
            m,
            "every paraphrase is a word the index holds",
            &format!("{extra:?}"),
            "cut the tables down to the index's words (Paraphrases::new)",
        );
    }
    report.finish("paraphrases");
    let added: Vec<String> = full
        .understand("店の値打ちを知りたい")
        .search
        .added
        .iter()
        .map(String::from)
        .collect();
    assert!(
        added.iter().any(|w| w == "価値"),
        "値打ち should reach 価値 through the synonym groups: {added:?}"
    );
    // A word the index holds is never expanded: 後継者 adds nothing beyond the rules' words.
    let (a, b) = (full.understand("後継者"), plain.understand("後継者"));
    assert_eq!(a.search.added, b.search.added);
}
