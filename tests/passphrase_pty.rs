//! The real binary in a pseudo-terminal: a passphrase a manager typed for someone is changed at their first
//! sign-in with it, before anything else; then, from the menu, any member of staff changes their own again.
#![cfg(unix)]

mod common;
use common::support;

use concordat::domain::Role;
use concordat::store::Store;
use concordat::store::staff::{Setup, SignIn};
use support::pty::{keys::*, *};

#[test]
fn a_new_member_of_staff_chooses_their_own_passphrase_first_and_can_change_it_from_the_menu() {
    let (_dir, db) = temp_db();
    {
        let mut s = Store::open(std::path::Path::new(&db)).unwrap();
        let m = s
            .setup(&Setup {
                home_name: "Oak House",
                ofsted_urn: "SC123456",
                manager_name: "Pat Manager",
                passphrase: "correct horse",
            })
            .unwrap();
        s.add_staff(&m.actor, "Sam Night", Role::Staff, "given by pat").unwrap();
    }
    let mut t = Pty::spawn(&["--db", &db], &[]);
    t.wait_for("Who are you?", 20);
    t.send(DOWN); // Pat Manager, Sam Night
    t.send(ENTER);
    t.wait_for("Type your passphrase", 20);
    t.send("given by pat");
    t.send(ENTER);
    // Straight to choosing their own: Esc does not put it off.
    t.wait_for("Choose your own passphrase", 20);
    t.send(ESC);
    t.wait_for("Choose your own passphrase", 20);
    t.send("given by pat");
    t.send(TAB);
    t.send("my own words");
    t.send(TAB);
    t.send("my own words");
    t.send(CTRL_S);
    t.wait_for("Sam Night (Staff)", 20);
    // Later, from the menu: change it again (the current one, the new one twice).
    t.send(ESC);
    t.wait_for("Change my passphrase", 20);
    t.send("p");
    t.wait_for("Current passphrase", 20);
    t.send("my own words");
    t.send(TAB);
    t.send("newer words 2");
    t.send(TAB);
    t.send("newer words 2");
    t.send(CTRL_S);
    t.wait_for("What do you need to do?", 20);
    t.send(CTRL_Q);
    t.exit_code(20);
    let mut s = Store::open(std::path::Path::new(&db)).unwrap();
    let sam = s
        .list_staff(false)
        .unwrap()
        .into_iter()
        .find(|x| x.name == "Sam Night")
        .unwrap();
    assert!(!s.must_change_passphrase(sam.id).unwrap());
    assert!(matches!(
        s.sign_in(sam.id, "given by pat").unwrap(),
        SignIn::Wrong { .. }
    ));
    assert!(matches!(s.sign_in(sam.id, "newer words 2").unwrap(), SignIn::Ok(_)));
    let rep = s.verify().unwrap();
    assert!(rep.is_sound(), "{:?}", rep.problems);
}
