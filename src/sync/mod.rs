//! Sync over a shared folder (a network share, a folder OneDrive or SharePoint keeps in step, a mounted SFTP
//! folder): each home writes its weekly sets into its own outbox, the YOS writes a receipt for every set it
//! reads. [`layout`] is the layout both sides understand.

pub mod layout;
