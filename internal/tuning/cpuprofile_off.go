//go:build !cpuprofile

package tuning

// startCPUProfile does nothing: release builds carry no profiler.
func startCPUProfile() (stop func()) { return func() {} }
