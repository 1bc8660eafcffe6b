// Command bench times the provider through the real tofu binary and prints
// a Markdown report for BENCHMARKS.md; `make bench` runs it. See package
// bench/internal/bench.
//
//	bench [-runs 3] [-scenarios keys=10000,etcd_key=500,...] [-floor=false] [-etcd BIN [-etcd-flags F,...] [-etcd-commit-again] [-etcd-only]] [-cpuprofile DIR] [-hcl] [-env K=V,...]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/terraform-etcd/terraform-provider-etcd/bench/internal/bench"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run() error {
	runs := flag.Int("runs", 3, "cycles of each scenario (apply, no-op plan, 1 % update, destroy)")
	list := flag.String("scenarios", bench.DefaultScenarios, "comma-separated KIND=N, KIND one of keys, keys_json, etcd_key, data")
	floor := flag.Bool("floor", true, "also run each scenario against the no-I/O floor provider")
	profile := flag.String("cpuprofile", "", "write provider and tofu CPU profiles to DIR/<scenario>/")
	hcl := flag.Bool("hcl", false, "write configurations in native syntax (main.tf) instead of JSON syntax (main.tf.json)")
	env := flag.String("env", "", "comma-separated KEY=VALUE settings for tofu and the providers, such as TF_LOG_SDK=off")
	tofu := flag.String("tofu", "", "the tofu or terraform binary (default .bin/tofu)")
	etcd := flag.String("etcd", "", "an etcd daemon binary to run, with fsync on, instead of etcd-dev (such as /usr/bin/etcd)")
	etcdFlags := flag.String("etcd-flags", "", "comma-separated extra flags for the -etcd daemon, such as --quota-backend-bytes=8589934592")
	again := flag.Bool("etcd-commit-again", false, "also time etcd's own commit of the puts a second time, after deleting them and compacting etcd's history (an apply after a destroy)")
	etcdOnly := flag.Bool("etcd-only", false, "time only etcd's own commit of each keys scenario (-runs times, each on a fresh daemon), to compare etcd versions and settings")
	flag.Parse()

	scenarios, err := bench.ParseScenarios(*list)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := bench.Run(ctx, bench.Options{
		Scenarios:       scenarios,
		Runs:            *runs,
		Floor:           *floor,
		Tofu:            *tofu,
		Etcd:            *etcd,
		EtcdFlags:       splitList(*etcdFlags),
		EtcdCommitAgain: *again,
		EtcdOnly:        *etcdOnly,
		HCL:             *hcl,
		Env:             splitList(*env),
		CPUProfileDir:   *profile,
		Command:         strings.Join(append([]string{"go -C bench run ./cmd/bench"}, os.Args[1:]...), " "),
		Log:             os.Stderr,
	})
	if err != nil {
		return err
	}
	rep.WriteMarkdown(os.Stdout)
	if *profile != "" {
		fmt.Fprintf(os.Stderr, "\nCPU profiles: go tool pprof -top -nodecount=20 %s/<scenario>/cpu-*.pprof (provider), .../tofu-*.pprof (Terraform core)\n", *profile)
	}
	return nil
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
