//! Loading the rule table: the embedded default, with a utility's `--rules FILE` on top.

use std::path::Path;
use std::sync::OnceLock;

use classify::RuleSet;

/// The embedded default table, loaded once.
pub fn builtin() -> &'static RuleSet {
    static BUILTIN: OnceLock<RuleSet> = OnceLock::new();
    BUILTIN.get_or_init(|| match RuleSet::builtin() {
        Ok(rules) => rules,
        // The crate's tests load the embedded table; failing here means a broken build.
        Err(e) => {
            eprintln!("fep: the embedded rule table is invalid:\n{e}");
            std::process::exit(2)
        }
    })
}

/// Why a rule file could not be used.
#[derive(Debug)]
pub enum LoadError {
    /// The file could not be read.
    Io(String),
    /// The file is not a valid rule layer; one line per problem, `file:line:column: message`.
    Invalid(classify::RulesError),
}

impl core::fmt::Display for LoadError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Io(message) => f.write_str(message),
            Self::Invalid(e) => write!(f, "{e}"),
        }
    }
}

/// The builtin table, or the builtin table with `path` layered on top.
///
/// # Errors
/// The file cannot be read, or is not a valid rule layer.
pub fn load(path: Option<&Path>) -> Result<RuleSet, LoadError> {
    let Some(path) = path else {
        return Ok(builtin().clone());
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| LoadError::Io(format!("cannot read {}: {e}", path.display())))?;
    on_builtin(&path.display().to_string(), &text)
}

/// The builtin table with the rule layer `text` (named `name` in positions) on top.
fn on_builtin(name: &str, text: &str) -> Result<RuleSet, LoadError> {
    RuleSet::with_overrides(name, text).map_err(LoadError::Invalid)
}

/// How a rule layer read from standard input is named in positions and messages.
pub const STDIN_NAME: &str = "<stdin>";

/// The builtin table with the rule layer read from standard input on top (`fep rules --check
/// -`); its problems are reported as `<stdin>:line:column`.
///
/// # Errors
/// Standard input cannot be read, or is not a valid rule layer.
pub fn load_stdin() -> Result<RuleSet, LoadError> {
    use std::io::Read as _;
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| LoadError::Io(format!("cannot read standard input: {e}")))?;
    on_builtin(STDIN_NAME, &text)
}
