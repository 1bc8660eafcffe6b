package key

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/protocol"
)

func (s *server) apply(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) *tfprotov6.ApplyResourceChangeResponse {
	var diags protocol.Diagnostics
	// A failed create records nothing; a failed update or destroy keeps the
	// prior state: nothing was written.
	resp := &tfprotov6.ApplyResourceChangeResponse{NewState: req.PriorState, Private: req.PlannedPrivate}
	defer func() { resp.Diagnostics = diags }()
	prior, err1 := decode(req.PriorState)
	planned, err2 := decode(req.PlannedState)
	config, err3 := objectAttrs(req.Config)
	if err := errors.Join(err1, err2, err3); err != nil {
		diags.AddError("Cannot apply etcd_key", err.Error())
		return resp
	}
	if planned == nil {
		if s.destroy(ctx, prior, &diags) {
			resp.NewState, resp.Private = nullState(), nil
		}
		return resp
	}
	if prior == nil {
		resp.NewState = nullState()
	}
	conn, ok := s.connect.Connect(&diags)
	if !ok {
		return resp
	}
	// value_wo arrives only in the configuration: the plan holds null.
	wo := stringPtr(config["value_wo"])
	var done *etcdclient.KeyValue
	var written *writeOnlyPrivate
	if prior == nil {
		done, written = create(ctx, conn, planned, wo, &diags)
	} else {
		done, written = update(ctx, conn, prior, planned, wo, req.PlannedPrivate, &diags)
	}
	if diags.HasError() {
		return resp
	}
	if done == nil {
		// Only Terraform's own settings (delete_on_destroy) changed.
		planned.ModRevision, planned.Version = prior.ModRevision, prior.Version
	} else {
		planned.setFrom(done, wo != nil)
		resp.Private = written.private()
	}
	resp.NewState = planned.encode(&diags)
	resp.NewIdentity = identity.Encode(planned.Key, &diags)
	return resp
}

// create writes the key unless it exists. A key that already holds
// exactly the planned value and lease, as an interrupted apply leaves it,
// is adopted; any other is refused with the import block to use instead.
func create(ctx context.Context, conn protocol.Conn, planned *object, wo *string, diags *protocol.Diagnostics) (*etcdclient.KeyValue, *writeOnlyPrivate) {
	value, err := planned.rawValue(wo)
	if err != nil {
		diags.AddError("Cannot create etcd key", err.Error())
		return nil, nil
	}
	res, err := conn.Client.CreateIfNotExists(ctx, planned.Key, value, planned.putOptions()...)
	if err != nil {
		addWriteError(diags, "Cannot create etcd key", planned.LeaseID, err)
		return nil, nil
	}
	if !res.Succeeded && (res.KV == nil || string(res.KV.Value) != value || res.KV.Lease != planned.lease()) {
		var rev int64
		if res.KV != nil {
			rev = res.KV.ModRevision
		}
		diags.AddAttrError(keyPath, "Key already exists", protocol.ExistsDetail(
			fmt.Sprintf("The key %q already exists in etcd (mod revision %d)", planned.Key, rev), TypeName, planned.Key))
		return nil, nil
	}
	return res.KV, writtenWO(wo, value)
}

// update writes the key, guarded by the mod revision of the last refresh,
// when its value or lease changed or value_wo is to be written; it returns
// nil when there is nothing to write.
func update(ctx context.Context, conn protocol.Conn, prior, planned *object, wo *string, private []byte, diags *protocol.Diagnostics) (*etcdclient.KeyValue, *writeOnlyPrivate) {
	if !needsWrite(prior, planned, wo != nil, private) {
		return nil, nil
	}
	value, err := planned.rawValue(wo)
	if err != nil {
		diags.AddError("Cannot update etcd key", err.Error())
		return nil, nil
	}
	known := revision(prior.ModRevision)
	res, err := conn.Client.PutIfModRevision(ctx, planned.Key, value, known, planned.putOptions()...)
	if err != nil {
		addWriteError(diags, "Cannot update etcd key", planned.LeaseID, err)
		return nil, nil
	}
	if !res.Succeeded {
		diags.AddError("Key changed outside Terraform", changedOutsideDetail(planned.Key, known, res.KV))
		return nil, nil
	}
	return res.KV, writtenWO(wo, value)
}

// needsWrite is plansWrite at apply, when every argument is known.
func needsWrite(prior, planned *object, writeOnly bool, private []byte) bool {
	if !writeOnly {
		return !equal(planned.Value, prior.Value) || !equal(planned.ValueBase64, prior.ValueBase64) || !equal(planned.LeaseID, prior.LeaseID)
	}
	wo := readWriteOnly(private)
	return wo == nil || wo.Drift || !planned.WOVersion.Equal(prior.WOVersion) || !equal(planned.LeaseID, prior.LeaseID)
}

// writtenWO is what to remember of value when it was written from value_wo
// (wo not nil); nil otherwise.
func writtenWO(wo *string, value string) *writeOnlyPrivate {
	if wo == nil {
		return nil
	}
	return newWriteOnly(value)
}

// destroy deletes the key, guarded by the mod revision of the last
// refresh, unless delete_on_destroy = false; it reports whether the
// resource is gone.
func (s *server) destroy(ctx context.Context, prior *object, diags *protocol.Diagnostics) bool {
	if prior == nil || protocol.KeptOnDestroy(ctx, prior.DeleteOnDestroy, TypeName, prior.Key) {
		return true
	}
	conn, ok := s.connect.Connect(diags)
	if !ok {
		return false
	}
	known := revision(prior.ModRevision)
	res, err := conn.Client.DeleteIfModRevision(ctx, prior.Key, known)
	if err != nil {
		diags.AddError("Cannot delete etcd key", err.Error())
		return false
	}
	if !res.Succeeded && res.KV != nil {
		diags.AddError("Key changed outside Terraform", changedOutsideDetail(prior.Key, known, res.KV))
		return false
	}
	return true
}

// addWriteError explains a failed write, pointing at lease_id when the
// lease is gone.
func addWriteError(diags *protocol.Diagnostics, summary string, leaseID *int64, err error) {
	if errors.Is(err, etcdclient.ErrLeaseNotFound) && leaseID != nil {
		diags.AddAttrError(leaseIDPath, "Lease not found",
			fmt.Sprintf("The lease %d (%x) does not exist: it expired or was revoked. Nothing was written. Use a live lease, such as etcd_lease.<name>.lease_id.",
				*leaseID, *leaseID))
		return
	}
	diags.AddError(summary, err.Error())
}

func changedOutsideDetail(key string, known int64, now *etcdclient.KeyValue) string {
	current := "it has been deleted"
	if now != nil {
		current = fmt.Sprintf("it is now at mod revision %d", now.ModRevision)
	}
	return fmt.Sprintf("The key %q was written by someone else since Terraform last read it (at mod revision %d; %s). Nothing was written. "+
		"Run plan again to see the current value, then apply.", key, known, current)
}

// revision is a recorded revision; 0 when none is.
func revision(r *int64) int64 {
	if r == nil {
		return 0
	}
	return *r
}

func equal[T comparable](a, b *T) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}
