//! A small harness to drive the real binary in a pseudo-terminal (80x24): spawn, send keys, wait until the
//! screen shows some text (with a timeout), and dump the screen when a wait fails.
//!
//! ```ignore
//! let mut p = Pty::spawn(&["--db", db], &[]);
//! p.wait_for("Sign in", 10);
//! p.send(keys::DOWN); p.send(keys::ENTER); p.type_text("passphrase"); p.send(keys::ENTER);
//! ```

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, MasterPty, PtySize, native_pty_system};

pub const COLS: u16 = 80;
pub const ROWS: u16 = 24;

/// Key sequences as a terminal sends them.
pub mod keys {
    pub const ENTER: &str = "\r";
    pub const TAB: &str = "\t";
    pub const ESC: &str = "\x1b";
    pub const UP: &str = "\x1b[A";
    pub const DOWN: &str = "\x1b[B";
    pub const RIGHT: &str = "\x1b[C";
    pub const LEFT: &str = "\x1b[D";
    pub const BACKSPACE: &str = "\x7f";
    pub const CTRL_Q: &str = "\x11";
    pub const CTRL_S: &str = "\x13";
    pub const CTRL_L: &str = "\x0c";
    pub const F1: &str = "\x1bOP";
}

pub struct Pty {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    parser: Arc<Mutex<vt100::Parser>>,
    /// Everything the program wrote, raw (for debugging a failure).
    raw: Arc<Mutex<Vec<u8>>>,
    /// The terminal's side, kept to resize the window.
    master: Arc<Mutex<Box<dyn MasterPty + Send>>>,
}

impl Pty {
    /// Run the concordat binary with `args` (plus `env`), NO_COLOR set, in an 80x24 terminal.
    pub fn spawn(args: &[&str], env: &[(&str, &str)]) -> Pty {
        Self::spawn_program(env!("CARGO_BIN_EXE_concordat"), args, env)
    }

