package etcdclient

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"
)

// Defaults used by DefaultConfig and by New for zero values.
const (
	DefaultEndpoint       = "localhost:2379"
	DefaultDialTimeout    = 5 * time.Second
	DefaultRequestTimeout = 10 * time.Second
)

// Config says how to reach and authenticate to etcd.
type Config struct {
	// Endpoints are host:port pairs or http(s):// URLs. An https:// endpoint
	// turns TLS on.
	Endpoints []string
	// DialTimeout bounds connecting and authenticating.
	DialTimeout time.Duration
	// RequestTimeout bounds every call whose context has no deadline.
	RequestTimeout time.Duration
	Username       string
	Password       string
	TLS            *TLSConfig
	// KeepAliveTime is how long a connection may stay silent before the
	// client pings it (at least 10 s, gRPC's minimum); KeepAliveTimeout how
	// long it then waits for an answer before it drops the connection and
	// uses another endpoint. Zero values take DefaultKeepAliveTime and
	// DefaultKeepAliveTimeout.
	KeepAliveTime    time.Duration
	KeepAliveTimeout time.Duration
}

// DefaultConfig returns a new Config for an etcd on localhost:2379 with a
// 5 s dial timeout and a 10 s request timeout. Change its fields before
// passing it to New.
func DefaultConfig() *Config {
	return &Config{
		Endpoints:      []string{DefaultEndpoint},
		DialTimeout:    DefaultDialTimeout,
		RequestTimeout: DefaultRequestTimeout,
	}
}

// Client is a connection to one etcd cluster.
type Client struct {
	raw   *clientv3.Client
	cfg   Config
	fence *Fence
	// progress, when set (WithProgress), hears how far chunked writes got.
	progress func(committed, total int)
	// closed is shared with the fenced copies made by WithFence, which use
	// the same connection.
	closed *atomic.Bool
	hung   *hungEndpoints
	// problems are the connection mistakes of endpoints left out because
	// others work.
	problems []error
	// endpoints and tls are what clientv3 connects with.
	endpoints []string
	tls       *tls.Config
	// answered: at least one endpoint answered New's probe.
	answered bool
	// clusterID is the ID of the cluster that answered the last request.
	clusterID *atomic.Uint64
}

func serverNameOpts(tlsCfg *tls.Config) []grpc.DialOption {
	if tlsCfg != nil && tlsCfg.ServerName != "" {
		return []grpc.DialOption{grpc.WithTransportCredentials(serverNameCreds{credentials.NewTLS(tlsCfg), tlsCfg.ServerName})}
	}
	return nil
}

const authenticateMethod = "/etcdserverpb.Auth/Authenticate"

// authenticateWithoutToken lets clientv3 authenticate again when its token
// has expired on an etcd 3.4 server. clientv3 sends the expired token along
// with the Authenticate request, and etcd 3.4 refuses the request for that
// token, so clientv3 would retry until the request timeout. This sends the
// request once more on a connection without a token.
func (c *Client) authenticateWithoutToken(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	err := invoker(ctx, method, req, reply, cc, opts...)
	if method != authenticateMethod || !errors.Is(rpctypes.Error(err), rpctypes.ErrInvalidAuthToken) {
		return err
	}
	in, ok1 := req.(*pb.AuthenticateRequest)
	out, ok2 := reply.(*pb.AuthenticateResponse)
	if !ok1 || !ok2 {
		return err
	}
	fresh, ferr := clientv3.New(clientv3.Config{
		Endpoints: c.endpoints, DialTimeout: c.cfg.DialTimeout, TLS: c.tls, Logger: zap.NewNop(), DialOptions: serverNameOpts(c.tls),
	})
	if ferr != nil {
		return err
	}
	defer func() { _ = fresh.Close() }()
	resp, aerr := fresh.Authenticate(ctx, in.Name, in.Password)
	if aerr != nil {
		return aerr
	}
	out.Header, out.Token = resp.Header, resp.Token
	return nil
}

