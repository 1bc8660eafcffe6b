// Package bench times the provider through the real tofu binary. It builds
// the provider, the no-I/O floor providers (bench/cmd/floorprovider on
// terraform-plugin-go, bench/cmd/floorprovider-sdkv2 for etcd_key) and etcd-dev,
// starts etcd on a free loopback port, writes each scenario as
// main.tf.json, runs its cycle (apply, no-op plan, a 1 % update, destroy)
// several times through dev_overrides, against the provider and against
// the floor, and prints a Markdown report for BENCHMARKS.md.
//
// `make bench` runs it (bench/cmd/bench); TestBenchSmoke runs a 1,000-key pass
// of it in `make test`, so it cannot rot.
package bench

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"go.etcd.io/etcd/api/v3/version"
)

// Options says what to measure and where the tools are.
type Options struct {
	Scenarios []Scenario
	Runs      int  // cycles of each scenario (default 3)
	Floor     bool // also run each scenario against the floor providers
	// BinDir receives the provider and etcd-dev builds (default <module>/.bin).
	BinDir string
	// Tofu is the tofu (or terraform) binary (default <module>/.bin/tofu).
	Tofu string
	// Etcd, when set, is an etcd daemon binary (such as Debian's
	// /usr/bin/etcd) to run instead of etcd-dev: a real server with fsync
	// on, its data in a temporary directory.
	Etcd string
	// EtcdFlags are extra flags for the daemon (Etcd), such as
	// --quota-backend-bytes=8589934592.
	EtcdFlags []string
	// EtcdCommitAgain also times etcd's own commit of a scenario's puts a
	// second time, after they were deleted and etcd's history compacted (an
	// apply after a destroy).
	EtcdCommitAgain bool
	// EtcdOnly skips the tofu cycles: only etcd's own commit of each keys
	// scenario, Runs times, to compare etcd versions and settings.
	EtcdOnly bool
	// CPUProfileDir, when set, makes the provider write CPU profiles to
	// CPUProfileDir/<scenario>/cpu-PID.pprof (see internal/tuning/cpuprofile.go), and
	// OpenTofu its own to tofu-<command>-<time>.pprof beside them.
	CPUProfileDir string
	// HCL writes the configurations in native syntax (main.tf) instead of
	// JSON syntax (main.tf.json).
	HCL bool
	// Env is extra KEY=VALUE settings for tofu and so for the providers,
	// such as TF_LOG_SDK=off.
	Env []string
	// Command is how the run was started, for the report.
	Command string
	// Log receives progress lines; nil discards them.
	Log io.Writer
}

// Sample is one tofu command, timed.
type Sample struct {
	Wall     float64 // seconds
	Core     float64 // CPU seconds of tofu itself (Terraform core)
	Provider float64 // CPU seconds of the provider processes tofu started
	Etcd     float64 // CPU seconds etcd used meanwhile
	PeakRSS  int64   // bytes: the highest VmHWM among the provider processes
}

// Row is one phase of one scenario: its samples against the provider and
// against the floor.
type Row struct {
	Scenario Scenario
	Phase    string
	Samples  []Sample
	Floor    []Sample
	// SDKv2Floor: against bench/cmd/floorprovider-sdkv2 (etcd_key only).
	SDKv2Floor []Sample
}

// target is what a tofu command runs against.
type target int

const (
	ours       target = iota // the provider
	floor                    // bench/cmd/floorprovider: our schemas on terraform-plugin-go, no I/O
	sdkv2Floor               // bench/cmd/floorprovider-sdkv2: etcd_key on terraform-plugin-sdk/v2, no I/O
)

func (t target) String() string {
	return [...]string{"provider", "floor", "sdkv2-floor"}[t]
}

type runner struct {
	opts       Options
	work       string
	cliConfigs map[target]string // → CLI configuration file
	endpoint   string
	etcd       *exec.Cmd
	etcdExited chan struct{} // closed once etcd has exited and been reaped
	report     *Report
}

