package etcdclient

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	"go.etcd.io/etcd/client/v3/concurrency"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Sentinel errors. Every error returned by this package that has one of these
// causes wraps it, so callers can test with errors.Is.
var (
	ErrKeyNotFound      = errors.New("key not found")
	ErrLeaseNotFound    = errors.New("lease not found or expired")
	ErrCompareFailed    = errors.New("compare failed: the key changed since it was read")
	ErrLockHeld         = errors.New("lock is held by another session")
	ErrCompacted        = errors.New("revision has been compacted")
	ErrFutureRevision   = errors.New("revision is newer than the store's current revision")
	ErrPermissionDenied = errors.New("permission denied")
	ErrAuthFailed       = errors.New("authentication failed")
	ErrAuthNotEnabled   = errors.New("authentication is not enabled")
	// ErrAuthRequired: authentication is on and the client has no
	// credentials. It is also a permission denial (errors.Is with
	// ErrPermissionDenied holds).
	ErrAuthRequired    = fmt.Errorf("%w: authentication is on and the client sent no credentials", ErrPermissionDenied)
	ErrUnavailable     = errors.New("etcd is unavailable")
	ErrTooManyOps      = errors.New("too many operations in one transaction")
	ErrRequestTooLarge = errors.New("request is too large")
	ErrNoSpace         = errors.New("etcd database space exceeded")
	ErrUserNotFound    = errors.New("user not found")
	ErrRoleNotFound    = errors.New("role not found")
	ErrUserExists      = errors.New("user already exists")
	ErrRoleExists      = errors.New("role already exists")
	ErrRoleNotGranted  = errors.New("role is not granted to the user")
	ErrPermNotGranted  = errors.New("permission is not granted to the role")
	ErrRootMissing     = errors.New("auth needs a root user with the root role")
	ErrInvalidArgument = errors.New("invalid argument")
	ErrFenceLost       = errors.New("the lock fencing this client is no longer held")
	ErrClosed          = errors.New("the client is closed")
	// ErrNoQuorum: the cluster has no leader, or fewer than a majority of
	// its voting members answer. It is also ErrUnavailable.
	ErrNoQuorum = fmt.Errorf("%w: the cluster has no leader or has lost quorum", ErrUnavailable)
	// ErrMemberUnhealthy: a voting member does not answer, while the
	// cluster keeps its quorum. It is also ErrUnavailable.
	ErrMemberUnhealthy = fmt.Errorf("%w: a member of the cluster does not answer", ErrUnavailable)
	// ErrSnapshotInvalid: a snapshot stream ended early or its data does
	// not match the checksum etcd appended to it.
	ErrSnapshotInvalid = errors.New("the snapshot is incomplete or corrupt")
)

// Error is what every failed call returns: the operation, the subject (key,
// lease, user, role or endpoints) and the cause.
type Error struct {
	Op      string // the wrapper method, such as "put"
	Subject string // what it was about, such as `key "/app/a"`
	Kind    error  // one of the sentinels above, or nil
	Err     error  // the underlying error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	if e.Subject != "" {
		b.WriteString(" ")
		b.WriteString(e.Subject)
	}
	b.WriteString(": ")
	switch {
	case e.Kind != nil && e.Err != nil && !strings.Contains(e.Err.Error(), e.Kind.Error()):
		b.WriteString(e.Kind.Error())
		b.WriteString(" (")
		b.WriteString(e.Err.Error())
		b.WriteString(")")
	case e.Err != nil:
		b.WriteString(e.Err.Error())
	case e.Kind != nil:
		b.WriteString(e.Kind.Error())
	}
	return b.String()
}

