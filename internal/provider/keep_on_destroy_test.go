package provider

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

// snapshot is every key under a prefix with its value and revisions.
func snapshot(t *testing.T, e *testEtcd) map[string]etcdclient.KeyValue {
	t.Helper()
	out := map[string]etcdclient.KeyValue{}
	if _, err := e.client.ForEach(t.Context(), etcdclient.PrefixRange(e.prefix), func(kv etcdclient.KeyValue) error {
		out[kv.Key] = kv
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func sameSnapshot(a, b map[string]etcdclient.KeyValue) bool {
	return maps.EqualFunc(a, b, func(x, y etcdclient.KeyValue) bool {
		return string(x.Value) == string(y.Value) && x.ModRevision == y.ModRevision && x.Lease == y.Lease && x.Version == y.Version
	})
}

// With delete_on_destroy = false, destroy leaves the keys, the lease and the
// values exactly as they were, and a later import adopts them again
// without writing anything.
func TestAccKeepOnDestroy(t *testing.T) {
	t.Parallel()
	e := sharedEtcd(t)
	body := fmt.Sprintf(`
resource "etcd_lease" "session" {
  ttl               = 3600
  delete_on_destroy = false
}

resource "etcd_key" "flag" {
  key               = %[1]q
  value             = "on"
  lease_id          = etcd_lease.session.lease_id
  delete_on_destroy = false
}

resource "etcd_prefix" "config" {
  prefix            = %[2]q
  keys              = { "a" = "1", "b" = "2" }
  delete_on_destroy = false
}
`, e.prefix+"flag", e.prefix+"config/")
	w := newWorkdir(t, providerConfig(e.cfg)+body)
	if out, err := w.apply(); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	before := snapshot(t, e)
	lease := before[e.prefix+"flag"].Lease
	if len(before) != 3 || lease == etcdclient.NoLease {
		t.Fatalf("apply wrote %v", before)
	}
	w.mustRun("destroy", "-auto-approve", "-input=false", "-no-color")
	if after := snapshot(t, e); !sameSnapshot(before, after) {
		t.Fatalf("destroy with delete_on_destroy = false changed etcd:\nbefore %v\nafter  %v", before, after)
	}
	if _, err := e.client.GetLeaseInfo(t.Context(), lease); err != nil {
		t.Fatalf("destroy with delete_on_destroy = false revoked the lease: %v", err)
	}

	imports := fmt.Sprintf(`
import {
  to = etcd_lease.session
  id = %[1]q
}

import {
  to = etcd_key.flag
  id = %[2]q
}

import {
  to = etcd_prefix.config
  id = %[3]q
}
`, fmt.Sprint(int64(lease)), e.prefix+"flag", e.prefix+"config/")
	w2 := newWorkdir(t, providerConfig(e.cfg)+body+imports)
	out, err := w2.apply()
	if err != nil || !strings.Contains(out, "3 imported") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if w2.planChanges() {
		t.Fatal("the plan after import is not empty")
	}
	if after := snapshot(t, e); !sameSnapshot(before, after) {
		t.Fatalf("import wrote to etcd:\nbefore %v\nafter  %v", before, after)
	}
	// Cleanup: the default deletes again.
	w2.write("main.tf", providerConfig(e.cfg)+strings.ReplaceAll(body, "delete_on_destroy = false", "delete_on_destroy = true"))
	w2.mustRun("apply", "-auto-approve", "-input=false", "-no-color")
	w2.mustRun("destroy", "-auto-approve", "-input=false", "-no-color")
	if left := snapshot(t, e); len(left) != 0 {
		t.Fatalf("destroy with delete_on_destroy = true left %v", left)
	}
}

// An exclusive prefix holding 1,000 keys of random bytes imports into
// keys_base64 with an empty plan after the import, and a changed byte
// shows as drift that apply reverts.
func TestAccPrefix_binaryImport(t *testing.T) {
	t.Parallel()
	e := sharedEtcd(t)
	prefix := e.prefix + "blobs/"
	keys := map[string]string{}
	for i := range 1000 {
		b := []byte(fmt.Sprintf("\xff\xfe%04d-%x", i, i*7919))
		keys[fmt.Sprintf("k%04d", i)] = string(b)
	}
	var ops []etcdclient.Op
	encoded := map[string]string{}
	for rel, v := range keys {
		ops = append(ops, etcdclient.Op{Key: prefix + rel, Value: v})
		encoded[rel] = base64.StdEncoding.EncodeToString([]byte(v))
	}
	if _, _, err := e.client.CommitChunks(t.Context(), ops, 128, etcdclient.MaxTxnBytes); err != nil {
		t.Fatal(err)
	}
	j, _ := json.Marshal(encoded)
	hcl := providerConfig(e.cfg) + fmt.Sprintf(`
import {
  to = etcd_prefix.blobs
  id = %[1]q
}

resource "etcd_prefix" "blobs" {
  prefix      = %[1]q
  keys_base64 = jsondecode(file("keys.json"))
}
`, prefix)
	w := newWorkdir(t, hcl)
	w.write("keys.json", string(j))
	out, err := w.apply()
	if err != nil || !strings.Contains(out, "1 imported, 0 added, 0 changed") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if w.planChanges() {
		t.Fatal("the plan after import is not empty")
	}
	changed := []byte(keys["k0500"])
	changed[5] ^= 0x20
	e.put(t, prefix+"k0500", string(changed))
	if !w.planChanges() {
		t.Fatal("a changed byte does not show as drift")
	}
	if out, err := w.apply(); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	if got := e.value(t, prefix+"k0500"); got != keys["k0500"] {
		t.Fatalf("apply did not revert the changed byte: %q", got)
	}
}
