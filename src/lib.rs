//! concordat: guides children's home staff through their area's Concordat protocol, records what they did and
//! why, and sends the weekly file to the Youth Offending Service. See ARCHITECTURE.md for the map.

pub mod cli;
pub mod demo;
pub mod domain;
pub mod export;
pub mod fsio;
pub mod hash;
pub mod log;
pub mod print;
pub mod progress;
pub mod protocol;
pub mod report;
pub mod store;
pub mod sync;
pub mod text;
pub mod time;
pub mod ui;
