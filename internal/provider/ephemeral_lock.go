package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

var (
	_ ephemeral.EphemeralResourceWithConfigure = (*lockEphemeral)(nil)
	_ ephemeral.EphemeralResourceWithRenew     = (*lockEphemeral)(nil)
	_ ephemeral.EphemeralResourceWithClose     = (*lockEphemeral)(nil)
)

// defaultLockTTL is the session TTL of etcd_lock when ttl is not set.
const defaultLockTTL = 60

// NewLockEphemeral returns the etcd_lock ephemeral resource.
func NewLockEphemeral() ephemeral.EphemeralResource {
	return &lockEphemeral{held: map[string]*etcdclient.Lock{}}
}

type lockEphemeral struct {
	data *ProviderData
	mu   sync.Mutex
	held map[string]*etcdclient.Lock // by owner key, for Close in this process
}

type lockModel struct {
	Name     types.String `tfsdk:"name"`
	TTL      types.Int64  `tfsdk:"ttl"`
	Timeout  types.String `tfsdk:"timeout"`
	Key      types.String `tfsdk:"key"`
	Revision types.Int64  `tfsdk:"revision"`
	LeaseID  types.Int64  `tfsdk:"lease_id"`
}

// lockPrivate is what Renew and Close need, kept in the private data.
type lockPrivate struct {
	Key   string `json:"key"`
	Lease int64  `json:"lease"`
}

const lockPrivateKey = "lock"

func (e *lockEphemeral) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_lock"
}

func (e *lockEphemeral) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A distributed lock held in etcd for as long as Terraform uses it (`etcdctl lock` semantics: an etcd session with a lease, and an owner key under `name`). " +
			"Feed `key` and `revision` to a provider's `lock` argument and every write that provider makes is fenced: it only happens while this lock is still held. " +
			"Needs Terraform 1.10+ or OpenTofu 1.11+.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The lock's key prefix, such as `/locks/deploy`. Every holder creates an owner key under `<name>/`; the oldest one holds the lock.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"ttl": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("TTL of the lock's session lease in seconds (default %d). The provider renews it while Terraform runs; "+
					"if the provider process dies, the lock frees itself at most this long afterwards.", defaultLockTTL),
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"timeout": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "How long to wait for the lock, as a duration such as `\"5m\"`. Unset waits as long as the run allows (until interrupted). " +
					"Timing out fails the run with an error naming the holder's owner key.",
				Validators: []validator.String{durationValidator{}},
			},
			"key":      schema.StringAttribute{Computed: true, MarkdownDescription: "The owner key etcd created for this holder."},
			"revision": schema.Int64Attribute{Computed: true, MarkdownDescription: "The create revision of `key`: with `key`, it identifies this holding of the lock."},
			"lease_id": schema.Int64Attribute{Computed: true, MarkdownDescription: "The session's lease."},
		},
	}
}

func (e *lockEphemeral) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (e *lockEphemeral) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m lockModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	client := e.data.clientOrDiag(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || client == nil {
		return
	}
	ttl := int64(defaultLockTTL)
	if !m.TTL.IsNull() {
		ttl = m.TTL.ValueInt64()
	}
	if !m.Timeout.IsNull() {
		timeout, _ := parseDuration(m.Timeout.ValueString()) // validated
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	lock, err := client.AcquireLock(ctx, m.Name.ValueString(), time.Duration(ttl)*time.Second)
	if err != nil {
		detail := err.Error()
		if errors.Is(err, etcdclient.ErrLockHeld) {
			detail += fmt.Sprintf("\n\nAnother run holds the lock %q. Wait for it to finish, raise timeout, or, if its holder is gone, wait for its lease to expire.", m.Name.ValueString())
		}
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Cannot acquire etcd lock", detail)
		return
	}
	e.mu.Lock()
	e.held[lock.Key] = lock
	e.mu.Unlock()
	m.Key, m.Revision, m.LeaseID = types.StringValue(lock.Key), types.Int64Value(lock.Revision), types.Int64Value(int64(lock.Lease))
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
	private, _ := json.Marshal(lockPrivate{Key: lock.Key, Lease: int64(lock.Lease)})
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, lockPrivateKey, private)...)
	resp.RenewAt = renewAt(ttl)
}

// renewAt is well inside the TTL: a third of it.
func renewAt(ttl int64) time.Time {
	return time.Now().Add(time.Duration(ttl) * time.Second / 3)
}

// privateReader is the private data of an ephemeral resource request.
type privateReader interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

func readLockPrivate(ctx context.Context, private privateReader) (lockPrivate, error) {
	var p lockPrivate
	raw, diags := private.GetKey(ctx, lockPrivateKey)
	if diags.HasError() {
		return p, errors.New(diags[0].Detail())
	}
	if raw == nil {
		return p, errors.New("no lock data")
	}
	return p, json.Unmarshal(raw, &p)
}

func (e *lockEphemeral) Renew(ctx context.Context, req ephemeral.RenewRequest, resp *ephemeral.RenewResponse) {
	client := e.data.clientOrDiag(&resp.Diagnostics)
	if client == nil {
		return
	}
	p, err := readLockPrivate(ctx, req.Private)
	if err != nil {
		resp.Diagnostics.AddError("Cannot renew etcd lock", fmt.Sprintf("The lock's private data is unreadable: %v", err))
		return
	}
	ttl, err := client.KeepAliveOnce(ctx, etcdclient.LeaseID(p.Lease))
	if err != nil {
		resp.Diagnostics.AddError("Cannot renew etcd lock",
			fmt.Sprintf("The lease of the lock owner key %q could not be renewed: %v. Writes fenced by this lock will fail.", p.Key, err))
		return
	}
	resp.RenewAt = renewAt(ttl)
}

func (e *lockEphemeral) Close(ctx context.Context, req ephemeral.CloseRequest, resp *ephemeral.CloseResponse) {
	p, err := readLockPrivate(ctx, req.Private)
	client := e.data.clientOrDiag(&resp.Diagnostics)
	if err != nil || client == nil {
		return // nothing we can release; the lease expires on its own
	}
	e.mu.Lock()
	lock := e.held[p.Key]
	delete(e.held, p.Key)
	e.mu.Unlock()
	if lock != nil {
		err = client.ReleaseLock(ctx, lock)
	} else { // opened by another process: revoking the lease deletes the owner key
		err = client.RevokeLease(ctx, etcdclient.LeaseID(p.Lease))
	}
	if err != nil && !errors.Is(err, etcdclient.ErrLeaseNotFound) {
		resp.Diagnostics.AddWarning("Cannot release etcd lock",
			fmt.Sprintf("The lock owner key %q was not released (%v); it frees itself when its lease expires.", p.Key, err))
	}
}
