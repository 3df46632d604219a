//! Plain-text print-outs for homes that keep a paper file (issue 4 fills this in).

use std::path::Path;

use crate::cli::PrintArgs;

pub fn command(_db: &Path, _args: &PrintArgs) -> anyhow::Result<String> {
    anyhow::bail!("printing is not available yet")
}
