//! The tantivy schema: which fields a program document has, which analyzer each uses, and how
//! much a match in each counts.

use tantivy::schema::{
    FAST, Field, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions,
};

/// Tokenizer names registered on the index.
pub(crate) const JA: &str = "ja";
pub(crate) const BIGRAM: &str = "ja_bigram";

/// Boosts per field. A word in a program's name or its themes says more about what the
/// program is for than the same word somewhere in its slide text.
pub(crate) const BOOST_NAME: f32 = 3.0;
pub(crate) const BOOST_TOPICS: f32 = 2.0;
pub(crate) const BOOST_TERMS: f32 = 1.5;
pub(crate) const BOOST_BODY: f32 = 1.0;
pub(crate) const BOOST_NAME_BIGRAM: f32 = 0.6;
pub(crate) const BOOST_BODY_BIGRAM: f32 = 0.25;
/// Words added by vocabulary expansion weigh less than the person's own words.
pub(crate) const EXPANSION_WEIGHT: f32 = 0.6;
/// Structured facts fired by the vocabulary (theme, disaster, stage, kind, industry). A theme
/// is a field most programs share a value of, so its IDF is low; the boost is high enough that a
/// program matching two of the person's themes (被災 and 販路開拓) outranks one matching a
/// single theme with more word overlap.
pub(crate) const BOOST_THEME: f32 = 8.0;
pub(crate) const BOOST_DISASTER: f32 = 3.0;
pub(crate) const BOOST_STAGE: f32 = 3.0;
pub(crate) const BOOST_KIND: f32 = 1.0;
pub(crate) const BOOST_INDUSTRY: f32 = 2.0;
/// Who the person is: a small shop owner is better served by a program for 小規模事業者 than by
/// one whose money goes to the 商工会, and a 商工会 by the reverse.
pub(crate) const BOOST_SIZE: f32 = 10.0;

/// The fields of a program document.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    /// The program's position in `Index::ids` (a fast field: reading it costs no document
    /// decompression, unlike a stored id).
    pub(crate) ord: Field,
    pub(crate) name: Field,
    pub(crate) name_bigram: Field,
    /// Theme labels and the record's keywords: the "vocabulary" of the program.
    pub(crate) topics: Field,
    /// Quoted terms and the purpose line.
    pub(crate) terms: Field,
    /// The source lines that describe the program.
    pub(crate) body: Field,
    pub(crate) body_bigram: Field,
    pub(crate) theme: Field,
    pub(crate) disaster: Field,
    pub(crate) stage: Field,
    pub(crate) kind: Field,
    pub(crate) industry: Field,
    pub(crate) size: Field,
}

impl Fields {
    /// The fields a word is looked for in.
    pub(crate) fn text_fields(&self) -> [Field; 4] {
        [self.name, self.topics, self.terms, self.body]
    }

    /// Every scored field: the word, bigram and structured fields.
    pub(crate) fn scored(&self) -> [Field; 12] {
        [
            self.name,
            self.topics,
            self.terms,
            self.body,
            self.name_bigram,
            self.body_bigram,
            self.theme,
            self.disaster,
            self.stage,
            self.kind,
            self.industry,
            self.size,
        ]
    }

    /// The boost of a match in `field`: for the person's own words (`own`) or for words the
    /// vocabulary added. Only the four text fields tell the two apart.
    pub(crate) fn boost(&self, field: Field, own: bool) -> f32 {
        let base = match field {
            f if f == self.name => BOOST_NAME,
            f if f == self.topics => BOOST_TOPICS,
            f if f == self.terms => BOOST_TERMS,
            f if f == self.body => BOOST_BODY,
            f if f == self.name_bigram => return BOOST_NAME_BIGRAM,
            f if f == self.body_bigram => return BOOST_BODY_BIGRAM,
            f if f == self.theme => return BOOST_THEME,
            f if f == self.disaster => return BOOST_DISASTER,
            f if f == self.stage => return BOOST_STAGE,
            f if f == self.kind => return BOOST_KIND,
            f if f == self.industry => return BOOST_INDUSTRY,
            f if f == self.size => return BOOST_SIZE,
            _ => return 0.0,
        };
        if own { base } else { base * EXPANSION_WEIGHT }
    }
}

pub(crate) fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |tokenizer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqs),
        )
    };
    let fields = Fields {
        ord: b.add_u64_field("ord", FAST),
        name: b.add_text_field("name", text(JA)),
        name_bigram: b.add_text_field("name_bigram", text(BIGRAM)),
        topics: b.add_text_field("topics", text(JA)),
        terms: b.add_text_field("terms", text(JA)),
        body: b.add_text_field("body", text(JA)),
        body_bigram: b.add_text_field("body_bigram", text(BIGRAM)),
        theme: b.add_text_field("theme", STRING),
        disaster: b.add_text_field("disaster", STRING),
        stage: b.add_text_field("stage", STRING),
        kind: b.add_text_field("kind", STRING),
        industry: b.add_text_field("industry", STRING),
        size: b.add_text_field("size", STRING),
    };
    (b.build(), fields)
}
