//go:build cpuprofile

package tuning

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
)

// cpuProfileEnv names a directory; when it is set, the provider writes a CPU
// profile of its whole life to DIR/cpu-PID.pprof. Terraform starts the
// provider itself, so an environment variable is the only way in. Only
// builds with the cpuprofile tag have it: the benchmarks (bench/cmd/bench) build
// the provider so.
const cpuProfileEnv = "TF_ETCD_CPUPROFILE"

// startCPUProfile starts profiling when cpuProfileEnv is set and returns the
// function that stops and flushes it.
func startCPUProfile() (stop func()) {
	dir := os.Getenv(cpuProfileEnv)
	if dir == "" {
		return func() {}
	}
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("cpu-%d.pprof", os.Getpid()))) //nolint:gosec // the developer names the directory
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", cpuProfileEnv, err)
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}
}
