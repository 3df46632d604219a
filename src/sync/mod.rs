//! Sync over a shared folder (issue 19): each home writes its weekly sets into its own outbox; the YOS reads
//! every new whole set, checks it against its manifest and the home's audit anchors, imports it all or nothing
//! and writes a receipt. [`layout`] is the folder's layout and the receipt, shared by both sides; [`check`] the
//! checks of a set against its manifest (also used by `concordat import`); [`yos`] the YOS side.

pub mod check;
pub mod layout;
pub mod yos;