// New validates cfg and creates a client. A nil cfg means DefaultConfig().
// The client keeps its own copy of cfg: changing cfg afterwards has no
// effect. Zero timeouts take their defaults. New probes every endpoint once
// within DialTimeout and fails at once on a setting that can never work (an
// error wrapping ErrServerCertUntrusted, ErrServerNameMismatch,
// ErrClientCertRequired, ErrClientCertRejected, ErrTLSToPlainServer or
// ErrPlainToTLSServer); an endpoint with such a mistake is left out, and
// named by EndpointProblems, while another endpoint answers. An endpoint
// that does not answer is not an error here: connecting is lazy unless a
// username is set, in which case New authenticates within DialTimeout.
func New(cfg *Config) (*Client, error) {
	if cfg == nil {
		cfg = DefaultConfig()
	}
	return newClient(withDefaults(*cfg))
}

func newClient(cfg Config) (*Client, error) {
	if err := validateEndpoints(cfg.Endpoints); err != nil {
		return nil, &Error{Op: "new client", Kind: ErrInvalidArgument, Err: err}
	}
	if cfg.Password != "" && cfg.Username == "" {
		return nil, &Error{Op: "new client", Kind: ErrInvalidArgument, Err: errors.New("a password is set but the username is empty")}
	}
	tlsCfg, err := cfg.TLS.build(usesHTTPS(cfg.Endpoints))
	if err != nil {
		return nil, &Error{Op: "new client", Kind: ErrInvalidArgument, Err: err}
	}
	// Probe every endpoint once, so that a setting that can never work
	// fails here, within DialTimeout, and names itself.
	endpoints, problems, answered, err := checkEndpoints(cfg, tlsCfg)
	if err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, closed: new(atomic.Bool), hung: &hungEndpoints{}, problems: problems, endpoints: endpoints, tls: tlsCfg, answered: answered, clusterID: new(atomic.Uint64)}
	// The first interceptor is the outermost: a call on a closed client
	// stops here, before clientv3's retries.
	dialOpts := append([]grpc.DialOption{grpc.WithChainUnaryInterceptor(c.refuseWhenClosed, c.rememberCluster, c.retryReads, keepConnectionError, c.authenticateWithoutToken)}, serverNameOpts(tlsCfg)...)
	raw, err := clientv3.New(clientv3.Config{
		Endpoints:            endpoints,
		DialTimeout:          cfg.DialTimeout,
		DialKeepAliveTime:    cfg.KeepAliveTime,
		DialKeepAliveTimeout: cfg.KeepAliveTimeout,
		TLS:                  tlsCfg,
		Username:             cfg.Username,
		Password:             cfg.Password,
		Logger:               zap.NewNop(),
		DialOptions:          dialOpts,
	})
	if err != nil {
		return nil, c.wrap("connect", "to endpoints "+strings.Join(endpoints, ","), err)
	}
	c.raw = raw
	return c, nil
}

// refuseWhenClosed fails every call made after Close at once. Without it
// clientv3 spends seconds retrying on the closed connection.
func (c *Client) refuseWhenClosed(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	if c.closed.Load() {
		return ErrClosed
	}
	return invoker(ctx, method, req, reply, cc, opts...)
}

// rememberCluster records the cluster ID of every answer's header.
func (c *Client) rememberCluster(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	err := invoker(ctx, method, req, reply, cc, opts...)
	if r, ok := reply.(interface{ GetHeader() *pb.ResponseHeader }); ok && err == nil && r.GetHeader() != nil {
		c.clusterID.Store(r.GetHeader().GetClusterId())
	}
	return err
}

// ClusterID returns the ID of the etcd cluster that answered the client's
// last request; 0 before the first answer. Two clusters bootstrapped with
// the same member names, peer URLs and cluster token share an ID, so it
// tells most clusters apart, not all.
func (c *Client) ClusterID() uint64 { return c.clusterID.Load() }

// checkOpen returns an error wrapping ErrClosed once the client is closed,
// for calls that do not start with a unary gRPC call.
func (c *Client) checkOpen(op, subject string) error {
	if c.closed.Load() {
		return &Error{Op: op, Subject: subject, Kind: ErrClosed}
	}
	return nil
}

