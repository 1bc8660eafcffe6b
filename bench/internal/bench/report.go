package bench

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
)

// Report is what a run measured, and on what.
type Report struct {
	Command, Tofu, Machine string
	Etcd                   string // the server measured against
	EtcdCommit             []EtcdCommit
	Runs                   int
	HCL                    bool
	LoadStart, LoadEnd     string
	Rows                   []*Row
}

func newReport(opts Options) *Report {
	return &Report{Command: opts.Command, Runs: opts.Runs, HCL: opts.HCL, Machine: machine(), LoadStart: loadAverage()}
}

func (rep *Report) add(s Scenario, phase string, t target, sample Sample) {
	i := slices.IndexFunc(rep.Rows, func(r *Row) bool { return r.Scenario == s && r.Phase == phase })
	if i < 0 {
		rep.Rows = append(rep.Rows, &Row{Scenario: s, Phase: phase})
		i = len(rep.Rows) - 1
	}
	switch t {
	case floor:
		rep.Rows[i].Floor = append(rep.Rows[i].Floor, sample)
	case sdkv2Floor:
		rep.Rows[i].SDKv2Floor = append(rep.Rows[i].SDKv2Floor, sample)
	default:
		rep.Rows[i].Samples = append(rep.Rows[i].Samples, sample)
	}
}

func (rep *Report) finish() { rep.LoadEnd = loadAverage() }

func (rep *Report) row(s Scenario, phase string) *Row {
	i := slices.IndexFunc(rep.Rows, func(r *Row) bool { return r.Scenario == s && r.Phase == phase })
	if i < 0 {
		return nil
	}
	return rep.Rows[i]
}

// median of one measure over samples; ok is false when there are none.
func median(samples []Sample, measure func(Sample) float64) (m float64, ok bool) {
	if len(samples) == 0 {
		return 0, false
	}
	v := make([]float64, len(samples))
	for i, s := range samples {
		v[i] = measure(s)
	}
	slices.Sort(v)
	if n := len(v); n%2 == 0 {
		return (v[n/2-1] + v[n/2]) / 2, true
	}
	return v[len(v)/2], true
}

func wall(s Sample) float64 { return s.Wall }

// WriteMarkdown writes the report as BENCHMARKS.md shows it.
func (rep *Report) WriteMarkdown(w io.Writer) {
	fmt.Fprintf(w, "- Machine: %s\n", rep.Machine)
	fmt.Fprintf(w, "- Load average (1, 5, 15 min): %s at the start, %s at the end\n", rep.LoadStart, rep.LoadEnd)
	fmt.Fprintf(w, "- %s; %s, same host; provider built with %s\n", rep.Tofu, rep.Etcd, runtime.Version())
	syntax := "JSON syntax (`main.tf.json`)"
	if rep.HCL {
		syntax = "native syntax (`main.tf`)"
	}
	fmt.Fprintf(w, "- Command: `%s`; %d runs of each scenario's cycle, provider and floor alternately; configurations in %s\n", rep.Command, rep.Runs, syntax)
	if len(rep.Rows) > 0 {
		rep.writeRows(w)
	}
	if len(rep.EtcdCommit) > 0 {
		fmt.Fprintln(w, "\n| etcd's own commit of the same puts (transactions of 128, one client, no guards) | s into a fresh etcd | etcd's database then | s again, after deleting them and compacting |")
		fmt.Fprintln(w, "|---|---:|---:|---:|")
		for _, e := range rep.EtcdCommit {
			again := "–"
			if e.Again > 0 {
				again = seconds(e.Again)
			}
			fmt.Fprintf(w, "| %d puts | %s | %s | %s |\n", e.Keys, seconds(e.Seconds), megabytes(e.DBBytes), again)
		}
	}
	if results := rep.Targets(); len(results) > 0 {
		fmt.Fprintln(w, "\n| target (medians) | measured | limit | |")
		fmt.Fprintln(w, "|---|---:|---:|---|")
		for _, t := range results {
			fmt.Fprintf(w, "| %s | %s | ≤ %s | %s |\n", t.Label, t.Measured, t.Limit, map[bool]string{true: "met", false: "**not met**"}[t.Met])
		}
	}
}

