//! Reports for the home, the YOS and the Corporate Parenting Committee (issue 6 fills this in).

use std::path::Path;

use crate::cli::ReportArgs;

pub fn command(_db: &Path, _args: &ReportArgs) -> anyhow::Result<String> {
    anyhow::bail!("reports are not available yet")
}
