//! The weekly file to the Youth Offending Service (issue 5 fills this in).

pub mod import;

use std::path::Path;

use crate::cli::ExportArgs;

pub fn command(_db: &Path, _args: &ExportArgs) -> anyhow::Result<String> {
    anyhow::bail!("export is not available yet")
}
