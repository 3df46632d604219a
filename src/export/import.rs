//! Importing a JSON export (issue 5 fills this in).

use std::path::Path;

use crate::cli::ImportArgs;

pub fn command(_db: &Path, _args: &ImportArgs) -> anyhow::Result<String> {
    anyhow::bail!("import is not available yet")
}
