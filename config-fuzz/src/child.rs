//! One supervised child process: started in a process group of its own,
//! its stdout and stderr read as they come (so a chatty program never blocks
//! on a full pipe), its exit seen through a pidfd, and its whole group killed
//! when it ends, times out or is dropped.

use std::io::{self, Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::process::{CommandExt as _, ExitStatusExt as _};
use std::process::{Child, ChildStderr, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use rustix::event::{poll, PollFd, PollFlags, Timespec};
use rustix::process::{kill_process_group, pidfd_open, Pid, PidfdFlags, Signal};

/// How much of stderr a failure's detail shows: its last lines, and at most
/// this many bytes of them.
const TAIL_LINES: usize = 20;
const TAIL_BYTES: usize = 4 * 1024;

/// How long, after the child itself ended and its group was killed, the
/// pipes may take to reach end-of-file (a process outside the group, e.g.
/// one that started a session of its own, may still hold them).
const DRAIN_GRACE: Duration = Duration::from_millis(200);

/// Without a pidfd (kernels before 5.3) the exit is looked for this often.
const NO_PIDFD_TICK: Duration = Duration::from_millis(2);

/// The last bytes a stream produced, bounded.
#[derive(Default)]
pub(crate) struct Tail {
    bytes: Vec<u8>,
}

impl Tail {
    pub(crate) fn push(&mut self, data: &[u8]) {
        self.bytes.extend_from_slice(data);
        if self.bytes.len() > 4 * TAIL_BYTES {
            let cut = self.bytes.len() - 2 * TAIL_BYTES;
            self.bytes.drain(..cut);
        }
    }

    /// The last [`TAIL_LINES`] lines, at most [`TAIL_BYTES`] of them.
    pub(crate) fn text(&self) -> String {
        let text = String::from_utf8_lossy(&self.bytes);
        let lines: Vec<&str> = text.trim_end().lines().collect();
        let mut out = lines[lines.len().saturating_sub(TAIL_LINES)..].join("\n");
        if out.len() > TAIL_BYTES {
            let mut cut = out.len() - TAIL_BYTES;
            while !out.is_char_boundary(cut) {
                cut += 1;
            }
            out = format!("...{}", &out[cut..]);
        }
        out
    }

    pub(crate) fn clear(&mut self) {
        self.bytes.clear();
    }
}

/// Why [`Supervised::pump`] returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Pumped {
    /// The caller's condition holds.
    Ready,
    /// The child ended (its status is in [`Supervised::exit`]).
    Exited,
    /// The deadline passed first.
    TimedOut,
}

/// A running child in its own process group.
pub(crate) struct Supervised {
    child: Child,
    pidfd: Option<OwnedFd>,
    stdin: Option<ChildStdin>,
    stdout: Option<ChildStdout>,
    stderr: Option<ChildStderr>,
    /// What stdout produced and the caller has not taken yet.
    pub(crate) out: Vec<u8>,
    /// The last of stderr.
    pub(crate) err: Tail,
    /// Bound on `out` when the caller never takes from it (one-shot runs).
    out_cap: Option<usize>,
    exit: Option<ExitStatus>,
}

impl Supervised {
    /// Starts `cmd` in a new process group with stdout and stderr piped,
    /// stdin piped if `stdin` else `/dev/null`. `out_cap` bounds how much of
    /// stdout is kept when nobody reads it.
    pub(crate) fn spawn(
        cmd: &mut Command,
        stdin: bool,
        out_cap: Option<usize>,
    ) -> io::Result<Self> {
        cmd.process_group(0)
            .stdin(if stdin { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = crate::interrupt::spawn(cmd)?;
        let pidfd = Pid::from_raw(child.id() as i32)
            .and_then(|pid| pidfd_open(pid, PidfdFlags::empty()).ok());
        Ok(Supervised {
            stdin: child.stdin.take(),
            stdout: child.stdout.take(),
            stderr: child.stderr.take(),
            child,
            pidfd,
            out: Vec::new(),
            err: Tail::default(),
            out_cap,
            exit: None,
        })
    }

    /// How the child ended, once it has.
    pub(crate) fn exit(&self) -> Option<ExitStatus> {
        self.exit
    }

    /// Writes `line` (with its newline) to the child's stdin.
    pub(crate) fn send_line(&mut self, line: &str) -> io::Result<()> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| io::Error::new(io::ErrorKind::BrokenPipe, "stdin is closed"))?;
        let mut buf = Vec::with_capacity(line.len() + 1);
        buf.extend_from_slice(line.as_bytes());
        buf.push(b'\n');
        stdin.write_all(&buf)?;
        stdin.flush()
    }

    /// Closes the child's stdin (it reads end-of-file).
    pub(crate) fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Takes the first complete line of stdout, without its newline.
    pub(crate) fn take_line(&mut self) -> Option<String> {
        let end = self.out.iter().position(|&b| b == b'\n')?;
        let line: Vec<u8> = self.out.drain(..=end).collect();
        Some(
            String::from_utf8_lossy(&line[..end])
                .trim_end_matches('\r')
                .to_string(),
        )
    }

    /// Whether stdout holds a complete line.
    pub(crate) fn has_line(&self) -> bool {
        self.out.contains(&b'\n')
    }

    /// Reads the child's output until `ready(self)` holds, the child ends,
    /// or `deadline` passes, whichever comes first.
    pub(crate) fn pump(
        &mut self,
        deadline: Option<Instant>,
        ready: impl Fn(&Self) -> bool,
    ) -> io::Result<Pumped> {
        loop {
            if ready(self) {
                return Ok(Pumped::Ready);
            }
            if self.exit.is_some() {
                return Ok(Pumped::Exited);
            }
            let now = Instant::now();
            let mut wait = match deadline {
                Some(d) if d <= now => return Ok(Pumped::TimedOut),
                Some(d) => Some(d - now),
                None => None,
            };
            if self.pidfd.is_none() {
                wait = Some(wait.map_or(NO_PIDFD_TICK, |w| w.min(NO_PIDFD_TICK)));
            }
            let ended = self.wait_io(wait)?;
            let ended = ended
                || (self.pidfd.is_none()
                    && self.child.try_wait()?.is_some_and(|s| {
                        self.exit = Some(s);
                        true
                    }));
            if ended {
                self.finish()?;
            }
        }
    }

    /// One `poll` over the pipes and the pidfd, reading what is there.
    /// Returns whether the pidfd says the child ended.
    fn wait_io(&mut self, wait: Option<Duration>) -> io::Result<bool> {
        let flags = PollFlags::IN;
        let mut fds = Vec::with_capacity(3);
        let mut which = Vec::with_capacity(3);
        if let Some(s) = &self.stdout {
            fds.push(PollFd::new(s, flags));
            which.push(0);
        }
        if let Some(s) = &self.stderr {
            fds.push(PollFd::new(s, flags));
            which.push(1);
        }
        if let Some(p) = &self.pidfd {
            fds.push(PollFd::from_borrowed_fd(p.as_fd(), flags));
            which.push(2);
        }
        let ts = wait.map(|w| Timespec {
            tv_sec: w.as_secs() as _,
            tv_nsec: w.subsec_nanos() as _,
        });
        match poll(&mut fds, ts.as_ref()) {
            Ok(_) => {}
            Err(rustix::io::Errno::INTR) => return Ok(false),
            Err(e) => return Err(e.into()),
        }
        let ready: Vec<(usize, bool)> = fds
            .iter()
            .zip(&which)
            .map(|(fd, &w)| (w, !fd.revents().is_empty()))
            .collect();
        drop(fds);
        let mut ended = false;
        for (w, is_ready) in ready {
            if !is_ready {
                continue;
            }
            match w {
                0 => self.read_stdout(),
                1 => self.read_stderr(),
                _ => ended = true,
            }
        }
        Ok(ended)
    }

    fn read_stdout(&mut self) {
        let mut buf = [0u8; 16 * 1024];
        if let Some(s) = &mut self.stdout {
            match s.read(&mut buf) {
                Ok(0) | Err(_) => self.stdout = None,
                Ok(n) => {
                    self.out.extend_from_slice(&buf[..n]);
                    if let Some(cap) = self.out_cap {
                        if self.out.len() > 2 * cap {
                            let cut = self.out.len() - cap;
                            self.out.drain(..cut);
                        }
                    }
                }
            }
        }
    }

    fn read_stderr(&mut self) {
        let mut buf = [0u8; 16 * 1024];
        if let Some(s) = &mut self.stderr {
            match s.read(&mut buf) {
                Ok(0) | Err(_) => self.stderr = None,
                Ok(n) => self.err.push(&buf[..n]),
            }
        }
    }

    /// The child ended: kill what is left of its group (while the child is
    /// an unreaped zombie its process-group id cannot be reused), reap it,
    /// and read the pipes to their end.
    fn finish(&mut self) -> io::Result<()> {
        if self.exit.is_none() {
            self.kill_group();
            self.exit = Some(self.child.wait()?);
        } else if self.pidfd.is_none() {
            // Reaped already by `try_wait` (no pidfd): the group may still
            // hold processes the child started.
            self.kill_group();
        }
        // Reaped and its group killed: nothing left for an interrupt to kill.
        crate::interrupt::forget(self.child.id());
        self.pidfd = None;
        self.stdin = None;
        let until = Instant::now() + DRAIN_GRACE;
        while self.stdout.is_some() || self.stderr.is_some() {
            let now = Instant::now();
            if now >= until {
                break;
            }
            self.wait_io(Some(until - now))?;
        }
        self.stdout = None;
        self.stderr = None;
        Ok(())
    }

    fn kill_group(&self) {
        if let Some(pid) = Pid::from_raw(self.child.id() as i32) {
            // ESRCH (the group is already empty) is the usual answer.
            let _ = kill_process_group(pid, Signal::KILL);
        }
    }

    /// Kills the child and its whole group now and waits for it.
    pub(crate) fn kill(&mut self) -> io::Result<()> {
        if self.exit.is_none() {
            self.kill_group();
            self.exit = Some(self.child.wait()?);
            self.finish()?;
        }
        Ok(())
    }

    /// Closes stdin and gives the child `grace` to end by itself, then
    /// kills its group.
    pub(crate) fn shut_down(&mut self, grace: Duration) -> io::Result<()> {
        self.close_stdin();
        if self.exit.is_none() {
            self.pump(Some(Instant::now() + grace), |_| false)?;
        }
        self.kill()
    }
}

impl Drop for Supervised {
    fn drop(&mut self) {
        let _ = self.kill();
    }
}

/// How a child ended, in words: `exited with code 3`, `was killed by
/// SIGSEGV (11)`.
pub(crate) fn describe_exit(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exited with code {code}");
    }
    match status.signal() {
        Some(sig) => format!(
            "was killed by {}{}",
            signal_name(sig),
            if status.core_dumped() {
                " (core dumped)"
            } else {
                ""
            }
        ),
        None => format!("ended ({status})"),
    }
}