// writeRows writes the table of the tofu commands' samples.
func (rep *Report) writeRows(w io.Writer) {
	fmt.Fprintf(w, "- Seconds are wall time of the tofu command. Floor: the same configuration against the no-I/O floor provider (`bench/cmd/floorprovider`, terraform-plugin-go); "+
		"SDKv2 floor: against a no-I/O etcd_key on terraform-plugin-sdk/v2 (`bench/cmd/floorprovider-sdkv2`), as the existing etcd providers are written. "+
		"CPU: median CPU seconds of Terraform core (tofu) / the provider processes / etcd.\n\n")
	fmt.Fprintln(w, "| scenario | phase | median s | min s | max s | floor median s | × floor | SDKv2 floor median s | × SDKv2 floor | provider peak RSS | CPU s: core / provider / etcd |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
	for _, r := range rep.Rows {
		walls := make([]float64, len(r.Samples))
		var peak int64
		for i, s := range r.Samples {
			walls[i], peak = s.Wall, max(peak, s.PeakRSS)
		}
		med, _ := median(r.Samples, wall)
		floorMed, ratio := "–", "–"
		if f, ok := median(r.Floor, wall); ok {
			floorMed, ratio = seconds(f), fmt.Sprintf("%.2f", med/f)
		}
		sdkMed, sdkRatio := "–", "–"
		if f, ok := median(r.SDKv2Floor, wall); ok {
			sdkMed, sdkRatio = seconds(f), fmt.Sprintf("%.2f", med/f)
		}
		core, _ := median(r.Samples, func(s Sample) float64 { return s.Core })
		prov, _ := median(r.Samples, func(s Sample) float64 { return s.Provider })
		etcd, _ := median(r.Samples, func(s Sample) float64 { return s.Etcd })
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s / %s |\n",
			r.Scenario, r.Phase, seconds(med), seconds(slices.Min(walls)), seconds(slices.Max(walls)), floorMed, ratio, sdkMed, sdkRatio,
			megabytes(peak), seconds(core), seconds(prov), seconds(etcd))
	}
}

// EtcdCommit is etcd's own time to commit Keys puts in transactions of 128
// from one client: the floor of the apply that creates them.
type EtcdCommit struct {
	Keys    int
	Seconds float64 // into a fresh etcd
	Again   float64 // the same puts after deleting them and compacting (0: not measured)
	DBBytes int64   // etcd's database file after the first puts
}

// TargetResult is one performance target checked against the report.
type TargetResult struct {
	Label, Measured, Limit string
	Met                    bool
}

// Targets checks the performance targets that the report has the
// scenarios for.
func (rep *Report) Targets() []TargetResult {
	var out []TargetResult
	check := func(label string, value, limit float64, ok bool, format func(float64) string) {
		if ok {
			out = append(out, TargetResult{Label: label, Measured: format(value), Limit: format(limit), Met: value <= limit})
		}
	}
	times := func(v float64) string { return fmt.Sprintf("%.2f ×", v) }
	secs := func(v float64) string { return seconds(v) + " s" }
	mb := func(v float64) string { return megabytes(int64(v)) }
	keys10k, keys50k := Scenario{Keys, 10000}, Scenario{Keys, 50000}
	json10k, json100k := Scenario{KeysJSON, 10000}, Scenario{KeysJSON, 100000}
	keyRes, data := Scenario{EtcdKey, 500}, Scenario{Data, 10000}
	for _, p := range []string{PhaseApply, PhasePlan, PhaseDestroy} {
		if r := rep.row(keys10k, p); r != nil {
			v, ok1 := median(r.Samples, wall)
			f, ok2 := median(r.Floor, wall)
			check(fmt.Sprintf("%s: %s / floor", keys10k, p), v/f, 1.15, ok1 && ok2, times)
		}
	}
	for _, p := range []string{PhaseApply, PhasePlan, PhaseDestroy} {
		if a, b := rep.row(keys50k, p), rep.row(keys10k, p); a != nil && b != nil {
			v50, _ := median(a.Samples, wall)
			v10, _ := median(b.Samples, wall)
			check(fmt.Sprintf("`etcd_prefix.keys` %s: 50,000 keys / 10,000 keys", p), v50/v10, 5.5, true, times)
		}
	}
	limits := []struct {
		s      Scenario
		limits map[string]float64
	}{
		{json10k, map[string]float64{PhaseApply: 1, PhasePlan: 1, PhaseDestroy: 1}},
		{json100k, map[string]float64{PhaseApply: 5, PhasePlan: 4, PhaseDestroy: 6}},
		{keyRes, map[string]float64{PhaseApply: 2.5, PhasePlan: 1.5, PhaseDestroy: 3}},
	}
	for _, l := range limits {
		for _, p := range []string{PhaseApply, PhasePlan, PhaseDestroy} {
			if r := rep.row(l.s, p); r != nil {
				v, ok := median(r.Samples, wall)
				check(fmt.Sprintf("%s: %s", l.s, p), v, l.limits[p], ok, secs)
			}
		}
	}
	var peak int64
	for _, r := range rep.Rows {
		for _, s := range r.Samples {
			if r.Scenario == json100k {
				peak = max(peak, s.PeakRSS)
			}
		}
	}
	check(fmt.Sprintf("%s: provider peak RSS", json100k), float64(peak), 500e6, peak > 0, mb)
	out = append(out, rep.millionTargets()...)
	if with, without := rep.row(data, PhasePlanData), rep.row(data, PhasePlan); with != nil && without != nil {
		a, _ := median(with.Samples, wall)
		b, _ := median(without.Samples, wall)
		check(fmt.Sprintf("%s: plan time beyond a no-op plan", data), a-b, 1, true, secs)
	}
	return out
}

