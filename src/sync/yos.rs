//! The YOS side of sync. This branch carries only its entry point; the YOS side is built elsewhere.

use std::path::Path;

use chrono::{DateTime, Utc};

use super::Summary;
use crate::store::{Actor, Store};

/// Read every new complete set from every home's outbox (not available in this build).
pub fn run(
    _store: &mut Store,
    _actor: &Actor,
    _sync: &Path,
    _now: DateTime<Utc>,
    _progress: &mut dyn FnMut(u64, u64),
) -> anyhow::Result<Summary> {
    anyhow::bail!("Reading the homes' sets into a YOS database is not available in this build. Nothing was read.")
}
