package prefix

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/protocol"
)

// applied is what an apply leaves behind.
type applied struct {
	deleted bool                    // the resource no longer exists
	state   *tfprotov6.DynamicValue // otherwise its new state
	rev     int64                   // the guard revision to record; 0 keeps the planned one
	writes  int                     // how many writes were committed
	// wo is what to remember of keys_wo once it was written in full.
	wo *writeOnly
}

// change is one chunked write: ops turn base's keys into what is wanted.
type change struct {
	summary     string // the diagnostic's summary when it fails
	compareHint string // what a failed precondition means, and what to do
	base        map[string]string
	ops         []etcdclient.Op
	recordsNone bool // a failure records no state (create)
	// owned: the resource owns every key in the ops' range (an exclusive
	// prefix), so one range compare per transaction guards it: no key
	// there written after revision since.
	owned bool
	since int64
}

func (s *server) apply(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) *tfprotov6.ApplyResourceChangeResponse {
	var diags protocol.Diagnostics
	resp := &tfprotov6.ApplyResourceChangeResponse{NewState: req.PriorState, Private: req.PlannedPrivate}
	defer func() { resp.Diagnostics = diags }()
	prior, err1 := decodeStateLazy(req.PriorState)
	planned, err2 := decodeState(req.PlannedState)
	if prior != nil && (planned != nil || (!prior.Exclusive && protocol.DeletesOnDestroy(prior.DeleteOnDestroy))) {
		// The destroy of an exclusive prefix (one DeletePrefix), or of one
		// that keeps its keys, needs no keys.
		err1 = errors.Join(err1, prior.loadKeys())
	}
	if err := errors.Join(err1, err2); err != nil {
		diags.AddError("Cannot apply etcd_prefix", err.Error())
		return resp
	}
	conn, ok := s.connect.Connect(&diags)
	if !ok {
		return resp
	}
	guard := decodePrivate(req.PlannedPrivate)
	if planned != nil && planned.WriteOnly {
		// Write-only values arrive only in the configuration.
		keys, ok, err := configKeysWO(req.Config)
		if err == nil && !ok {
			err = errors.New("keys_wo is not in the configuration")
		}
		if err != nil {
			diags.AddError("Cannot apply etcd_prefix", err.Error())
			return resp
		}
		planned.Keys = keys
	}
	var out applied
	switch {
	case planned == nil:
		out = destroy(ctx, conn, prior, guard, &diags)
	case prior == nil:
		out = create(ctx, conn, planned, req.PlannedState, &diags)
	default:
		out = update(ctx, conn, prior, planned, guard, req.PlannedState, &diags)
	}
	if out.deleted {
		resp.NewState = nullState()
	} else {
		resp.NewState = cmp.Or(out.state, resp.NewState)
		resp.NewIdentity = identity.Encode(cmp.Or(planned, prior).Prefix, &diags)
	}
	next := guard
	if out.rev > 0 {
		next.ModRevision = out.rev
	}
	switch {
	case planned == nil || !planned.WriteOnly:
		next.WriteOnly = nil
	case out.wo != nil:
		next.WriteOnly = out.wo
	}
	next.Undeclared = nil // a successful apply deleted them
	if diags.HasError() {
		next.Undeclared = stillUndeclared(guard.Undeclared, planned)
	}
	resp.Private = next.encode()
	return resp
}

// create writes the planned keys. Keys already under the prefix that the
// configuration declares with the same value are adopted, not written: they
// are what an interrupted create left behind. Any other key there fails the
// create before anything is written. A create that fails records nothing,
// so that Terraform does not taint the resource (a replace would delete
// every key first); the next apply adopts what was written and writes the rest.
func create(ctx context.Context, conn protocol.Conn, planned *state, plannedDV *tfprotov6.DynamicValue, diags *protocol.Diagnostics) applied {
	existing, existingRev, err := readKeys(ctx, conn, planned)
	if err != nil {
		diags.AddError("Cannot create etcd_prefix", err.Error())
		return applied{deleted: true}
	}
	if err := checkAdoptable(planned, existing); err != nil {
		diags.AddError("etcd_prefix already holds keys", err.Error())
		return applied{deleted: true}
	}
	c := change{
		summary:     "Cannot create etcd_prefix",
		compareHint: "Another writer created some of these keys while this apply ran. Run plan again to see them, then apply.",
		base:        existing,
		ops:         diffOps(planned.Prefix, existing, planned.Keys, 0),
		recordsNone: true,
		owned:       planned.Exclusive && len(planned.Exclude) == 0,
		since:       existingRev, // every key there was read; any newer one is someone else's
	}
	tflog.Debug(ctx, "creating etcd_prefix", map[string]any{"prefix": planned.Prefix, "adopted": len(existing), "puts": len(c.ops)})
	out := commit(ctx, conn, planned, c, withID(plannedDV, planned.Prefix, diags), diags)
	if diags.HasError() {
		return applied{deleted: true}
	}
	if planned.WriteOnly {
		out.rememberWriteOnly(planned, existingRev, diags)
	}
	return out
}

