package provider

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/protocol"
)

// ProviderData is what a configured provider instance hands to its
// resources and data sources: one client shared by all of them.
type ProviderData struct {
	client    *etcdclient.Client
	maxTxnOps int
	err       error
	// rootPlanned: this run's plan has an etcd_user named root with the
	// role root (see noteRootPlanned).
	rootPlanned atomic.Bool
}

// conn is the client and limits, or why there is none (protocol.Checked
// decides, for these resources and the etcd_prefix and etcd_key servers).
func (d *ProviderData) conn() (protocol.Conn, error) {
	if d == nil {
		return protocol.Checked(protocol.Conn{}, nil)
	}
	return protocol.Checked(protocol.Conn{Client: d.client, MaxTxnOps: d.maxTxnOps}, d.err)
}

// Client returns the configured client, or why there is none.
func (d *ProviderData) Client() (*etcdclient.Client, error) {
	c, err := d.conn()
	return c.Client, err
}

// noteRootPlanned records that this run plans an etcd_user named root with
// the role root. Terraform plans a resource after everything in its
// depends_on, and one provider instance serves one configuration's whole
// plan, so an etcd_auth that lists that user in depends_on is planned
// after this call and knows the root user will exist before it is applied.
func (d *ProviderData) noteRootPlanned() {
	if d != nil {
		d.rootPlanned.Store(true)
	}
}

// plansRoot reports whether noteRootPlanned was called since Configure.
func (d *ProviderData) plansRoot() bool {
	return d != nil && d.rootPlanned.Load()
}

// MaxTxnOps is the most operations to put in one transaction.
func (d *ProviderData) MaxTxnOps() int {
	c, _ := d.conn()
	return c.MaxTxnOps
}

// clientOrDiag returns the client, or adds an error diagnostic.
func (d *ProviderData) clientOrDiag(diags *diag.Diagnostics) *etcdclient.Client {
	c, err := d.Client()
	if err != nil {
		diags.AddError(protocol.NotConfigured(err))
		return nil
	}
	return c
}

// providerDataFrom is what every resource and data source does in
// Configure: take the provider's data, which is nil during validation.
func providerDataFrom(data any, diags *diag.Diagnostics) *ProviderData {
	if data == nil {
		return nil
	}
	d, ok := data.(*ProviderData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("Expected *ProviderData, got %T. This is a bug in the provider; please report it.", data))
		return nil
	}
	return d
}

// lastConfigured remembers the ProviderData of one provider server's last
// Configure call, for the etcd_prefix and etcd_key servers served beside it.
type lastConfigured struct {
	mu   sync.RWMutex
	data *ProviderData
}

func (l *lastConfigured) set(d *ProviderData) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.data = d
}

// conn is the etcd_prefix and etcd_key servers' seam to the configuration
// (a protocol.Connector).
func (l *lastConfigured) conn() (protocol.Conn, error) {
	l.mu.RLock()
	d := l.data
	l.mu.RUnlock()
	return d.conn()
}
