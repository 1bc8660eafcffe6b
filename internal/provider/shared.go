package provider

import (
	"errors"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

// ProviderData is what a configured provider instance hands to its
// resources and data sources: one client shared by all of them.
type ProviderData struct {
	client    *etcdclient.Client
	maxTxnOps int
	err       error
}

// Client returns the configured client, or why there is none.
func (d *ProviderData) Client() (*etcdclient.Client, error) {
	switch {
	case d == nil:
		return nil, errors.New("the provider has not been configured")
	case d.client == nil && d.err != nil:
		return nil, d.err
	case d.client == nil:
		return nil, errors.New("the provider has not been configured")
	}
	return d.client, nil
}

// MaxTxnOps is the most operations to put in one transaction.
func (d *ProviderData) MaxTxnOps() int {
	if d == nil || d.maxTxnOps < 1 {
		return DefaultMaxTxnOps
	}
	return d.maxTxnOps
}

// clientOrDiag returns the client, or adds an error diagnostic.
func (d *ProviderData) clientOrDiag(diags *diag.Diagnostics) *etcdclient.Client {
	c, err := d.Client()
	if err != nil {
		diags.AddError("etcd provider not configured", "Cannot reach etcd: "+err.Error())
		return nil
	}
	return c
}

// Shared carries the configured ProviderData from the framework provider,
// which parses the provider configuration, to the etcd_prefix server, which
// is served beside it. One Shared belongs to one provider server instance.
type Shared struct {
	mu   sync.RWMutex
	data *ProviderData
}

// NewShared returns an empty Shared.
func NewShared() *Shared { return &Shared{} }

func (s *Shared) set(d *ProviderData) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data = d
}

// Data returns the current ProviderData, nil before configuration.
func (s *Shared) Data() *ProviderData {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.data
}
