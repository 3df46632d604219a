//! Sync over a shared folder (issue 19: a network share, a folder OneDrive or SharePoint keeps in step, a
//! mounted SFTP folder): each home writes its weekly sets into its own outbox; the YOS reads every new whole set,
//! checks it against its manifest and the home's audit anchors, imports it all or nothing and writes a receipt.
//! [`layout`] is the folder's layout and the receipt, shared by both sides; [`check`] the checks of a set against
//! its manifest (also used by `concordat import`); [`home`] the home's side; [`yos`] the YOS's.

pub mod check;
pub mod home;
pub mod layout;
pub mod yos;

/// What a sync did, in lines to print.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub lines: Vec<String>,
}
