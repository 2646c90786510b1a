package runner

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// procStat is what /proc/<pid>/stat says of a process.
type procStat struct {
	pid, ppid int
	state     byte
	start     string // start time in clock ticks since boot: tells a reused pid apart
}

func readProcStat(pid int) (procStat, bool) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return procStat{}, false
	}
	// pid (comm) state ppid ... ; comm may hold spaces and parentheses.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return procStat{}, false
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 20 {
		return procStat{}, false
	}
	ppid, _ := strconv.Atoi(f[1])
	return procStat{pid: pid, ppid: ppid, state: f[0][0], start: f[19]}, true
}

// alive reports whether the process p is still there and not a zombie.
func (p procStat) alive() bool {
	now, ok := readProcStat(p.pid)
	return ok && now.start == p.start && now.state != 'Z'
}

// descendants lists the live processes below root.
func descendants(root int) []procStat {
	entries, _ := os.ReadDir("/proc")
	byParent := map[int][]procStat{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if st, ok := readProcStat(pid); ok && st.state != 'Z' {
			byParent[st.ppid] = append(byParent[st.ppid], st)
		}
	}
	var out []procStat
	queue := []int{root}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range byParent[p] {
			out = append(out, c)
			queue = append(queue, c.pid)
		}
	}
	return out
}

func cmdline(pid int) string {
	data, _ := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
	return strings.TrimSpace(string(bytes.ReplaceAll(data, []byte{0}, []byte{' '})))
}

// waitFor polls cond every 50ms, at most n times, and reports whether it came true.
func waitFor(n int, cond func() bool) bool {
	for i := 0; i < n; i++ {
		if cond() {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return cond()
}

// waitForDescendant waits until a process running command is below root,
// and returns it and every process between (all of root's descendants then).
func waitForDescendant(t *testing.T, root int, command string) (procStat, []procStat) {
	t.Helper()
	var found procStat
	var all []procStat
	ok := waitFor(1200, func() bool { // a minute at most
		all = descendants(root)
		for _, p := range all {
			if cmdline(p.pid) == command {
				found = p
				return true
			}
		}
		return false
	})
	if !ok {
		t.Fatalf("no %q below pid %d", command, root)
	}
	return found, all
}

// reapOrphans kills what is left of processes the test started; Ansible's
// workers and modules outlive a killed ansible-playbook.
func reapOrphans(t *testing.T, procs *[]procStat) {
	t.Cleanup(func() {
		for _, p := range *procs {
			if p.alive() {
				if proc, err := os.FindProcess(p.pid); err == nil {
					proc.Kill()
				}
			}
		}
	})
}
