//! 检查 / 生成 / 发布 as jobs: the POST starts one on a thread of its own and answers at once
//! with its id; the page asks `api/job?id=N&from=K` for the progress lines written since line
//! `K` (the same sentences the command line prints) and, once done, the result. A whole-site
//! build can take minutes on an old laptop: holding a request open that long left the page
//! without any sign of life and a server worker busy. Only one job runs at a time per site
//! (two builds would write the same `public/`); a second start is told which one is running.

use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// Finished jobs kept for the page to read their result (the oldest go first).
const KEEP: usize = 16;

/// One job: its progress lines so far and, once done, its result.
pub struct Job {
    pub id: u64,
    pub kind: &'static str,
    inner: Mutex<Progress>,
}

#[derive(Default)]
struct Progress {
    lines: Vec<String>,
    result: Option<Value>,
}

impl Job {
    /// Adds one progress line (several for a text with line breaks, as the CLI prints it).
    pub fn say(&self, line: &str) {
        let mut p = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        p.lines.extend(line.trim_end_matches('\n').split('\n').map(str::to_string));
    }

    fn finish(&self, result: Value) {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).result = Some(result);
    }

    /// The lines from `from` on, whether the job is done, and its result then.
    pub fn view(&self, from: usize) -> Value {
        let p = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let lines: Vec<&String> = p.lines.iter().skip(from).collect();
        json!({
            "id": self.id,
            "kind": self.kind,
            "lines": lines,
            "next": p.lines.len(),
            "done": p.result.is_some(),
            "result": p.result,
        })
    }

    pub fn done(&self) -> bool {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).result.is_some()
    }
}

/// The jobs of one site.
#[derive(Default)]
pub struct Jobs {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    next: u64,
    jobs: BTreeMap<u64, Arc<Job>>,
}

crate::messages! {
    /// Why a job ended without its own result.
    pub enum JobError {
        Panicked = "workbench.job-panicked",
            zh: "内部错误：这一步意外中断了。请把 gongkai 窗口里的内容发给维护人员。",
            en: "internal error: the job stopped unexpectedly";
        NoThread = "workbench.job-no-thread",
            zh: "无法开始：系统资源不够，请关掉一些程序后再试。",
            en: "cannot start a thread";
    }
}

/// A job's result when it failed: both texts, as every workbench error.
fn failed(e: JobError) -> Value {
    json!({ "error": e.zh(), "error_en": e.en() })
}

impl Jobs {
    /// Starts `work` on its own thread unless a job is running; `Err` is the running one.
    /// `first` is the job's first line, there before the start is answered (a page that asks
    /// at once sees what is being done, not an empty list).
    pub fn start<F>(
        &self,
        kind: &'static str,
        first: Option<&str>,
        work: F,
    ) -> Result<Arc<Job>, Arc<Job>>
    where
        F: FnOnce(&Job) -> Value + Send + 'static,
    {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(running) = inner.jobs.values().find(|j| !j.done()) {
            return Err(running.clone());
        }
        inner.next += 1;
        let job = Arc::new(Job { id: inner.next, kind, inner: Mutex::new(Progress::default()) });
        inner.jobs.insert(job.id, job.clone());
        while inner.jobs.len() > KEEP {
            inner.jobs.pop_first();
        }
        drop(inner);
        if let Some(line) = first {
            job.say(line);
        }
        let j = job.clone();
        let spawned = std::thread::Builder::new().name("gongkai-wb-job".into()).spawn(move || {
            // A panic in a build must not leave the job running for ever (and every later
            // start refused): it ends the job with an error the page shows.
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&j)))
                .unwrap_or_else(|_| failed(JobError::Panicked));
            j.finish(result);
        });
        if spawned.is_err() {
            job.finish(failed(JobError::NoThread));
        }
        Ok(job)
    }

    pub fn get(&self, id: u64) -> Option<Arc<Job>> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).jobs.get(&id).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn wait(job: &Job) {
        let t = Instant::now();
        while !job.done() {
            assert!(t.elapsed() < Duration::from_secs(10), "job never finished");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn one_job_at_a_time_and_lines_from_where_the_page_left_off() {
        let jobs = Jobs::default();
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let a = jobs
            .start("build", None, move |j| {
                j.say("第一行\n第二行\n");
                let _ = rx.recv();
                j.say("完成");
                json!({"ok": true})
            })
            .unwrap_or_else(|_| panic!("first start"));
        let refused = jobs
            .start("check", Some("正在检查"), |_| json!({}))
            .err()
            .expect("second start refused");
        assert_eq!(refused.id, a.id);
        tx.send(()).unwrap();
        wait(&a);
        let v = a.view(1);
        assert_eq!(v["lines"], json!(["第二行", "完成"]));
        assert_eq!(v["next"], 3);
        assert_eq!(v["result"]["ok"], true);
        let b = jobs
            .start("check", Some("正在检查"), |_| panic!("boom"))
            .unwrap_or_else(|_| panic!("free again"));
        // The first line is there before the start is answered, not when the thread gets to it.
        assert_eq!(b.view(0)["lines"][0], "正在检查");
        wait(&b);
        assert!(b.view(0)["result"]["error"].as_str().unwrap().contains("内部错误"));
        assert!(jobs.get(a.id).is_some() && jobs.get(99).is_none());
    }
}
