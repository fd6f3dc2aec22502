//! Builds the IPADIC morphological dictionary from the source tarball in `dictionaries/`,
//! offline, into `OUT_DIR`, so that `src/text/dictionary.rs` can embed it.
//!
//! Lindera's own `embed-*` features download the dictionary while building, which cannot work
//! without the internet; this script does the same work from the committed UTF-8 source.

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use flate2::read::GzDecoder;
use lindera_dictionary::builder::DictionaryBuilder;
use lindera_dictionary::dictionary::metadata::Metadata;

const TARBALL: &str = "dictionaries/mecab-ipadic-2.7.0-20070801-utf8.tar.gz";
const METADATA: &str = "dictionaries/lindera-ipadic-metadata.json";
/// The folder inside the tarball that holds the CSV and `.def` files.
const SOURCE_DIR: &str = "mecab-ipadic-2.7.0-20070801-utf8";

fn main() {
    println!("cargo:rerun-if-changed={TARBALL}");
    println!("cargo:rerun-if-changed={METADATA}");
    println!("cargo:rerun-if-changed=build.rs");
    if let Err(e) = build() {
        panic!("building the IPADIC dictionary failed: {e}");
    }
}

fn build() -> Result<(), Box<dyn std::error::Error>> {
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    let unpack = out.join("ipadic-src");
    let dict = out.join("lindera-ipadic");
    if unpack.exists() {
        fs::remove_dir_all(&unpack)?;
    }
    fs::create_dir_all(&unpack)?;
    tar::Archive::new(GzDecoder::new(File::open(TARBALL)?)).unpack(&unpack)?;

    let metadata = Metadata::load(&fs::read(METADATA)?)?;
    DictionaryBuilder::new(metadata).build_dictionary(&unpack.join(SOURCE_DIR), &dict)?;
    check_built(&dict)?;
    // The unpacked source is 50 MB of CSV that nothing reads again.
    fs::remove_dir_all(&unpack)?;
    println!("cargo:rustc-env=LINDERA_WORKDIR={}", out.display());
    Ok(())
}

/// Fails the build early, with a clear message, if the builder left out a file the
/// `embedded_dictionary!` macro includes.
fn check_built(dict: &Path) -> Result<(), Box<dyn std::error::Error>> {
    for f in [
        "char_def.bin",
        "matrix.mtx",
        "dict.trie",
        "dict.valsidx",
        "dict.vals",
        "unk.bin",
        "dict.wordsidx",
        "dict.words",
        "metadata.json",
    ] {
        if !dict.join(f).is_file() {
            return Err(format!("{} is missing after the build", dict.join(f).display()).into());
        }
    }
    Ok(())
}
