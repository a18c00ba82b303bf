//! The `fep` command-line tool.

fn main() {
    println!("fep");
}
