//! Sync over a shared folder (a network share, a folder OneDrive or SharePoint keeps in step, a mounted SFTP
//! folder): each home writes its weekly sets into its own outbox, the YOS writes a receipt for every set it
//! reads. [`layout`] is the layout both sides understand; [`home`] is the home's side; [`yos`] the YOS's.

pub mod home;
pub mod layout;
pub mod yos;

/// What a sync did, in lines to print.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub lines: Vec<String>,
}
