//! Sizes and SHA-256 of the files of a set, taken as they are written.

use super::*;

/// What an export holds beside its bytes: what the manifest says about the CSV and the JSON.
#[derive(Debug, Clone)]
pub(super) struct Generated {
    pub(super) home: Home,
    pub(super) rules: Rules,
    pub(super) counts: Counts,
    pub(super) protocols: Vec<Value>,
    pub(super) csv: FileSum,
    pub(super) json: FileSum,
    /// The head of the audit chain when the file was made (`verify --anchors` checks it later).
    pub(super) anchor: crate::store::verify::Anchor,
}

/// The size and SHA-256 of a file, taken as it was written.
#[derive(Debug, Clone)]
pub(super) struct FileSum {
    pub(super) bytes: u64,
    pub(super) sha256: String,
}

/// A writer that hashes and counts what passes through it, in chunks. Once a file has grown past
/// [`Hashing::THREAD_AFTER`] the hashing moves to a thread of its own, so a long export is hashed while it is
/// still being written instead of after.
pub(super) struct Hashing<W> {
    pub(super) inner: W,
    pub(super) bytes: u64,
    /// Written but not yet passed on.
    pub(super) buf: Vec<u8>,
    /// The hash, while it is computed here.
    pub(super) sha: Option<FileHash>,
    /// The hash, once it is computed on another thread.
    pub(super) worker: Option<HashWorker>,
}

pub(super) struct HashWorker {
    pub(super) chunks: std::sync::mpsc::SyncSender<Vec<u8>>,
    /// Chunks handed back, hashed, to be filled again.
    pub(super) spare: std::sync::mpsc::Receiver<Vec<u8>>,
    pub(super) done: std::thread::JoinHandle<FileHash>,
}

/// The program's one SHA-256 (`crate::hash`); an export of ten years is hundreds of megabytes, hashed on its
/// own thread.
type FileHash = crate::hash::Sha256;

pub(super) fn file_hash() -> FileHash {
    crate::hash::Sha256::new()
}

impl HashWorker {
    pub(super) fn start(mut sha: FileHash) -> std::io::Result<HashWorker> {
        let (chunks, todo) = std::sync::mpsc::sync_channel::<Vec<u8>>(4);
        let (back, spare) = std::sync::mpsc::sync_channel::<Vec<u8>>(4);
        let done = std::thread::Builder::new()
            .name("export-sha256".into())
            .spawn(move || {
                for mut c in todo {
                    sha.update(&c);
                    c.clear();
                    let _ = back.try_send(c);
                }
                sha
            })?;
        Ok(HashWorker { chunks, spare, done })
    }
}

impl<W: Write> Hashing<W> {
    const CHUNK: usize = 1 << 18;
    const THREAD_AFTER: u64 = 1 << 20;

    pub(super) fn new(inner: W) -> Self {
        Hashing {
            inner,
            bytes: 0,
            // Small at first (a week's file is small); it grows to a chunk as it is used.
            buf: Vec::with_capacity(1 << 13),
            sha: Some(file_hash()),
            worker: None,
        }
    }

    /// Write out what is buffered and pass it to the hash.
    pub(super) fn pass_on(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        self.inner.write_all(&self.buf)?;
        self.bytes += self.buf.len() as u64;
        if self.worker.is_none() && self.bytes >= Self::THREAD_AFTER {
            // Fall back to hashing here if no thread can be started.
            if let Ok(w) = HashWorker::start(self.sha.clone().unwrap_or_else(file_hash)) {
                self.sha = None;
                self.worker = Some(w);
            }
        }
        match (&self.worker, &mut self.sha) {
            (Some(w), _) => {
                let next = w
                    .spare
                    .try_recv()
                    .unwrap_or_else(|_| Vec::with_capacity(Self::CHUNK + (Self::CHUNK >> 2)));
                let full = std::mem::replace(&mut self.buf, next);
                w.chunks
                    .send(full)
                    .map_err(|_| std::io::Error::other("the export's hash could not be computed"))?;
            }
            (None, Some(sha)) => {
                sha.update(&self.buf);
                self.buf.clear();
            }
            (None, None) => unreachable!("the hash is computed here or on its thread"),
        }
        Ok(())
    }

    pub(super) fn finish(mut self) -> std::io::Result<(W, FileSum)> {
        self.pass_on()?;
        self.inner.flush()?;
        let sha = match (self.worker.take(), self.sha.take()) {
            (Some(w), _) => {
                drop(w.chunks);
                w.done
                    .join()
                    .map_err(|_| std::io::Error::other("the export's hash could not be computed"))?
            }
            (None, Some(sha)) => sha,
            (None, None) => unreachable!("the hash is computed here or on its thread"),
        };
        let sum = FileSum {
            bytes: self.bytes,
            sha256: sha.finish_hex(),
        };
        Ok((self.inner, sum))
    }
}

impl<W: Write> Write for Hashing<W> {
    #[inline]
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    /// The serializer writes in small pieces (a quote, an indent): each is one copy into the buffer.
    #[inline]
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.buf.extend_from_slice(buf);
        if self.buf.len() >= Self::CHUNK {
            self.pass_on()?;
        }
        Ok(())
    }

    /// Passes on what is buffered (hashing never waits for a flush: [`Hashing::finish`] completes it).
    fn flush(&mut self) -> std::io::Result<()> {
        self.pass_on()?;
        self.inner.flush()
    }
}

pub(super) fn sha256_hex(b: &[u8]) -> String {
    crate::hash::sha256_hex(b)
}

/// The SHA-256 of a file, read in pieces.
pub(super) fn file_sha256(p: &Path) -> std::io::Result<String> {
    let mut h = crate::hash::Sha256::new();
    std::io::copy(&mut std::fs::File::open(p)?, &mut h)?;
    Ok(h.finish_hex())
}