// keepConnectionError keeps gRPC's reason when a call times out waiting for
// a ready connection. clientv3 replaces that error by the bare context
// error, which loses why no connection was ready (refused, a certificate
// that could not be verified, a client certificate the server wants). The
// error returned still wraps the context error.
func keepConnectionError(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	err := invoker(ctx, method, req, reply, cc, opts...)
	if s, ok := status.FromError(err); ok && s.Code() == codes.DeadlineExceeded && ctx.Err() != nil {
		if reason, found := strings.CutPrefix(s.Message(), "latest balancer error: "); found {
			return fmt.Errorf("%w; last connection error: %s", ctx.Err(), reason)
		}
	}
	return err
}

func withDefaults(cfg Config) Config {
	if cfg.DialTimeout <= 0 {
		cfg.DialTimeout = DefaultDialTimeout
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.KeepAliveTime <= 0 {
		cfg.KeepAliveTime = DefaultKeepAliveTime
	}
	if cfg.KeepAliveTimeout <= 0 {
		cfg.KeepAliveTimeout = DefaultKeepAliveTimeout
	}
	cfg.Endpoints = append([]string(nil), cfg.Endpoints...)
	return cfg
}

// Close releases the connection. Locks and keep-alives started through this
// client stop renewing their leases, and watches stop. Every later call on
// the client, or on a copy made by WithFence, fails at once with an error
// wrapping ErrClosed. Closing a closed client does nothing and returns nil.
func (c *Client) Close() error {
	if c.closed.Swap(true) {
		return nil
	}
	return c.raw.Close()
}

// Endpoints returns the endpoints the client was configured with.
func (c *Client) Endpoints() []string {
	return append([]string(nil), c.cfg.Endpoints...)
}

// EndpointProblems returns, for each endpoint New left out because of a
// connection mistake while other endpoints worked, the error naming it
// (wrapping ErrServerCertUntrusted, ErrClientCertRequired and the like).
func (c *Client) EndpointProblems() []error { return append([]error(nil), c.problems...) }

// RequestTimeout returns the timeout applied to calls without a deadline.
func (c *Client) RequestTimeout() time.Duration { return c.cfg.RequestTimeout }

// Raw returns the underlying clientv3 client for what this package does not
// cover. Writes made through it are not fenced.
func (c *Client) Raw() *clientv3.Client { return c.raw }

// withTimeout applies RequestTimeout when ctx has no deadline.
func (c *Client) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, c.cfg.RequestTimeout)
}

func validateEndpoints(endpoints []string) error {
	if len(endpoints) == 0 {
		return errors.New("no endpoints: give at least one host:port or http(s):// URL")
	}
	for _, ep := range endpoints {
		if err := ValidateEndpoint(ep); err != nil {
			return err
		}
	}
	return nil
}

// ValidateEndpoint checks that ep is host:port or an http(s):// URL, and
// says how to write it when it is not.
func ValidateEndpoint(ep string) error {
	bad := func(why string) error {
		return fmt.Errorf("endpoint %q %s; write it as host:port (such as 127.0.0.1:2379) or as an http:// or https:// URL", ep, why)
	}
	hostPort := ep
	if strings.Contains(ep, "://") {
		u, err := url.Parse(ep)
		switch {
		case err != nil:
			return bad("is not a valid URL")
		case u.Scheme == "unix" || u.Scheme == "unixs":
			return nil
		case u.Scheme != "http" && u.Scheme != "https":
			return bad(fmt.Sprintf("has the scheme %q", u.Scheme))
		case u.Hostname() == "":
			return bad("has no host")
		case u.Port() == "":
			return nil
		}
		hostPort = u.Host
	}
	host, port, err := net.SplitHostPort(hostPort)
	if err != nil {
		return bad("has no port")
	}
	if host == "" {
		return bad("has no host")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return bad(fmt.Sprintf("has the port %q, which is not a number from 1 to 65535", port))
	}
	return nil
}

func usesHTTPS(endpoints []string) bool {
	for _, ep := range endpoints {
		if strings.HasPrefix(ep, "https://") || strings.HasPrefix(ep, "unixs://") {
			return true
		}
	}
	return false
}
