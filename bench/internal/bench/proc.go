package bench

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// clockTicks is USER_HZ, the unit of CPU times in /proc/PID/stat: 100 on
// every Linux architecture Go supports.
const clockTicks = 100

// procStat returns a process's parent and the CPU seconds (user + system)
// it has used, from /proc/PID/stat.
func procStat(pid int) (ppid int, cpu float64, ok bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	i := bytes.LastIndexByte(b, ')') // the command name may hold spaces
	if err != nil || i < 0 {
		return 0, 0, false
	}
	f := strings.Fields(string(b[i+1:])) // state, ppid, ..., utime (12th), stime (13th)
	if len(f) < 13 {
		return 0, 0, false
	}
	ppid, err1 := strconv.Atoi(f[1])
	utime, err2 := strconv.ParseFloat(f[11], 64)
	stime, err3 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return 0, 0, false
	}
	return ppid, (utime + stime) / clockTicks, true
}

// peakRSS is a process's peak resident set size (VmHWM) in bytes.
func peakRSS(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// childrenOf lists a process's children from /proc/PID/task/*/children,
// or by scanning /proc when the kernel lacks those files.
func childrenOf(pid int) []int {
	var pids []int
	files, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		for _, s := range strings.Fields(string(b)) {
			if n, err := strconv.Atoi(s); err == nil {
				pids = append(pids, n)
			}
		}
	}
	if len(files) > 0 {
		return pids
	}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		if n, err := strconv.Atoi(e.Name()); err == nil {
			if ppid, _, ok := procStat(n); ok && ppid == pid {
				pids = append(pids, n)
			}
		}
	}
	return pids
}

// childWatch follows the children of one process (the provider processes
// tofu starts: several per command) while it runs, recording the CPU time
// each last showed and the highest peak RSS among them.
type childWatch struct {
	parent int
	cpu    map[int]float64
	peak   int64
	stop   chan struct{}
	done   chan struct{}
}

func watchChildren(parent int, every time.Duration) *childWatch {
	w := &childWatch{parent: parent, cpu: map[int]float64{}, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			w.sample()
			select {
			case <-w.stop:
				return
			case <-t.C:
			}
		}
	}()
	return w
}

func (w *childWatch) sample() {
	for _, pid := range childrenOf(w.parent) {
		if _, cpu, ok := procStat(pid); ok {
			w.cpu[pid] = cpu
			w.peak = max(w.peak, peakRSS(pid))
		}
	}
}

// finish stops watching and returns the children's CPU seconds and peak RSS.
func (w *childWatch) finish() (cpu float64, peak int64) {
	close(w.stop)
	<-w.done
	for _, c := range w.cpu {
		cpu += c
	}
	return cpu, w.peak
}
