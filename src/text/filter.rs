//! Which morphemes carry meaning for retrieval: drops particles, auxiliaries, symbols,
//! conjunctions, fillers, dependent words, numbers and a short list of everyday stop words.

/// Parts of speech (IPADIC level 1) that never carry meaning for retrieval.
const DROPPED_POS: &[&str] = &[
    "助詞",
    "助動詞",
    "記号",
    "接続詞",
    "フィラー",
    "感動詞",
    "その他",
];

/// Sub-categories (IPADIC level 2) dropped whatever their level 1: dependent words (こと in
/// 相談すること, いる in している), numbers (amounts are read separately, not searched) and
/// pronouns (どこ, これ).
const DROPPED_SUB: &[&str] = &["非自立", "数", "代名詞", "接尾"];

/// Base forms so common in any request that they only add noise to BM25.
const STOP_WORDS: &[&str] = &[
    "する",
    "ある",
    "いる",
    "なる",
    "できる",
    "れる",
    "られる",
    "せる",
    "させる",
    "こと",
    "もの",
    "ため",
    "よう",
    "等",
    "さん",
    "方",
    "ところ",
    "とき",
    "ない",
    "いい",
    "よい",
    "良い",
    "欲しい",
    "ほしい",
    "思う",
    "考える",
    "教える",
    "知る",
    "わかる",
    "分かる",
    "使う",
    "もらう",
    "くれる",
    "いただく",
    "くださる",
    "下さる",
    "ござる",
    "お願い",
    "願う",
    "いう",
    "言う",
    "今",
    "何",
    "どう",
    "どんな",
    "ください",
    "行う",
    "受ける",
    "出る",
    "くる",
    "来る",
    "みる",
    "見る",
    "おる",
    "やる",
    "いく",
    "行く",
    "向ける",
    "です",
    "ます",
    "向く",
];

/// True when a morpheme with these IPADIC features and base form should be indexed.
pub(crate) fn keep(pos: &str, sub: &str, base: &str) -> bool {
    if DROPPED_POS.contains(&pos) || DROPPED_SUB.contains(&sub) {
        return false;
    }
    if STOP_WORDS.contains(&base) {
        return false;
    }
    // Unknown words made only of punctuation or marks (IPADIC leaves some as 名詞,サ変接続).
    base.chars().any(char::is_alphanumeric)
}

/// True for the open-class words a paraphrase may stand in for (see `Term::open`): nouns
/// other than proper and adverbial nouns (名詞,固有名詞 / 名詞,副詞可能: 福岡 and 最近 must not
/// turn into 熊本 and 今年), independent verbs and adjectives.
pub(crate) fn open(pos: &str, sub: &str) -> bool {
    match pos {
        "名詞" => !matches!(
            sub,
            "固有名詞" | "副詞可能" | "形容動詞語幹" | "ナイ形容詞語幹"
        ),
        "動詞" | "形容詞" => sub == "自立",
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::keep;

    #[test]
    fn particles_and_stop_words_go_content_words_stay() {
        assert!(!keep("助詞", "格助詞", "が"));
        assert!(!keep("動詞", "自立", "する"));
        assert!(!keep("名詞", "数", "3"));
        assert!(!keep("名詞", "サ変接続", "・"));
        assert!(keep("名詞", "サ変接続", "承継"));
        assert!(keep("動詞", "自立", "継ぐ"));
    }
}