// Unwrap exposes both the sentinel and the underlying cause to errors.Is/As.
func (e *Error) Unwrap() []error {
	var errs []error
	if e.Kind != nil {
		errs = append(errs, e.Kind)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

func keySubject(key string) string { return fmt.Sprintf("key %q", key) }

func prefixSubject(prefix string) string { return fmt.Sprintf("prefix %q", prefix) }

func leaseSubject(id LeaseID) string { return fmt.Sprintf("lease %d (%x)", id, int64(id)) }

// wrap turns a raw etcd/gRPC error into an *Error with a sentinel, naming
// the endpoints when the cluster could not be reached.
func (c *Client) wrap(op, subject string, err error) error {
	if err == nil {
		return nil
	}
	var own *Error
	if errors.As(err, &own) {
		return err
	}
	kind := classify(err)
	// etcd answers a request without a user, on a cluster with auth on,
	// with "user name is empty": a permission problem, unless the request
	// itself named an empty user.
	if kind == ErrInvalidArgument && errors.Is(err, rpctypes.ErrUserEmpty) && !strings.Contains(subject, userSubject("")) {
		kind = ErrPermissionDenied
		if c.identity() == unauthenticated {
			kind = ErrAuthRequired
			err = fmt.Errorf("etcd has authentication on and this client has no username and no client certificate: "+
				"configure the username and password of an etcd user, or a client certificate whose common name is an etcd user (%w)", err)
		}
	}
	if kind == ErrUnavailable {
		err = fmt.Errorf("no answer from endpoints %s within the request timeout; check that etcd is running, reachable, and has quorum%s: %w",
			strings.Join(c.cfg.Endpoints, ","), c.hungNote(), err)
	}
	if kind == ErrAuthFailed && c.cfg.Username != "" {
		switch {
		case op == "connect":
			// etcd gives the same answer for both, on purpose.
			err = fmt.Errorf("authentication failed for user %q: etcd has no such user, or the password is wrong (etcd does not say which): %w", c.cfg.Username, err)
		case c.raw != nil:
			// clientv3 authenticates again once when its token expires or
			// is revoked; this is that second attempt failing.
			err = fmt.Errorf("authentication failed for user %q: its token expired and authenticating again failed, so the user was removed or its password changed since the client connected: %w", c.cfg.Username, err)
		default:
			err = fmt.Errorf("authentication failed for user %q: %w", c.cfg.Username, err)
		}
	}
	if kind == ErrPermissionDenied {
		err = fmt.Errorf("%w for %s", err, c.identity())
	}
	return &Error{Op: op, Subject: subject, Kind: kind, Err: err}
}

func (c *Client) identity() string {
	if c.cfg.Username != "" {
		return fmt.Sprintf("user %q", c.cfg.Username)
	}
	if c.cfg.TLS != nil && (c.cfg.TLS.CertFile != "" || len(c.cfg.TLS.CertPEM) > 0) {
		return "the client certificate's common name"
	}
	return unauthenticated
}

const unauthenticated = "an unauthenticated client"

var rpcKinds = map[error]error{
	rpctypes.ErrCompacted:              ErrCompacted,
	rpctypes.ErrFutureRev:              ErrFutureRevision,
	rpctypes.ErrLeaseNotFound:          ErrLeaseNotFound,
	rpctypes.ErrPermissionDenied:       ErrPermissionDenied,
	rpctypes.ErrAuthFailed:             ErrAuthFailed,
	rpctypes.ErrInvalidAuthToken:       ErrAuthFailed,
	rpctypes.ErrAuthNotEnabled:         ErrAuthNotEnabled,
	rpctypes.ErrTooManyOps:             ErrTooManyOps,
	rpctypes.ErrRequestTooLarge:        ErrRequestTooLarge,
	rpctypes.ErrNoSpace:                ErrNoSpace,
	rpctypes.ErrUserNotFound:           ErrUserNotFound,
	rpctypes.ErrRoleNotFound:           ErrRoleNotFound,
	rpctypes.ErrUserAlreadyExist:       ErrUserExists,
	rpctypes.ErrRoleAlreadyExist:       ErrRoleExists,
	rpctypes.ErrRoleNotGranted:         ErrRoleNotGranted,
	rpctypes.ErrPermissionNotGranted:   ErrPermNotGranted,
	rpctypes.ErrRootUserNotExist:       ErrRootMissing,
	rpctypes.ErrRootRoleNotExist:       ErrRootMissing,
	rpctypes.ErrEmptyKey:               ErrInvalidArgument,
	rpctypes.ErrDuplicateKey:           ErrInvalidArgument,
	rpctypes.ErrUserEmpty:              ErrInvalidArgument,
	rpctypes.ErrRoleEmpty:              ErrInvalidArgument,
	rpctypes.ErrLeaseTTLTooLarge:       ErrInvalidArgument,
	rpctypes.ErrNoLeader:               ErrUnavailable,
	rpctypes.ErrTimeout:                ErrUnavailable,
	rpctypes.ErrTimeoutDueToLeaderFail: ErrUnavailable,
	rpctypes.ErrStopped:                ErrUnavailable,
	rpctypes.ErrUnhealthy:              ErrUnavailable,
}

func classify(err error) error {
	if errors.Is(err, ErrClosed) {
		return ErrClosed
	}
	for rpcErr, kind := range rpcKinds {
		if errors.Is(err, rpcErr) {
			return kind
		}
	}
	if errors.Is(err, concurrency.ErrLocked) {
		return ErrLockHeld
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return ErrUnavailable
	}
	if s, ok := status.FromError(err); ok {
		switch s.Code() {
		case codes.Unavailable, codes.DeadlineExceeded:
			return ErrUnavailable
		case codes.PermissionDenied:
			return ErrPermissionDenied
		case codes.Unauthenticated:
			return ErrAuthFailed
		}
	}
	// The auth store's own errors, such as a password given for a user
	// that has none, reach the client with code Unknown.
	if strings.Contains(err.Error(), "auth: authentication failed") {
		return ErrAuthFailed
	}
	if strings.Contains(err.Error(), "authentication handshake failed") {
		return ErrUnavailable
	}
	return nil
}
