//! The dialogue's own cue words: commands (start over), ways of asking about a kind of term
//! (いくら, いつまで), and the phrases that name an unknown disaster. These are ways of speaking,
//! not domain vocabulary, so they live in code; the domain's words live in `corpus/`.

use crate::corpus::TermLabel;

/// The industry the one industry-restricted program family is for.
pub const MANUFACTURING: &str = "製造業";

/// The vocabulary's industry for trades that are not manufacturing (旅館, 美容室 …): saying one
/// states that the person is not a manufacturer.
pub const NOT_MANUFACTURING: &str = "製造業以外";

/// Words that ask to start the conversation over.
pub(crate) const RESET_WORDS: &[&str] = &[
    "最初から",
    "はじめから",
    "始めから",
    "リセット",
    "reset",
    "やり直し",
    "やりなおし",
    "最初に戻",
];

/// Phrases naming a disaster other than the two the programs know: saying so, or naming a
/// hazard that neither was (the 2016 earthquake was no typhoon, the July 2020 flood no snow).
pub(crate) const OTHER_DISASTER: &[&str] = &[
    "以外の災害",
    "その他の災害",
    "ほかの災害",
    "他の災害",
    "別の災害",
    "台風",
    "竜巻",
    "落雷",
    "大雪",
    "雪害",
    "雪の重み",
    "雹",
    "噴火",
    "降灰",
    "火災",
    "火事",
];

/// Words that show which term a person is asking about, and the labels they mean, in the
/// order the labels are shown when several cues occur.
pub(crate) const LABEL_CUES: &[(&str, &[TermLabel])] = &[
    ("補助率", &[TermLabel::Rate, TermLabel::Share]),
    ("何割", &[TermLabel::Rate, TermLabel::Share]),
    ("負担", &[TermLabel::Share, TermLabel::Rate]),
    ("上限", &[TermLabel::Cap]),
    ("限度", &[TermLabel::Cap]),
    ("最大", &[TermLabel::Cap]),
    (
        "いくら",
        &[
            TermLabel::Cap,
            TermLabel::Rate,
            TermLabel::LoanLimit,
            TermLabel::Fee,
        ],
    ),
    ("金額", &[TermLabel::Cap, TermLabel::LoanLimit]),
    ("枠", &[TermLabel::LoanLimit]),
    ("金利", &[TermLabel::Interest]),
    ("利率", &[TermLabel::Interest]),
    ("経費", &[TermLabel::Expenses]),
    ("何に使", &[TermLabel::Expenses]),
    (
        "対象",
        &[
            TermLabel::Eligible,
            TermLabel::Recipient,
            TermLabel::Expenses,
        ],
    ),
    ("誰が", &[TermLabel::Eligible, TermLabel::Recipient]),
    ("条件", &[TermLabel::Requirement, TermLabel::Eligible]),
    ("要件", &[TermLabel::Requirement, TermLabel::Eligible]),
    ("期間", &[TermLabel::Period, TermLabel::Intake]),
    ("いつ", &[TermLabel::Period, TermLabel::Intake]),
    ("締切", &[TermLabel::Intake, TermLabel::Period]),
    ("窓口", &[TermLabel::Contact]),
    ("問い合わせ", &[TermLabel::Contact]),
    ("問合せ", &[TermLabel::Contact]),
    ("連絡先", &[TermLabel::Contact]),
    ("電話", &[TermLabel::Contact]),
    ("会費", &[TermLabel::Fee]),
    ("費用", &[TermLabel::Fee, TermLabel::Expenses]),
    ("予算", &[TermLabel::Budget, TermLabel::Cost]),
];

/// Words right after a place name that make it where the person lives (or comes from), not
/// where the business is: 「福岡に住んでいますが」「熊本出身で」「鹿児島県在住です」.
pub(crate) const RESIDENCE_AFTER: &[&str] = &[
    "に住",
    "で暮らし",
    "に暮らし",
    "在住",
    "住まい",
    "出身",
    "生まれ",
    "育ち",
    "に実家",
    "から引っ越",
    "に引っ越",
    "へ引っ越",
    "から移住",
    "に移住",
    "へ移住",
    "から通",
    // Where the person works for someone else is their own life's place, not a business's.
    "で会社員",
    "で働",
    "に勤め",
    "で勤め",
    "に勤務",
    "で勤務",
    "に通勤",
    "でパート",
    "でアルバイト",
];

/// Words right before a place name that make it the person's home: 「住まいは熊本市ですが」.
pub(crate) const RESIDENCE_BEFORE: &[&str] = &[
    "住まいは",
    "住所は",
    "自宅は",
    "家は",
    "実家は",
    "出身は",
    "住んでいるのは",
];