// rememberWriteOnly completes a write of keys_wo: the new state records the
// revision it was written at (the commit's, or baseRev, the newest revision
// read before, when nothing needed writing), and private state a
// fingerprint of the map.
func (out *applied) rememberWriteOnly(planned *state, baseRev int64, diags *protocol.Diagnostics) {
	written := max(out.rev, baseRev)
	out.wo = newWriteOnly(planned.Keys, written)
	done := *planned
	done.WORevision = &written
	out.state = done.encode(diags)
	if out.rev == 0 {
		out.rev = baseRev
	}
}

// checkAdoptable fails when etcd holds, under the prefix, a key the
// configuration does not declare (exclusive prefixes) or declares with
// another value.
func checkAdoptable(planned *state, existing map[string]string) error {
	var foreign []string
	for rel, value := range existing {
		if want, declared := planned.Keys[rel]; !declared || want != value {
			foreign = append(foreign, rel)
		}
	}
	if len(foreign) == 0 {
		return nil
	}
	slices.Sort(foreign)
	const shown = 5
	names := make([]string, 0, shown+1)
	for _, rel := range foreign[:min(shown, len(foreign))] {
		names = append(names, fmt.Sprintf("%q", planned.Prefix+rel))
	}
	if len(foreign) > shown {
		names = append(names, fmt.Sprintf("and %d more", len(foreign)-shown))
	}
	alternative := "or delete those keys"
	if planned.Exclusive {
		alternative += ", or set exclusive = false to manage only the listed keys"
	}
	return fmt.Errorf("the prefix %q already holds keys that differ from the configuration (%s); nothing was written. "+
		"To manage what is there, import it with an import block (it works in OpenTofu and Terraform):\n%s\n%s",
		planned.Prefix, strings.Join(names, ", "), protocol.ImportBlock(TypeName, planned.Prefix), alternative)
}

func update(ctx context.Context, conn protocol.Conn, prior, planned *state, guard private, plannedDV *tfprotov6.DynamicValue, diags *protocol.Diagnostics) applied {
	if planned.WriteOnly && planned.WORevision != nil {
		// The plan kept keys_wo_revision: nothing of keys_wo is to be
		// written (only Terraform's own settings changed).
		return applied{state: plannedDV}
	}
	base := prior.Keys
	var baseRev int64
	if prior.WriteOnly {
		// The state holds no values: diff against what etcd holds, read
		// now; the writes carry the guard of the last refresh.
		var err error
		base, baseRev, err = readWriteOnlyBase(ctx, conn, prior, guard)
		if err != nil {
			diags.AddError("Cannot update etcd_prefix", err.Error())
			return applied{}
		}
	}
	// Keys exclude now lists are left as they are, not deleted.
	base = planned.Exclude.without(base)
	c := change{
		summary:     "Cannot update etcd_prefix",
		compareHint: "Run plan again to see the current values, then apply.",
		base:        base,
		ops:         diffOps(planned.Prefix, base, planned.Keys, guard.ModRevision),
		// The refresh read every key under an exclusive prefix and recorded
		// the newest revision among them; a state without it (written
		// before the guard existed) keeps the per-key guards.
		// Excluded keys may lie between the written ones, and others write
		// them: with exclude, each key carries its own guard.
		owned: prior.Exclusive && planned.Exclusive && len(prior.Exclude) == 0 && len(planned.Exclude) == 0 &&
			(guard.ModRevision > 0 || len(prior.Keys) == 0),
		since: guard.ModRevision,
	}
	tflog.Debug(ctx, "updating etcd_prefix", map[string]any{"prefix": planned.Prefix, "writes": len(c.ops)})
	out := commit(ctx, conn, planned, c, plannedDV, diags)
	if planned.WriteOnly && !diags.HasError() {
		out.rememberWriteOnly(planned, max(baseRev, guard.ModRevision), diags)
	}
	return out
}

// readWriteOnlyBase reads what etcd holds of a resource whose state holds no
// values (keys_wo): every key under an exclusive prefix, else the keys
// Terraform wrote. Keys Terraform did not write are left out of a
// non-exclusive base, so that writing them must find them absent, as for
// keys.
func readWriteOnlyBase(ctx context.Context, conn protocol.Conn, prior *state, guard private) (map[string]string, int64, error) {
	st := *prior
	st.Keys = map[string]string{}
	if guard.WriteOnly != nil {
		st.Keys = namesOnly(guard.WriteOnly.Names)
	}
	keys, rev, err := readKeys(ctx, conn, &st)
	return keys, rev, err
}

func destroy(ctx context.Context, conn protocol.Conn, prior *state, guard private, diags *protocol.Diagnostics) applied {
	if protocol.KeptOnDestroy(ctx, prior.DeleteOnDestroy, TypeName, prior.Prefix) {
		return applied{deleted: true}
	}
	if prior.Exclusive {
		if err := deleteManaged(ctx, conn, prior); err != nil {
			diags.AddError("Cannot delete etcd_prefix", err.Error())
			return applied{}
		}
		return applied{deleted: true}
	}
	base := prior.Keys
	if prior.WriteOnly && guard.WriteOnly != nil {
		base = namesOnly(guard.WriteOnly.Names) // deletes need only the names
	}
	c := change{
		summary:     "Cannot delete etcd_prefix",
		compareHint: "They were not deleted. Run plan again to see the current values.",
		base:        base,
		ops:         diffOps(prior.Prefix, base, nil, guard.ModRevision),
	}
	out := commit(ctx, conn, prior, c, nil, diags)
	out.rev = 0 // a destroyed resource keeps no guard
	if !diags.HasError() {
		out.deleted = true
	}
	return out
}

