// Package compare compares two runs of a playbook: what failed that did
// not before, what was fixed, what still fails and since which run, what
// changed that was ok before, which hosts and tasks came and went, which
// tasks got slower, and the recaps side by side. It is the engine of
// `ansible-tap diff` and of a live run's comparison with its last
// comparable run; its writers live with the outputs (render, report).
//
// A run's Table is built from its events by a Builder, an event.Handler:
// each task's final result on each host, and each host's recap, in memory
// that follows the run's tasks times its hosts, never its events. Compare
// compares two Tables. Against the runs recorded before a run (a History
// of its scope, which the run store gives: history.Comparable),
// FindBaseline picks the run a run is compared with (the newest earlier
// run of the same playbooks, inventories, --limit and check mode that ran
// to its end), Diff compares two recorded runs, and Follow compares a live
// run as it goes. It imports the event model alone: the store depends on
// it, never the other way round.
//
// # Matching tasks
//
// A task of one run is the same task in the other when, in this order:
//
//  1. its path (file:line) and name are the same, the nth task of that
//     path and name in one run with the nth in the other (a file included
//     twice, a role applied in two plays); then, of the tasks left,
//  2. its file and name are the same, the nth task left of that file and
//     name in one run with the nth left in the other, in the order they
//     ran.
//
// So a playbook edited above a task (a task inserted or removed, a
// comment added) still pairs each task with itself: its line moved, its
// file and name did not. A task renamed, or moved to another file, is one
// task removed and one added. Two tasks of one name in one file keep
// their order: when a task of the same name is inserted above another and
// the lines moved, the pairs follow the order (the first with the first).
// A stream without task paths (the stock ansible.posix callbacks) pairs
// tasks by name and order alone.
//
// A live run pairs each task as it starts, with the same keys, before it
// knows the tasks to come: it takes the baseline's task of the same path,
// name and rank, else of the same file, name and rank. It can only differ
// from the comparison at the end (which is the one reported) in the rare
// case above.
//
// # Findings
//
// Results are compared host by host: a result fails its host when it is a
// fatal failure or an unreachable host (ignored and rescued failures let
// the host go on, as in Ansible's recap).
//
//   - A new failure fails now and did not in the baseline: the baseline
//     ran the task on the host without failing, or did not run it there
//     (a new task, a new host, a host stopped by an earlier failure).
//   - A fixed result failed in the baseline and ran now without failing.
//   - A still failing result failed in both. Its streak (Streak) is the
//     first of the unbroken run of comparable runs in which it failed,
//     found by walking back from the baseline through the history's
//     index records, at most MaxStreakRuns of them; runs that were
//     interrupted or had no host are stepped over.
//   - A result not idempotent changed now and was ok (ran, unchanged) in
//     the baseline.
//   - A slower task took at least SlowerFactor times as long as in the
//     baseline and at least SlowerBy more (from its start to its last
//     host's result).
//
// New failures and results not idempotent are the run's regressions
// (Comparison.Regressions, ExitCode). Counts of results count a task on
// a host once, as Ansible's recap does.
package compare
