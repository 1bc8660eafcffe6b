package etcdtest

import "syscall"

// childAttr makes a server process die with the test binary, even when the
// test binary is killed (a test timeout, ^C).
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
