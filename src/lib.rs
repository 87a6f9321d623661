//! `remiss`: reads Swedish regulation drafts and consultation answers into
//! paragraph-addressed structures. Every stage is a plain function from data to data;
//! only the binary touches the file system and the terminal.

pub mod address;
pub mod answer;
pub mod case;
pub mod cite;
pub mod compare;
pub mod error;
pub mod regulation;
pub mod render;
pub mod report;
pub mod source;

pub use address::{Address, Label, PunktLabel};
pub use error::{Error, Result};
pub use regulation::Regulation;

use std::path::Path;

/// Reads and parses a regulation file. A text with no paragraf at all is an error
/// ([`Error::NotARegulation`]), since every later stage needs paragraphs.
pub fn read_regulation(path: &Path) -> Result<(Regulation, source::Text)> {
    let text = source::read(path)?;
    let reg = regulation::parse(&text);
    if reg.paragraph_count() == 0 {
        return Err(Error::NotARegulation {
            path: path.to_path_buf(),
        });
    }
    Ok((reg, text))
}