// Run builds everything, measures opts.Scenarios and returns the report.
func Run(ctx context.Context, opts Options) (rep *Report, err error) {
	root, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	if opts.Runs < 1 {
		opts.Runs = 3
	}
	if opts.BinDir == "" {
		opts.BinDir = filepath.Join(root, ".bin")
	}
	if opts.Tofu == "" {
		opts.Tofu = filepath.Join(root, ".bin", "tofu")
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	work, err := os.MkdirTemp("", "etcd-bench-")
	if err != nil {
		return nil, err
	}
	defer func() { _ = os.RemoveAll(work) }()
	r := &runner{opts: opts, work: work, report: newReport(opts)}
	if err := r.setUp(ctx, root); err != nil {
		return nil, err
	}
	defer r.stopEtcd()
	for _, s := range opts.Scenarios {
		if !opts.EtcdOnly {
			if err := r.measure(ctx, s); err != nil {
				return nil, fmt.Errorf("%s: %w", s, err)
			}
		}
		if s.Kind == Keys || s.Kind == KeysJSON {
			if err := r.measureEtcdCommit(ctx, s); err != nil {
				return nil, err
			}
		}
	}
	r.report.finish()
	return r.report, nil
}

// measureEtcdCommit times etcd's own commit of scenario s's puts on a fresh
// daemon: once, or opts.Runs times with opts.EtcdOnly.
func (r *runner) measureEtcdCommit(ctx context.Context, s Scenario) error {
	runs := 1
	if r.opts.EtcdOnly {
		runs = r.opts.Runs
	}
	for range runs {
		if err := r.freshDaemon(ctx); err != nil {
			return err
		}
		e, err := etcdCommitTime(ctx, r.endpoint, s, r.opts.EtcdCommitAgain)
		if err != nil {
			return fmt.Errorf("etcd's own commit of %d puts: %w", s.N, err)
		}
		fmt.Fprintf(r.opts.Log, "etcd's own commit of %d puts: %.2fs (database %s), again after deleting them and compacting: %.2fs\n",
			s.N, e.Seconds, megabytes(e.DBBytes), e.Again)
		r.report.EtcdCommit = append(r.report.EtcdCommit, e)
	}
	return nil
}

// moduleRoot returns the provider's checkout, from inside it or inside the
// benchmarks' own module (bench/ of the checkout).
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("run the benchmarks inside the provider's checkout")
	}
	for _, root := range []string{filepath.Dir(gomod), filepath.Dir(filepath.Dir(gomod))} {
		if _, err := os.Stat(filepath.Join(root, "bench", "go.mod")); err == nil {
			return root, nil
		}
	}
	return "", fmt.Errorf("%s: neither it nor its parent holds bench/go.mod: run the benchmarks inside the provider's checkout", gomod)
}

// setUp builds the binaries, starts etcd and writes the two CLI
// configurations: one overriding the provider with our build, one with the
// floor.
func (r *runner) setUp(ctx context.Context, root string) error {
	dirs := map[target]string{ours: r.opts.BinDir, floor: filepath.Join(r.work, "floor"), sdkv2Floor: filepath.Join(r.work, "sdkv2-floor")}
	// The provider is built with the CPU profiler, which release builds lack.
	// The provider and etcd-dev build in the provider's module, the floors
	// in the benchmarks' own (bench/).
	builds := [][3]string{
		{filepath.Join(dirs[ours], "terraform-provider-etcd"), ".", root},
		{filepath.Join(r.opts.BinDir, "etcd-dev"), "./cmd/etcd-dev", root},
		{filepath.Join(dirs[floor], "terraform-provider-etcd"), "./cmd/floorprovider", filepath.Join(root, "bench")},
		{filepath.Join(dirs[sdkv2Floor], "terraform-provider-etcd"), "./cmd/floorprovider-sdkv2", filepath.Join(root, "bench")},
	}
	for _, b := range builds {
		fmt.Fprintf(r.opts.Log, "go -C %s build -tags cpuprofile -o %s %s\n", b[2], b[0], b[1])
		cmd := exec.CommandContext(ctx, "go", "build", "-tags", "cpuprofile", "-o", b[0], b[1])
		cmd.Dir = b[2]
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go build %s: %w\n%s", b[1], err, out)
		}
	}
	r.cliConfigs = map[target]string{}
	for t, dir := range dirs {
		path := filepath.Join(r.work, fmt.Sprintf("cli-%s.tfrc", t))
		cfg := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n    %q = %q\n  }\n  direct {}\n}\n",
			"registry.opentofu.org/terraform-etcd/etcd", dir, "registry.terraform.io/terraform-etcd/etcd", dir)
		if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
			return err
		}
		r.cliConfigs[t] = path
	}
	version := exec.CommandContext(ctx, r.opts.Tofu, "version")
	version.Env = r.env(ours)
	out, err := version.Output()
	if err != nil {
		return fmt.Errorf("%s version: %w (make tofu builds it)", r.opts.Tofu, err)
	}
	r.report.Tofu, _, _ = strings.Cut(string(out), "\n")
	return r.startEtcd(ctx)
}