// millionTargets checks `keys_json` at 1,000,000 keys: apply within 1.3 ×
// of the floor plus etcd's own commit of the same puts, no-op plan and
// destroy within the floor, peak RSS within 1 GB, and each phase at most
// 11 × its time at 100,000 keys.
func (rep *Report) millionTargets() []TargetResult {
	json100k, json1m := Scenario{KeysJSON, 100000}, Scenario{KeysJSON, 1000000}
	var out []TargetResult
	add := func(label string, value, limit float64, format string) {
		out = append(out, TargetResult{Label: label, Measured: fmt.Sprintf(format, value), Limit: fmt.Sprintf(format, limit), Met: value <= limit})
	}
	if r := rep.row(json1m, PhaseApply); r != nil {
		v, ok1 := median(r.Samples, wall)
		f, ok2 := median(r.Floor, wall)
		if i := slices.IndexFunc(rep.EtcdCommit, func(e EtcdCommit) bool { return e.Keys == json1m.N }); ok1 && ok2 && i >= 0 {
			add(fmt.Sprintf("%s: apply / (floor + etcd's own commit)", json1m), v/(f+rep.EtcdCommit[i].Seconds), 1.3, "%.2f ×")
		}
	}
	for _, p := range []string{PhasePlan, PhaseDestroy} {
		if r := rep.row(json1m, p); r != nil {
			v, ok1 := median(r.Samples, wall)
			if f, ok2 := median(r.Floor, wall); ok1 && ok2 {
				add(fmt.Sprintf("%s: %s / floor", json1m, p), v/f, 1, "%.2f ×")
			}
		}
	}
	var peak int64
	for _, p := range []string{PhaseApply, PhasePlan, PhaseUpdate, PhaseDestroy} {
		if r := rep.row(json1m, p); r != nil {
			for _, s := range r.Samples {
				peak = max(peak, s.PeakRSS)
			}
		}
		a, b := rep.row(json1m, p), rep.row(json100k, p)
		if a == nil || b == nil {
			continue
		}
		v1m, ok1 := median(a.Samples, wall)
		v100k, ok2 := median(b.Samples, wall)
		if ok1 && ok2 {
			add(fmt.Sprintf("`etcd_prefix.keys_json` %s: 1,000,000 keys / 100,000 keys", p), v1m/v100k, 11, "%.2f ×")
		}
	}
	if peak > 0 {
		out = append(out, TargetResult{Label: fmt.Sprintf("%s: provider peak RSS", json1m), Measured: megabytes(peak), Limit: megabytes(1e9), Met: peak <= 1e9})
	}
	return out
}

func seconds(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

func megabytes(b int64) string { return fmt.Sprintf("%d MB", (b+500_000)/1_000_000) }

// machine describes the host: CPU model, CPUs, memory, kernel.
func machine() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.Lines(string(b)) {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		if f := strings.Fields(string(b)); len(f) > 1 && f[0] == "MemTotal:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			mem = fmt.Sprintf(", %.0f GB RAM", kb*1024/1e9)
		}
	}
	kernel, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	return fmt.Sprintf("%s, %d CPUs%s, Linux %s", model, runtime.NumCPU(), mem, strings.TrimSpace(string(kernel)))
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}
