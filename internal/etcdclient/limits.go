package etcdclient

import "fmt"

// etcd's request limits, at the server's defaults.
const (
	// MaxRequestBytes is etcd's default --max-request-bytes (1.5 MiB).
	MaxRequestBytes = 3 << 19
	// DefaultMaxTxnOps is etcd's default --max-txn-ops.
	DefaultMaxTxnOps = 128
	// MaxTxnBytes is the default byte budget of one transaction written by
	// CommitChunks: well under MaxRequestBytes.
	MaxTxnBytes = 1 << 20
	// requestOverhead is room left in a request for everything but the
	// key and the value.
	requestOverhead = 1024
)

// CheckPutSize returns an error when a put of key with a value of
// valueBytes bytes cannot fit in one request at etcd's default limit.
func CheckPutSize(key string, valueBytes int) error {
	if n := len(key) + valueBytes; n > MaxRequestBytes-requestOverhead {
		return fmt.Errorf("key %q with its value is %d bytes; etcd refuses requests over %d bytes (1.5 MiB, its default --max-request-bytes). "+
			"Store large data elsewhere or split it over several keys", key, n, MaxRequestBytes)
	}
	return nil
}