/// Words after a place name that make it a market, an event or a partner's place, not the
/// business's own: 「東京の展示会」「福岡の百貨店」「大阪向け」.
pub(crate) const MARKET_AFTER: &[&str] = &[
    "展示会",
    "見本市",
    "商談",
    "百貨店",
    "デパート",
    "物産展",
    "催事",
    "イベント",
    "販売",
    "売り",
    "売れ",
    "販路",
    "輸出",
    "出荷",
    "向け",
    "取引",
    "仕入",
    "お客",
    "顧客",
    "観光客",
    "出張",
    "通販",
    "市場",
    "卸",
    "納品",
    "出展",
    "バイヤー",
    "から注文",
    "に配送",
    "へ配送",
    "の業者",
    "の取引先",
];

/// Words after a place name that make it where the business is, or will be: 「久留米市で美容室を
/// やっています」「八代市にある工場」「佐賀県鳥栖市の物流会社です」. Nouns of businesses count
/// wherever they stand in the place's stretch of text; a market word earlier in it (百貨店 before
/// its 店) wins.
pub(crate) const LOCATION_AFTER: &[&str] = &[
    "店",
    "会社",
    "工場",
    "旅館",
    "ホテル",
    "民宿",
    "事業所",
    "本社",
    "支店",
    "事務所",
    "メーカー",
    "商店",
    "商工会",
    "組合",
    "法人",
    "農園",
    "工務店",
    "製作所",
    "薬局",
    "教室",
    "サロン",
    "カフェ",
    "食堂",
    "居酒屋",
    "美容",
    "理容",
    "営業",
    "経営",
    "商売",
    "開業",
    "創業",
    "起業",
    "出店",
    "開店",
    "にある",
    "をしてい",
    "をやっ",
    "を営",
    "を開き",
    "を開こ",
    "を出し",
    "屋",
];

/// Words in a place's stretch that say the business is not there: 「熊本には店も事務所もありません」
/// 「熊本に拠点はない」.
pub(crate) const ABSENT_AFTER: &[&str] = &[
    "ありません",
    "ありませ",
    "がない",
    "はない",
    "もない",
    "は無い",
    "も無い",
    "がなく",
    "はなく",
    "もなく",
    "持っていない",
    "持っておらず",
    "ないです",
    "なかです",
    "なかとです",
];

/// Words right before a place name that make it where the business is: 「店は福岡市にあります」.
pub(crate) const LOCATION_BEFORE: &[&str] = &[
    "店は",
    "お店は",
    "会社は",
    "工場は",
    "事業所は",
    "本社は",
    "店舗は",
    "事務所は",
    "旅館は",
    "民宿は",
    "ホテルは",
    "宿は",
    "工房は",
    "作業場は",
    "教室は",
    "サロンは",
    "うちは",
];

/// Characters that end the stretch of text a place name governs.
pub(crate) const SENTENCE_ENDS: &[char] = &['。', '!', '?', '\n', '！', '？'];

/// Suffixes that make a short place form a place whatever the dictionary says (八代市, 益城町).
pub(crate) const PLACE_SUFFIXES: &[char] = &['都', '道', '府', '県', '市', '町', '村', '郡', '区'];

/// Words after a name that make it a person's (宮崎さん, 山口社長), not a place's.
pub(crate) const HONORIFICS: &[&str] = &[
    "さん",
    "様",
    "さま",
    "くん",
    "君",
    "ちゃん",
    "氏",
    "先生",
    "社長",
    "部長",
    "課長",
    "店長",
];

/// Ways of asking for a cost to be paid: the person wants a subsidy.
pub(crate) const ASK_SUBSIDY: &[&str] = &[
    "補助して",
    "補助はあ",
    "補助は出",
    "補助が出",
    "補助金はあ",
    "補助金がほし",
    "補助金が欲し",
    "補助金を使",
    "補助金を受け",
    "補助金をもら",
    "補助金の申請",
    "補助を受け",
    "補助してほし",
    "助成して",
    "助成金はあ",
    "助成はあ",
    "助成を受け",
    "出してほし",
    "出してもらえ",
    "出してくれ",
    "費用を出",
    "代を出",
    "負担してほし",
    "補助してもら",
    "補助は受け",
];

/// Ways of asking to borrow: the person wants a loan.
pub(crate) const ASK_LOAN: &[&str] = &[
    "借りたい",
    "借りられ",
    "借りれ",
    "借りる",
    "融資を受け",
    "融資してほし",
    "融資を申し込",
    "融資を使",
    "融資はあ",
    "貸してほし",
    "貸してもら",
    "貸して",
    "借り換え",
];

/// Ways of asking about time: a deadline, whether it is still possible, this year's programs.
pub(crate) const TIME_QUESTIONS: &[&str] = &[
    "締め切り",
    "締切",
    "〆切",
    "しめきり",
    "いつまで",
    "期限",
    "間に合",
    "まだ申請",
    "まだ使え",
    "まだ申し込",
    "まだやって",
    "今年度",
    "今年も",
    "来年度",
    "受付は",
    "受付期間",
    "募集は",
    "募集期間",
    "令和8年度",
    "令和9年度",
    "2026年度",
    "2027年度",
];