// commit writes c in chunks. When every write lands, the new state is done
// (nil for a destroy). When one fails, it adds a single diagnostic that
// explains the failure and how many writes landed, and returns target with
// exactly the committed writes applied, so that the state records what etcd
// holds and the next plan shows the rest.
func commit(ctx context.Context, conn protocol.Conn, target *state, c change, done *tfprotov6.DynamicValue, diags *protocol.Diagnostics) applied {
	var n int
	var rev int64
	var err error
	client := conn.Client.WithProgress(progressLogger(ctx, target.Prefix))
	if c.owned {
		n, rev, err = client.CommitChunksOwned(ctx, c.ops, conn.MaxTxnOps, etcdclient.MaxTxnBytes, c.since)
	} else {
		n, rev, err = client.CommitChunks(ctx, c.ops, conn.MaxTxnOps, etcdclient.MaxTxnBytes)
	}
	if n == 0 {
		rev = 0
	}
	if err == nil {
		return applied{state: done, rev: rev, writes: n}
	}
	detail := err.Error()
	if errors.Is(err, etcdclient.ErrCompareFailed) {
		detail = compareFailedDetail(target.Prefix, err, c.compareHint)
	}
	diags.AddError(c.summary, writeErrorDetail(detail, n, len(c.ops), c.recordsNone))
	partial := target.withKeys(applyOps(target.Prefix, c.base, c.ops[:n]))
	return applied{state: partial.encode(diags), rev: rev, writes: n}
}

func writeErrorDetail(detail string, applied, total int, recordsNone bool) string {
	switch {
	case applied == 0:
		return detail + "\n\nNothing was written."
	case recordsNone:
		return fmt.Sprintf("%s\n\n%d of %d writes were committed before the error, in whole transactions. "+
			"The state records nothing, so the resource is not tainted: the next apply keeps the keys already written and writes the rest.", detail, applied, total)
	}
	return fmt.Sprintf("%s\n\n%d of %d writes were committed before the error, in whole transactions; the state records exactly those, and the next plan shows the rest.", detail, applied, total)
}

// compareFailedDetail explains a guard that failed, as etcd_key does: which
// keys, at which revisions, and what to run. writeErrorDetail then says
// what was written, once.
func compareFailedDetail(prefix string, err error, hint string) string {
	which := "some of them"
	var changed *etcdclient.ChangedKeysError
	if errors.As(err, &changed) && len(changed.Changed) > 0 {
		which = changed.Summary()
	}
	return fmt.Sprintf("Keys under the prefix %q changed outside Terraform since the last refresh: someone else wrote them after Terraform read them (%s). %s",
		prefix, which, hint)
}

// deleteChunkKeys bounds the keys one range delete of a destroy removes:
// etcd 3.4 times out a single delete of 1,000,000 keys.
const deleteChunkKeys = 10000

// deleteManaged deletes every key an exclusive prefix manages: the whole
// prefix, or the ranges between what exclude lists, deleteChunkKeys at a
// time.
func deleteManaged(ctx context.Context, conn protocol.Conn, st *state) error {
	for _, r := range st.Exclude.ranges(st.Prefix) {
		if _, err := conn.Client.DeleteRangeInChunks(ctx, r.Key, r.RangeEnd, deleteChunkKeys); err != nil {
			return err
		}
	}
	return nil
}

// withID is the planned state of a create with its id, which the plan left
// unknown: the prefix.
func withID(planned *tfprotov6.DynamicValue, prefix string, diags *protocol.Diagnostics) *tfprotov6.DynamicValue {
	attrs, err := objectAttrs(planned)
	if err == nil && attrs != nil {
		attrs["id"] = tftypes.NewValue(tftypes.String, prefix)
		var dv tfprotov6.DynamicValue
		if dv, err = tfprotov6.NewDynamicValue(objectType, tftypes.NewValue(objectType, attrs)); err == nil {
			return &dv
		}
	}
	diags.AddError("Cannot create etcd_prefix", fmt.Sprintf("cannot encode the new state: %v", err))
	return nil
}

// progressEvery is how often a long write logs how far it got.
var progressEvery = 5 * time.Second

// progressLogger logs, at INFO and at most every progressEvery, how many of
// a write's keys were committed, so that TF_LOG=info shows a long apply
// going on.
func progressLogger(ctx context.Context, prefix string) func(committed, total int) {
	last := time.Now()
	return func(committed, total int) {
		if committed == total || time.Since(last) < progressEvery {
			return
		}
		last = time.Now()
		tflog.Info(ctx, fmt.Sprintf("etcd_prefix %q: %d of %d writes committed", prefix, committed, total),
			map[string]any{"prefix": prefix, "committed": committed, "total": total})
	}
}
