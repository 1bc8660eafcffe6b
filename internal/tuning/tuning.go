// Package tuning sets up the provider process: logging that costs nothing
// when Terraform discards it, a garbage collector tuned for a short-lived
// plugin, and, in benchmark builds only, a CPU profile.
package tuning

import (
	"os"
	"runtime/debug"
)

// Apply tunes the process; call it first in main. It returns the function
// to call when the provider stops.
func Apply() (stop func()) {
	quietUnlessAsked()
	collectLessGarbage()
	return startCPUProfile()
}

// quietUnlessAsked turns the plugin SDKs' and the provider's logging off when
// Terraform was not asked for logs: without TF_LOG or TF_LOG_PROVIDER it
// discards them anyway, and formatting them costs up to 40 % of the
// provider's CPU (see BENCHMARKS.md). The subsystems are named one by one:
// a subsystem without a level of its own builds every message (fields,
// masking) before the root level discards it.
func quietUnlessAsked() {
	if os.Getenv("TF_LOG") != "" || os.Getenv("TF_LOG_PROVIDER") != "" {
		return
	}
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_PROVIDER", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_MUX"} {
		if os.Getenv(name) == "" {
			_ = os.Setenv(name, "off")
		}
	}
}

// collectLessGarbage trades memory for CPU: a provider process lives for
// one Terraform command and its heap is small, while the plugin framework
// allocates heavily per request (garbage collection was a quarter of the
// provider's CPU in the 500-key benchmark). A soft memory limit keeps large
// etcd_prefix applies bounded. GOGC and GOMEMLIMIT still win when set.
func collectLessGarbage() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(384 << 20)
	}
}
