//! Build step: links the `remiss` binary on GNU/Linux as a position-dependent executable,
//! and with GCC's unwinder linked statically, so that it loads no `libgcc_s.so.1`.
//!
//! **Position-dependent.** A position-independent executable (the default) carries a
//! table of about 18,000 addresses that the dynamic loader fixes up at every start:
//! vtables, tables of strings, the argument parser's static data. Each of the 84 pages
//! they lie on is copied on write. Linked at a fixed address (`-no-pie`), where the linker
//! fixes them once, `remiss --version` takes 165 page faults instead of 246 and 0.81 of
//! the time, and a diff of two versions of Socialförsäkringsbalken 0.96 of it.
//! The cost is that the executable's own code and data lie at the same address in every
//! run (the libraries and the heap are still placed at random), which is how Go links its
//! programs too. `REMISS_PIE=1` in the build's environment keeps it position-independent.
//! Test and bench programs stay as they are.
//!
//! **The unwinder.** Rust's standard library asks the linker for `-lgcc_s` (the unwinder
//! that panics and backtraces use) unless the whole C runtime is linked statically. Loading
//! that library runs its constructor, `__cpu_indicator_init`, which issues 13 `cpuid`
//! instructions, and `cpuid` traps to the hypervisor on a virtual machine (about 6 µs each
//! here). With the library's mapping and symbol lookups, that was 0.1–0.18 ms of every
//! run's start (`remiss --version`: 1.45 → 1.29 ms on average, `perf stat -r 300`) for code
//! a run never needs. `libgcc_eh.a` is the same unwinder as an archive (what `gcc
//! -static-libgcc` links), without the constructor.
//!
//! The linker takes, for `-lgcc_s`, the first `libgcc_s.so` or `libgcc_s.a` it finds along
//! its search path, and a path given here comes before the system's. So a copy of
//! `libgcc_eh.a` named `libgcc_s.a` in a folder of the build's own is linked instead.
//! Where the compiler cannot name the archive, or does not know `-no-pie`, nothing changes
//! on that count: the binary is linked as before.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=CC");
    println!("cargo:rerun-if-env-changed=REMISS_PIE");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let gnu_linux = var("CARGO_CFG_TARGET_OS") == "linux" && var("CARGO_CFG_TARGET_ENV") == "gnu";
    // With crt-static the standard library links `libgcc_eh.a` itself.
    let crt_static = var("CARGO_CFG_TARGET_FEATURE")
        .split(',')
        .any(|f| f == "crt-static");
    if !gnu_linux || crt_static {
        return;
    }
    if var("REMISS_PIE").is_empty() && cc_knows("-no-pie") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    let Some(archive) = static_unwinder() else {
        println!("cargo:warning=libgcc_eh.a not found: libgcc_s.so.1 stays linked");
        return;
    };
    let Some(out) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        return;
    };
    let dir = out.join("static-unwinder");
    let copied = std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::copy(&archive, dir.join("libgcc_s.a")));
    match copied {
        Ok(_) => println!("cargo:rustc-link-search=native={}", dir.display()),
        Err(e) => println!(
            "cargo:warning=cannot copy {}: {e}; libgcc_s.so.1 stays linked",
            archive.display()
        ),
    }
}

/// The C compiler that links the build.
fn cc() -> Command {
    Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".to_string()))
}

/// Whether the C compiler accepts an option (it refuses one it does not know, even when
/// only preprocessing).
fn cc_knows(option: &str) -> bool {
    cc().args([option, "-E", "-x", "c", "-o", "/dev/null", "/dev/null"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The path of `libgcc_eh.a` as the C compiler that links the build names it.
fn static_unwinder() -> Option<PathBuf> {
    let out = cc().arg("-print-file-name=libgcc_eh.a").output().ok()?;
    let path = PathBuf::from(String::from_utf8(out.stdout).ok()?.trim());
    // The compiler echoes the bare name back when it has no such file.
    (out.status.success() && path.is_absolute() && path.is_file()).then_some(path)
}
