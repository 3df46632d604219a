//! A signing key in memory and the check of a signature: what the audit trail (`audit`) signs its rows with
//! and what the accounts' keys (`keys`) are made into. Apart from both, so that neither imports the other.

use std::sync::Arc;

use ring::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};

use super::{Result, StoreError};

/// What the signature of an audit row covers: the key's id and the row's hash.
fn message(key_id: i64, hash: &str) -> Vec<u8> {
    format!("concordat audit signature v1\n{key_id}\n{hash}").into_bytes()
}

/// A private signing key in memory, with the id it is registered under. Never stored, logged or printed.
#[derive(Clone)]
pub struct Signer {
    pub key_id: i64,
    pair: Arc<Ed25519KeyPair>,
    /// Kept for a recovery code's sealed copy of the key (`store::staff`), never written in the clear.
    seed: Arc<[u8; 32]>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Signer {{ key_id: {}, .. }}", self.key_id)
    }
}

impl PartialEq for Signer {
    fn eq(&self, o: &Self) -> bool {
        self.key_id == o.key_id && self.public_hex() == o.public_hex()
    }
}
impl Eq for Signer {}

impl Signer {
    pub fn from_seed(key_id: i64, seed: &[u8; 32]) -> Result<Signer> {
        let pair = Ed25519KeyPair::from_seed_unchecked(seed)
            .map_err(|_| StoreError::Invalid("Could not make the signing key.".into()))?;
        Ok(Signer {
            key_id,
            pair: Arc::new(pair),
            seed: Arc::new(*seed),
        })
    }

    pub(crate) fn seed(&self) -> [u8; 32] {
        *self.seed
    }

    pub fn public_hex(&self) -> String {
        hex::encode(self.pair.public_key().as_ref())
    }

    /// The signature (hex) of the audit row whose hash is `hash`.
    pub fn sign(&self, hash: &str) -> String {
        hex::encode(self.pair.sign(&message(self.key_id, hash)).as_ref())
    }
}

/// Does `sig` (hex) sign the row hash `hash` with key `key_id` whose public key is `public` (hex)?
pub fn signature_ok(public: &str, key_id: i64, hash: &str, sig: &str) -> bool {
    let (Ok(pk), Ok(sig)) = (hex::decode(public), hex::decode(sig)) else {
        return false;
    };
    UnparsedPublicKey::new(&ED25519, pk)
        .verify(&message(key_id, hash), &sig)
        .is_ok()
}
