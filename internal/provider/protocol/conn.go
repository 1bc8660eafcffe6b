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

// ErrNotConfigured: no provider configuration has reached this server yet.
var ErrNotConfigured = errors.New("the provider has not been configured")

// Checked is the one place that decides whether a provider is configured,
// for the framework provider's types and the servers here alike: it returns
// conn (MaxTxnOps defaulted) when it has a client and err is nil, and
// otherwise why etcd cannot be reached: err, or ErrNotConfigured.
func Checked(conn Conn, err error) (Conn, error) {
	if conn.MaxTxnOps < 1 {
		conn.MaxTxnOps = etcdclient.DefaultMaxTxnOps
	}
	if err == nil && conn.Client == nil {
		err = ErrNotConfigured
	}
	if err != nil {
		return Conn{MaxTxnOps: conn.MaxTxnOps}, err
	}
	return conn, nil
}

// NotConfigured is the summary and detail of the error diagnostic that says
// etcd cannot be reached because of err, as Checked returned it.
func NotConfigured(err error) (summary, detail string) {
	return "etcd provider not configured", "Cannot reach etcd: " + err.Error()
}

// Connect returns the connection, or adds why there is none.
func (c Connector) Connect(diags *Diagnostics) (Conn, bool) {
	conn, err := Checked(c())
	if err != nil {
		diags.AddError(NotConfigured(err))
		return Conn{}, false
	}
	return conn, true
}
