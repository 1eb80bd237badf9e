//! The console window on Windows: UTF-8 for Chinese text, and keeping a double-clicked window
//! open long enough to read the last message. Elsewhere these do nothing.

use super::Ctx;
use std::process::ExitCode;

gongkai::messages! {
    /// Said before a double-clicked window closes.
    struct PressEnter {} = "cmd.press-enter",
        zh: "按回车键关闭这个窗口。", en: "Press Enter to close this window.";
}

/// Sets the console's code pages to UTF-8. Rust's std already writes to a console through the
/// wide-character API; the code page covers what other code (and child processes) write and
/// what the clerk types in answer to a question.
pub fn setup() {
    #[cfg(windows)]
    {
        use windows_sys::Win32::System::Console::{SetConsoleCP, SetConsoleOutputCP};
        const CP_UTF8: u32 = 65001;
        // SAFETY: plain calls without pointers; failure (no console) is harmless.
        unsafe {
            SetConsoleOutputCP(CP_UTF8);
            SetConsoleCP(CP_UTF8);
        }
    }
}

/// True when this process is the only one attached to its console: Explorer opened a window for
/// a double-click, and that window closes as soon as the process exits.
fn own_window() -> bool {
    #[cfg(windows)]
    {
        use windows_sys::Win32::System::Console::GetConsoleProcessList;
        let mut pids = [0u32; 2];
        // SAFETY: the buffer holds 2 entries, and that length is what is passed.
        let n = unsafe { GetConsoleProcessList(pids.as_mut_ptr(), 2) };
        n == 1
    }
    #[cfg(not(windows))]
    {
        false
    }
}

/// Before a double-clicked window closes, waits for Enter so the clerk can read what happened.
pub fn finish(ctx: &Ctx, code: ExitCode) -> ExitCode {
    if own_window() {
        println!("{}", PressEnter {}.text(ctx.lang));
        let mut line = String::new();
        let _ = std::io::stdin().read_line(&mut line);
    }
    code
}