/// `SIGSEGV (11)` for the common signals; `signal 42` otherwise.
pub(crate) fn signal_name(sig: i32) -> String {
    match fuzzer_core::__private::signal_abbrev(sig) {
        Some(name) => format!("{name} ({sig})"),
        None => format!("signal {sig}"),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut c = Command::new("sh");
        c.arg("-c").arg(script);
        c
    }

    #[test]
    fn the_tail_keeps_the_last_twenty_lines() {
        let mut t = Tail::default();
        for i in 0..50 {
            t.push(format!("line {i}\n").as_bytes());
        }
        let text = t.text();
        assert!(text.starts_with("line 30\n"), "{text}");
        assert!(text.ends_with("line 49"), "{text}");
    }

    #[test]
    fn the_tail_is_at_most_four_kib() {
        let mut t = Tail::default();
        t.push(&[b'x'; 10_000]);
        let text = t.text();
        assert!(text.len() <= TAIL_BYTES + 3, "{}", text.len());
        assert!(text.starts_with("..."));
    }

    #[test]
    fn a_child_writing_much_to_both_pipes_does_not_block() {
        // 1 MiB to each pipe: far more than a pipe holds.
        let mut c = sh("head -c 1048576 /dev/zero; head -c 1048576 /dev/zero >&2; echo done >&2");
        let mut s = Supervised::spawn(&mut c, false, Some(1024)).unwrap();
        assert_eq!(s.pump(None, |_| false).unwrap(), Pumped::Exited);
        assert!(s.exit().unwrap().success());
        assert!(s.err.text().ends_with("done"));
        assert!(s.out.len() <= 2 * 1024);
    }

    #[test]
    fn a_signal_is_named() {
        let mut c = sh("kill -SEGV $$");
        let mut s = Supervised::spawn(&mut c, false, None).unwrap();
        s.pump(None, |_| false).unwrap();
        assert_eq!(
            describe_exit(s.exit().unwrap()),
            "was killed by SIGSEGV (11)"
        );
    }

    #[test]
    fn an_exit_code_is_reported() {
        let mut c = sh("exit 3");
        let mut s = Supervised::spawn(&mut c, false, None).unwrap();
        s.pump(None, |_| false).unwrap();
        assert_eq!(describe_exit(s.exit().unwrap()), "exited with code 3");
    }

    /// Whether `pid` is a live process (a zombie waiting for its reaper
    /// counts as dead).
    pub(crate) fn alive(pid: u32) -> bool {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Ok(stat) => !stat
                .rsplit(')')
                .next()
                .is_some_and(|rest| rest.trim_start().starts_with('Z')),
            Err(_) => false,
        }
    }

    /// Whether `pid` is gone, waiting a little: SIGKILL is delivered
    /// asynchronously, so a process killed a moment ago may still be
    /// running on a loaded machine. (This bounds the wait; it measures
    /// nothing.)
    pub(crate) fn gone(pid: u32) -> bool {
        for _ in 0..200 {
            if !alive(pid) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    #[test]
    fn a_deadline_stops_the_wait_and_kill_ends_the_group() {
        let mut c = sh("sleep 30 & echo $! >&2; sleep 30; wait");
        let mut s = Supervised::spawn(&mut c, false, None).unwrap();
        let r = s
            .pump(Some(Instant::now() + Duration::from_secs(10)), |s| {
                s.err.bytes.contains(&b'\n')
            })
            .unwrap();
        assert_eq!(r, Pumped::Ready);
        let r = s
            .pump(Some(Instant::now() + Duration::from_millis(50)), |_| false)
            .unwrap();
        assert_eq!(r, Pumped::TimedOut);
        s.kill().unwrap();
        let pid: u32 = s.err.text().trim().parse().unwrap();
        assert!(
            gone(pid),
            "the background sleep of the killed group is still there"
        );
    }

    #[test]
    fn lines_come_back_one_at_a_time() {
        let mut c = sh("while read l; do echo \"got $l\"; done");
        let mut s = Supervised::spawn(&mut c, true, None).unwrap();
        for word in ["a", "b"] {
            s.send_line(word).unwrap();
            assert_eq!(s.pump(None, |s| s.has_line()).unwrap(), Pumped::Ready);
            assert_eq!(s.take_line().unwrap(), format!("got {word}"));
        }
        s.shut_down(Duration::from_secs(5)).unwrap();
        assert!(s.exit().unwrap().success());
    }
}
