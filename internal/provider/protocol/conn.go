package protocol

import (
	"errors"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

// Conn is what a resource served here needs of a configured provider.
type Conn struct {
	Client    *etcdclient.Client
	MaxTxnOps int // most operations in one transaction
}

// Connector returns the configured provider's connection, or why there is
// none (not configured yet, or configured with values unknown until apply).
type Connector func() (Conn, error)

// Connect returns the connection, or adds why there is none.
func (c Connector) Connect(diags *Diagnostics) (Conn, bool) {
	conn, err := c()
	if err == nil && conn.Client == nil {
		err = errors.New("the provider has not been configured")
	}
	if err != nil {
		diags.AddError("etcd provider not configured", "Cannot reach etcd: "+err.Error())
		return Conn{}, false
	}
	if conn.MaxTxnOps < 1 {
		conn.MaxTxnOps = etcdclient.DefaultMaxTxnOps
	}
	return conn, true
}