    pub fn spawn_program(program: &str, args: &[&str], env: &[(&str, &str)]) -> Pty {
        let sys = native_pty_system();
        let pair = sys
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pseudo-terminal");
        let mut cmd = CommandBuilder::new(program);
        for a in args {
            cmd.arg(a);
        }
        cmd.env("TERM", "xterm-256color");
        cmd.env("NO_COLOR", "1");
        // The tester's own settings never reach the program: each test names its database and protocol.
        cmd.env_remove("CONCORDAT_DB");
        cmd.env_remove("CONCORDAT_PROTOCOL");
        for (k, v) in env {
            cmd.env(k, v);
        }
        if let Ok(dir) = std::env::current_dir() {
            cmd.cwd(dir);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn the program");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(ROWS, COLS, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let master = Arc::new(Mutex::new(pair.master));
        {
            let parser = parser.clone();
            let raw = raw.clone();
            // Keep the master alive as long as the reader runs.
            let master = master.clone();
            std::thread::spawn(move || {
                let _master = master;
                let mut buf = [0u8; 8192];
                loop {
                    match reader.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            parser.lock().unwrap().process(&buf[..n]);
                            raw.lock().unwrap().extend_from_slice(&buf[..n]);
                        }
                    }
                }
            });
        }
        Pty {
            child,
            writer,
            parser,
            raw,
            master,
        }
    }

    /// Resize the window (the program gets SIGWINCH), and the screen read back with it.
    pub fn resize(&mut self, rows: u16, cols: u16) {
        self.parser.lock().unwrap().screen_mut().set_size(rows, cols);
        self.master
            .lock()
            .unwrap()
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize the pseudo-terminal");
        std::thread::sleep(Duration::from_millis(150));
    }

    /// Send bytes (a key sequence from [`keys`], or text).
    pub fn send(&mut self, s: &str) {
        self.writer.write_all(s.as_bytes()).expect("write to the pty");
        self.writer.flush().ok();
        // Give the app a moment: a lone ESC must not merge with the next key.
        std::thread::sleep(Duration::from_millis(60));
    }

    /// Type text one character at a time.
    pub fn type_text(&mut self, s: &str) {
        for c in s.chars() {
            let mut b = [0u8; 4];
            self.writer
                .write_all(c.encode_utf8(&mut b).as_bytes())
                .expect("write to the pty");
        }
        self.writer.flush().ok();
        std::thread::sleep(Duration::from_millis(60));
    }

    /// The screen as text, one line per row.
    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Wait until the screen contains `text`; on timeout, panic with the screen.
    pub fn wait_for(&self, text: &str, secs: u64) {
        if let Err(e) = self.try_wait_for(text, secs) {
            panic!("{e}");
        }
    }

    /// Wait until the screen contains `text`, or say what was on the screen instead.
    pub fn try_wait_for(&self, text: &str, secs: u64) -> Result<(), String> {
        let end = Instant::now() + Duration::from_secs(secs);
        loop {
            let s = self.screen();
            if s.contains(text) {
                return Ok(());
            }
            if Instant::now() > end {
                return Err(format!(
                    "timed out after {secs}s waiting for {text:?}. The screen:\n{}\n{}",
                    "-".repeat(COLS as usize),
                    s
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Wait until the screen no longer contains `text`.
    pub fn wait_gone(&self, text: &str, secs: u64) {
        let end = Instant::now() + Duration::from_secs(secs);
        while self.screen().contains(text) {
            if Instant::now() > end {
                panic!("timed out waiting for {text:?} to go. The screen:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Wait for the program to end; its exit status.
    pub fn wait_exit(&mut self, secs: u64) -> Option<portable_pty::ExitStatus> {
        let end = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Ok(Some(st)) = self.child.try_wait() {
                return Some(st);
            }
            if Instant::now() > end {
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Wait for the program to exit; its exit code. Panics with the screen if it has not ended in `secs`.
    pub fn exit_code(&mut self, secs: u64) -> u32 {
        match self.wait_exit(secs) {
            Some(st) => st.exit_code(),
            None => {
                let _ = self.child.kill();
                panic!("the program did not exit; the screen was:\n{}", self.screen());
            }
        }
    }

    /// Kill the program at once (SIGKILL), as a power cut or a closed window would: nothing it could catch.
    pub fn kill_hard(&mut self) {
        let pid = self.child.process_id().expect("the program is running");
        let st = std::process::Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .expect("run kill");
        assert!(st.success());
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("the program did not die");
    }

    /// Everything written so far, raw, lossily as text.
    pub fn raw(&self) -> String {
        String::from_utf8_lossy(&self.raw.lock().unwrap()).into_owned()
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A database path in a fresh temporary folder, in a `data` folder not yet made (the folder is kept alive by
/// the returned guard).
pub fn temp_db() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("data").join("concordat.db");
    (dir, p.to_string_lossy().into_owned())
}

/// The passphrase of Pat Manager in [`home_with`].
pub const MANAGER_PASS: &str = "correct horse";

/// Jordan Smith, born 01/02/2011, in care (s31) since 01/09/2025, not open to the YOS.
pub fn jordan() -> concordat::domain::ChildInput {
    concordat::domain::ChildInput {
        name: "Jordan Smith".into(),
        dob: "01/02/2011".into(),
        gender: "male".into(),
        ethnicity: "white_british".into(),
        legal_status: "s31".into(),
        admitted: "01/09/2025".into(),
        ..Default::default()
    }
}

/// A fresh home at `db`, Oak House, with its manager Pat Manager ([`MANAGER_PASS`]) and these children: ready
/// for the binary to sign in.
pub fn home_with(db: &str, children: &[concordat::domain::ChildInput]) {
    let mut s = concordat::store::Store::open(std::path::Path::new(db)).unwrap();
    let m = s
        .setup(&concordat::store::staff::Setup {
            home_name: "Oak House",
            ofsted_urn: "",
            manager_name: "Pat Manager",
            passphrase: MANAGER_PASS,
        })
        .unwrap();
    for c in children {
        s.add_child(&m.actor, c).unwrap();
    }
}

/// Sign in as the first on the list (Pat Manager in [`home_with`]) with [`MANAGER_PASS`].
pub fn sign_in(t: &mut Pty) {
    sign_in_with(t, MANAGER_PASS);
}

/// Sign in as the first on the list with `pass` (right or wrong).
pub fn sign_in_with(t: &mut Pty, pass: &str) {
    t.wait_for("Who are you?", 20);
    t.send(keys::ENTER);
    t.wait_for("Type your passphrase", 20);
    t.send(pass);
    t.send(keys::ENTER);
}

/// The first-time set-up by keys on an empty database: Oak House (SC123456), Pat Manager with
/// [`MANAGER_PASS`] typed twice, saved; waits until Pat is signed in.
pub fn first_time_set_up(t: &mut Pty) {
    t.wait_for("First-time set-up", 20);
    for field in ["Oak House", "SC123456", "Pat Manager", MANAGER_PASS] {
        t.send(field);
        t.send(keys::TAB);
    }
    t.send(MANAGER_PASS);
    t.send(keys::CTRL_S);
    t.wait_for("Pat Manager (Manager)", 20);
}

/// [`sign_in`], past the dashboard, to the main menu.
pub fn sign_in_to_menu(t: &mut Pty) {
    sign_in(t);
    t.wait_for("Pat Manager (Manager)", 20);
    t.send(keys::ESC);
    t.wait_for("New incident", 20);
}

/// Sign in as the second on the list (`name`: Sam Night after Pat Manager in `common::home_at`) with `pass`.
pub fn sign_in_second(t: &mut Pty, name: &str, pass: &str) {
    t.wait_for(name, 20);
    t.send(keys::DOWN);
    t.wait_for(&format!("▸ {name}"), 5);
    t.send(keys::ENTER);
    t.type_text(pass);
    t.send(keys::ENTER);
}
