package provider

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// Two working directories manage the same key and apply different values
// from plans made at the same revision, at the same time: exactly one
// apply succeeds, the other fails cleanly, and etcd holds the winner's value.
func TestAccConcurrency_overlappingKeyOneWins(t *testing.T) {
	t.Parallel()
	e := sharedEtcd(t)
	key := e.prefix + "contended"
	hcl := func(value string) string {
		return e.config("resource \"etcd_key\" \"k\" {\n  key = %q\n  value = %q\n}\n", key, value)
	}
	a := newWorkdir(t, hcl("initial"))
	if out, err := a.apply(); err != nil {
		t.Fatalf("apply a: %v\n%s", err, out)
	}
	b := newWorkdir(t, hcl("initial"))
	b.mustRun("import", "-input=false", "-no-color", "etcd_key.k", key)

	dirs := map[string]*workdir{"from a": a, "from b": b}
	for value, w := range dirs {
		w.write("main.tf", hcl(value))
		w.mustRun("plan", "-out=change.tfplan", "-input=false", "-no-color")
	}
	results := map[string]applyResult{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for value, w := range dirs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := w.run("apply", "-input=false", "-no-color", "change.tfplan")
			mu.Lock()
			results[value] = applyResult{out, err}
			mu.Unlock()
		}()
	}
	wg.Wait()
	var winners []string
	for value, r := range results {
		if r.err == nil {
			winners = append(winners, value)
			continue
		}
		if !strings.Contains(r.out, "changed outside Terraform") {
			t.Fatalf("apply %q failed without the lost-update message:\n%s", value, r.out)
		}
	}
	if len(winners) != 1 {
		t.Fatalf("%d applies succeeded (%v), want exactly one", len(winners), winners)
	}
	if got := e.value(t, key); got != winners[0] {
		t.Fatalf("etcd holds %q, but the apply that succeeded wrote %q", got, winners[0])
	}
}

// Ten applies of disjoint prefixes at the same time all succeed.
func TestAccConcurrency_tenDisjointPrefixes(t *testing.T) {
	t.Parallel()
	e := sharedEtcd(t)
	keys := manyKeys(300)
	var wg sync.WaitGroup
	errs := make([]error, 10)
	for i := range errs {
		sub := &testEtcd{cfg: e.cfg, client: e.client, prefix: fmt.Sprintf("%sp%d/", e.prefix, i)}
		w := newWorkdir(t, prefixConfig(sub, true, keys))
		wg.Add(1)
		go func() {
			defer wg.Done()
			if out, err := w.apply(); err != nil {
				errs[i] = fmt.Errorf("apply %d: %w\n%s", i, err, out)
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
		expectExactly(t, e.client, fmt.Sprintf("%sp%d/", e.prefix, i), keys)
	}
}
