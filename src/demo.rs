//! Realistic demonstration data, deterministic for a seed (issue 8 fills this in).

use std::path::Path;

use crate::cli::DemoArgs;

pub fn command(_db: &Path, _args: &DemoArgs) -> anyhow::Result<String> {
    anyhow::bail!("demo data is not available yet")
}
