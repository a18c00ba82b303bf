//! Opening inputs named on the command line: files or `-` for standard input, with errors
//! that name the path.

use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::Path;

/// An input that could not be opened.
#[derive(Debug)]
pub struct OpenError {
    path: String,
    source: io::Error,
}

impl core::fmt::Display for OpenError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "cannot open {}: {}", self.path, self.source)
    }
}

impl std::error::Error for OpenError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// Opens a text input for line reading; `-` is standard input.
///
/// # Errors
/// The file cannot be opened; the error names the path.
pub fn open_text(path: &Path) -> Result<Box<dyn BufRead>, OpenError> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(io::stdin().lock()));
    }
    File::open(path)
        .map(|f| Box::new(BufReader::new(f)) as Box<dyn BufRead>)
        .map_err(|source| OpenError {
            path: path.display().to_string(),
            source,
        })
}
