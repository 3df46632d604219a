//! What an import says when it refuses: whose record it is, and where two versions differ.

use serde_json::Value;

use super::read::HomeIn;
use crate::store::StoreError;

/// The first top-level field in which two versions of a record differ, with both values (shortened).
pub(super) fn first_difference(here: &Value, file: &Value) -> Option<String> {
    let (Value::Object(a), Value::Object(b)) = (here, file) else {
        return (here != file).then(|| "the whole record".to_string());
    };
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter().find_map(|k| {
        let (x, y) = (a.get(k).unwrap_or(&Value::Null), b.get(k).unwrap_or(&Value::Null));
        (x != y).then(|| {
            format!(
                "{k}: here {}, in the file {}",
                crate::text::one_line(&x.to_string(), 60),
                crate::text::one_line(&y.to_string(), 60)
            )
        })
    })
}

/// The file being imported: its home, and this database's own.
pub(super) struct FileCtx {
    pub(super) home: HomeIn,
    pub(super) period: Value,
    pub(super) own_uid: Option<String>,
    pub(super) own_name: String,
}

impl FileCtx {
    pub(super) fn home_label(&self, uid: &str, fallback: &str) -> String {
        if self.own_uid.as_deref() == Some(uid) {
            format!("this home ({})", self.own_name)
        } else if uid == self.home.uid {
            format!("{} ({uid})", self.home.name)
        } else {
            format!("{fallback} ({uid})")
        }
    }

    pub(super) fn refuse(&self, what: String, other_uid: &str) -> StoreError {
        StoreError::Invalid(format!(
            "{what} belongs to {}, but the file comes from {}: an import only adds or changes the records of the \
             home the file comes from.",
            crate::text::display(&self.home_label(other_uid, "another home")),
            crate::text::display(&format!("{} ({})", self.home.name, self.home.uid))
        ))
    }
}
