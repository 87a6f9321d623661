//! Build step: links GCC's unwinder statically on GNU/Linux, so `remiss` loads no
//! `libgcc_s.so.1`.
//!
//! Rust's standard library asks the linker for `-lgcc_s` (the unwinder that panics and
//! backtraces use) unless the whole C runtime is linked statically. Loading that library
//! runs its constructor, `__cpu_indicator_init`, which issues 13 `cpuid` instructions, and
//! `cpuid` traps to the hypervisor on a virtual machine (about 6 µs each here). With the
//! library's mapping and symbol lookups, that was 0.1–0.18 ms of every run's start
//! (`remiss --version`: 1.45 → 1.29 ms on average, `perf stat -r 300`) for code a run
//! never needs. `libgcc_eh.a` is the same unwinder as an archive (what `gcc
//! -static-libgcc` links), without the constructor.
//!
//! The linker takes, for `-lgcc_s`, the first `libgcc_s.so` or `libgcc_s.a` it finds along
//! its search path, and a path given here comes before the system's. So a copy of
//! `libgcc_eh.a` named `libgcc_s.a` in a folder of the build's own is linked instead.
//! Where the compiler cannot name the archive, nothing changes: the shared library is
//! linked as before.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=CC");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let gnu_linux = var("CARGO_CFG_TARGET_OS") == "linux" && var("CARGO_CFG_TARGET_ENV") == "gnu";
    // With crt-static the standard library links `libgcc_eh.a` itself.
    let crt_static = var("CARGO_CFG_TARGET_FEATURE")
        .split(',')
        .any(|f| f == "crt-static");
    if !gnu_linux || crt_static {
        return;
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

/// The path of `libgcc_eh.a` as the C compiler that links the build names it.
fn static_unwinder() -> Option<PathBuf> {
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_string());
    let out = Command::new(cc)
        .arg("-print-file-name=libgcc_eh.a")
        .output()
        .ok()?;
    let path = PathBuf::from(String::from_utf8(out.stdout).ok()?.trim());
    // The compiler echoes the bare name back when it has no such file.
    (out.status.success() && path.is_absolute() && path.is_file()).then_some(path)
}