func (r *runner) startEtcd(ctx context.Context) error {
	if r.opts.Etcd != "" {
		return r.startDaemon(ctx)
	}
	r.report.Etcd = "etcd " + version.Version + " embedded (`cmd/etcd-dev`, no fsync)"
	endpointFile := filepath.Join(r.work, "endpoint")
	r.etcd = exec.Command(filepath.Join(r.opts.BinDir, "etcd-dev"), "-addr", "auto", "-endpoint-file", endpointFile)
	if err := r.startProcess(); err != nil {
		return err
	}
	for {
		if b, err := os.ReadFile(endpointFile); err == nil && len(bytes.TrimSpace(b)) > 0 {
			r.endpoint = string(bytes.TrimSpace(b))
			fmt.Fprintf(r.opts.Log, "etcd-dev serves %s (pid %d)\n", r.endpoint, r.etcd.Process.Pid)
			return nil
		}
		select {
		case <-r.etcdExited:
			return fmt.Errorf("etcd-dev exited before serving: %s", r.etcd.ProcessState)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// startDaemon runs opts.Etcd as a single member on free loopback ports,
// with fsync on (the daemon's default), and waits until it serves.
func (r *runner) startDaemon(ctx context.Context) error {
	out, err := exec.CommandContext(ctx, r.opts.Etcd, "--version").Output()
	if err != nil {
		return fmt.Errorf("%s --version: %w", r.opts.Etcd, err)
	}
	first, _, _ := strings.Cut(string(out), "\n")
	r.report.Etcd = strings.TrimPrefix(first, "etcd Version: ")
	r.report.Etcd = fmt.Sprintf("etcd %s daemon (`%s`, fsync on)", r.report.Etcd, r.opts.Etcd)
	client, peer := freePort(), freePort()
	if client == 0 || peer == 0 {
		return errors.New("no free loopback port for etcd")
	}
	r.endpoint = fmt.Sprintf("http://127.0.0.1:%d", client)
	peerURL := fmt.Sprintf("http://127.0.0.1:%d", peer)
	dataDir, err := os.MkdirTemp(r.work, "etcd-data-")
	if err != nil {
		return err
	}
	args := append([]string{"--name", "bench", "--data-dir", dataDir,
		"--listen-client-urls", r.endpoint, "--advertise-client-urls", r.endpoint,
		"--listen-peer-urls", peerURL, "--initial-advertise-peer-urls", peerURL,
		"--initial-cluster", "bench=" + peerURL, "--log-level", "error"}, r.opts.EtcdFlags...)
	r.etcd = exec.Command(r.opts.Etcd, args...)
	r.etcd.Env = withoutEtcdSettings(os.Environ())
	if err := r.startProcess(); err != nil {
		return err
	}
	fmt.Fprintf(r.opts.Log, "%s serves %s (pid %d)\n", r.report.Etcd, r.endpoint, r.etcd.Process.Pid)
	return waitServing(ctx, r.endpoint)
}

// startProcess starts r.etcd and reaps it when it exits.
func (r *runner) startProcess() error {
	if err := r.etcd.Start(); err != nil {
		return err
	}
	r.etcdExited = make(chan struct{})
	go func(cmd *exec.Cmd, exited chan struct{}) {
		_ = cmd.Wait()
		close(exited)
	}(r.etcd, r.etcdExited)
	return nil
}

func (r *runner) stopEtcd() {
	if r.etcd == nil || r.etcd.Process == nil {
		return
	}
	_ = r.etcd.Process.Signal(syscall.SIGTERM)
	select {
	case <-r.etcdExited:
	case <-time.After(10 * time.Second):
		_ = r.etcd.Process.Kill()
		<-r.etcdExited
	}
}

// measure runs a scenario's cycle opts.Runs times, alternating the provider
// and the floors so that a change of machine load affects all alike.
func (r *runner) measure(ctx context.Context, s Scenario) error {
	variants := []target{ours}
	if r.opts.Floor && s.hasFloor() {
		variants = append(variants, floor)
	}
	if r.opts.Floor && s.Kind == EtcdKey {
		variants = append(variants, sdkv2Floor)
	}
	for run := 1; run <= r.opts.Runs; run++ {
		for _, t := range variants {
			if err := r.cycle(ctx, s, run, t); err != nil {
				return err
			}
			if err := r.freshDaemon(ctx); err != nil {
				return err
			}
		}
	}
	return nil
}

// freshDaemon replaces a daemon (opts.Etcd) with a new one on an empty data
// directory, so that each cycle, and etcd's own commit, starts from the same
// database: etcd's commit time grows with what its database already holds
// (free pages left by deletes, history not yet compacted), and a cycle
// would otherwise pay for the ones before it.
func (r *runner) freshDaemon(ctx context.Context) error {
	if r.opts.Etcd == "" {
		return nil
	}
	r.stopEtcd()
	if err := r.removeDataDirs(); err != nil {
		return err
	}
	return r.startDaemon(ctx)
}

func (r *runner) removeDataDirs() error {
	dirs, err := filepath.Glob(filepath.Join(r.work, "etcd-data-*"))
	if err != nil {
		return err
	}
	for _, d := range dirs {
		if err := os.RemoveAll(d); err != nil {
			return err
		}
	}
	return nil
}

// cycle runs the scenario once from nothing back to nothing in a working
// directory of its own, under a prefix of its own.
func (r *runner) cycle(ctx context.Context, s Scenario, run int, t target) error {
	dir, err := os.MkdirTemp(r.work, s.slug()+"-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	prefix := fmt.Sprintf("/bench/%s/%s-%d/", s.slug(), t, run)
	for _, st := range s.steps() {
		if st.config != nil {
			if err := r.writeFiles(dir, s, prefix, *st.config); err != nil {
				return err
			}
		}
		sample, err := r.tofu(ctx, dir, s, t, st.command)
		if err != nil {
			return err
		}
		fmt.Fprintf(r.opts.Log, "%s run %d/%d %s: %s %.2fs (CPU core %.2fs, provider %.2fs, etcd %.2fs; provider peak RSS %s)\n",
			s, run, r.opts.Runs, t, cmp.Or(st.phase, "set-up "+st.command[0]), sample.Wall, sample.Core, sample.Provider, sample.Etcd, megabytes(sample.PeakRSS))
		if st.phase != "" {
			r.report.add(s, st.phase, t, sample)
		}
	}
	return nil
}

func (r *runner) writeFiles(dir string, s Scenario, prefix string, c configChange) error {
	files, err := s.files(prefix, c, r.opts.HCL)
	if err != nil {
		return err
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// tofu runs one command in dir and measures it.
func (r *runner) tofu(ctx context.Context, dir string, s Scenario, t target, command []string) (Sample, error) {
	cmd := exec.CommandContext(ctx, r.opts.Tofu, append(command, "-input=false", "-no-color")...)
	cmd.Dir = dir
	cmd.Env = r.env(t)
	if r.opts.CPUProfileDir != "" && t == ours {
		dir := filepath.Join(r.opts.CPUProfileDir, s.slug())
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return Sample{}, err
		}
		cmd.Env = append(cmd.Env, "TF_ETCD_CPUPROFILE="+dir, // the provider, see internal/tuning/cpuprofile.go
			fmt.Sprintf("TOFU_CPU_PROFILE=%s/tofu-%s-%d.pprof", dir, command[0], time.Now().UnixNano())) // Terraform core
	}
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) } // let tofu stop its providers
	cmd.WaitDelay = 30 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	_, etcdBefore, _ := procStat(r.etcd.Process.Pid)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return Sample{}, err
	}
	children := watchChildren(cmd.Process.Pid, 50*time.Millisecond)
	err := cmd.Wait()
	wall := time.Since(start).Seconds()
	providerCPU, peak := children.finish()
	_, etcdAfter, _ := procStat(r.etcd.Process.Pid)
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.ExitCode() == 2 && command[0] == "plan" {
			err = errors.New("the no-op plan proposes changes")
		}
		return Sample{}, fmt.Errorf("tofu %s: %w\n%s", strings.Join(command, " "), err, tail(out.String(), 4000))
	}
	total := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime() // includes the reaped providers
	return Sample{
		Wall:     wall,
		Core:     max(total.Seconds()-providerCPU, 0),
		Provider: providerCPU,
		Etcd:     etcdAfter - etcdBefore,
		PeakRSS:  peak,
	}, nil
}

// env is the environment of tofu: the process environment without any
// TF_ or ETCDCTL_ setting, plus the CLI configuration, etcd's endpoint and
// Options.Env.
func (r *runner) env(t target) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TF_") && !strings.HasPrefix(kv, "ETCDCTL_") {
			env = append(env, kv)
		}
	}
	env = append(env,
		"TF_CLI_CONFIG_FILE="+r.cliConfigs[t],
		"TF_IN_AUTOMATION=1", "TF_INPUT=0", "CHECKPOINT_DISABLE=1",
		"ETCDCTL_ENDPOINTS="+r.endpoint,
	)
	return append(env, r.opts.Env...)
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}
