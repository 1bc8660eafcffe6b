package etcdclient

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// Connection mistakes that retrying cannot fix. New finds them by probing
// every endpoint once, within DialTimeout, before it connects: a
// certificate that does not verify now will not verify in a minute either,
// so New fails at once instead of letting every call wait for its timeout.
// A member that is down or does not answer is not one of these: it stays
// ErrUnavailable, reported by the calls that need it.
var (
	// ErrServerCertUntrusted: the server's certificate is not signed by a
	// configured CA, or it has expired, or it is not valid yet.
	ErrServerCertUntrusted = errors.New("the server's certificate is not trusted")
	// ErrServerNameMismatch: the server's certificate is valid but not for
	// the name the client connected with (or TLSConfig.ServerName).
	ErrServerNameMismatch = errors.New("the server's certificate does not hold the name connected to")
	// ErrClientCertRequired: the server requires a client certificate and
	// none is configured.
	ErrClientCertRequired = errors.New("the server requires a client certificate")
	// ErrClientCertRejected: the server refused the client certificate.
	ErrClientCertRejected = errors.New("the server rejected the client certificate")
	// ErrTLSToPlainServer: an https:// endpoint (or TLS settings) reached a
	// server that speaks plain text.
	ErrTLSToPlainServer = errors.New("the endpoint serves plain text, not TLS")
	// ErrPlainToTLSServer: an http:// endpoint reached a server that speaks
	// TLS.
	ErrPlainToTLSServer = errors.New("the endpoint serves TLS, not plain text")
)

// http2Preface is what a gRPC client sends first: the HTTP/2 connection
// preface and an empty SETTINGS frame. A healthy etcd answers with its own
// SETTINGS frame.
var http2Preface = []byte("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00")

// probeOutcome is what probing one endpoint found.
type probeOutcome struct {
	endpoint string
	healthy  bool  // etcd answered as configured
	err      error // a connection mistake, or nil (healthy, or not reachable now)
}

// probeEndpoints probes every endpoint at once, each within timeout.
func probeEndpoints(endpoints []string, tlsCfg *tls.Config, timeout time.Duration) []probeOutcome {
	out := make([]probeOutcome, len(endpoints))
	var wg sync.WaitGroup
	for i, ep := range endpoints {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			healthy, err := probeEndpoint(ctx, ep, tlsCfg)
			out[i] = probeOutcome{endpoint: ep, healthy: healthy, err: err}
		}()
	}
	wg.Wait()
	return out
}

// probeEndpoint connects to ep the way clientv3 will (TLS for https:// and
// for host:port when TLS is configured, plain text for http://) and checks
// that etcd answers. It returns a connection mistake, or nil with healthy
// false when the endpoint cannot be reached now (refused, silent, reset).
func probeEndpoint(ctx context.Context, ep string, tlsCfg *tls.Config) (healthy bool, err error) {
	hostPort, secure, ok := probeTarget(ep, tlsCfg != nil)
	if !ok {
		return false, nil
	}
	if !secure {
		return probePlain(ctx, ep, hostPort)
	}
	if tlsCfg == nil {
		tlsCfg = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	return probeTLS(ctx, ep, hostPort, tlsCfg)
}

// probeTarget returns the address to dial and whether clientv3 speaks TLS
// to it; ok is false for endpoints not probed (unix sockets).
func probeTarget(ep string, tlsConfigured bool) (hostPort string, secure, ok bool) {
	if !strings.Contains(ep, "://") {
		return ep, tlsConfigured, true
	}
	u, err := url.Parse(ep)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return "", false, false
	}
	hostPort = u.Host
	if u.Port() == "" {
		hostPort = net.JoinHostPort(u.Hostname(), "2379")
	}
	return hostPort, u.Scheme == "https", true
}

func dial(ctx context.Context, hostPort string) (net.Conn, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", hostPort)
	if err != nil {
		return nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	return conn, nil
}

// answersHTTP2 sends the gRPC preface on conn and reads the first bytes of
// the answer.
func answersHTTP2(conn net.Conn) ([]byte, error) {
	if _, err := conn.Write(http2Preface); err != nil {
		return nil, err
	}
	buf := make([]byte, 9)
	n, err := io.ReadAtLeast(conn, buf, 5)
	return buf[:n], err
}

// isSettingsFrame reports whether b starts an HTTP/2 SETTINGS frame.
func isSettingsFrame(b []byte) bool { return len(b) >= 4 && b[3] == 0x4 }

func probePlain(ctx context.Context, ep, hostPort string) (bool, error) {
	conn, err := dial(ctx, hostPort)
	if err != nil {
		return false, nil //nolint:nilerr // not reachable now: clientv3 reports it as unavailable
	}
	answer, err := answersHTTP2(conn)
	_ = conn.Close()
	switch {
	case isSettingsFrame(answer):
		return true, nil
	case ctx.Err() != nil:
		return false, nil //nolint:nilerr // silent: not a mistake we can name
	case len(answer) > 0 && (answer[0] == 0x15 || bytes.HasPrefix(answer, []byte("HTTP/1."))):
		// a TLS alert record, or Go's "client sent an HTTP request to an
		// HTTPS server"
	case err == nil:
		return false, nil
	}
	// The server hung up on plain text: if it completes a TLS handshake,
	// it speaks TLS.
	if !speaksTLS(ctx, hostPort) {
		return false, nil
	}
	return false, &Error{Op: "connect", Subject: "to endpoint " + ep, Kind: ErrPlainToTLSServer,
		Err: fmt.Errorf("%s answered a TLS handshake but not plain text: write the endpoint as https://%s, with the CA certificate that verifies the server", hostPort, hostPort)}
}

// speaksTLS reports whether the server at hostPort starts a TLS handshake.
func speaksTLS(ctx context.Context, hostPort string) bool {
	conn, err := dial(ctx, hostPort)
	if err != nil {
		return false
	}
	defer func() { _ = conn.Close() }()
	tc := tls.Client(conn, &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"h2"}}) //nolint:gosec // only asks whether the server speaks TLS
	err = tc.HandshakeContext(ctx)
	var alert tls.AlertError
	return err == nil || errors.As(err, &alert) || strings.Contains(fmt.Sprint(err), "remote error")
}

func probeTLS(ctx context.Context, ep, hostPort string, base *tls.Config) (bool, error) {
	conn, err := dial(ctx, hostPort)
	if err != nil {
		return false, nil
	}
	defer func() { _ = conn.Close() }()
	host, _, _ := net.SplitHostPort(hostPort)
	name := base.ServerName
	if name == "" {
		name = host
	}
	cfg := base.Clone()
	// The chain and the name are checked below, to say which is wrong.
	cfg.InsecureSkipVerify = true //nolint:gosec // verified by verifyServer
	cfg.ServerName = name
	cfg.NextProtos = []string{"h2"}
	subject := "to endpoint " + ep
	hasCert := len(base.Certificates) > 0 || base.GetClientCertificate != nil
	tc := tls.Client(conn, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		var rh tls.RecordHeaderError
		switch {
		case errors.As(err, &rh):
			return false, &Error{Op: "connect", Subject: subject, Kind: ErrTLSToPlainServer,
				Err: fmt.Errorf("%s answered a TLS handshake in plain text: write the endpoint as http://%s, or turn TLS on in the server", hostPort, hostPort)}
		case errors.Is(err, io.EOF) && ctx.Err() == nil && answersPlainHTTP2(ctx, hostPort):
			return false, &Error{Op: "connect", Subject: subject, Kind: ErrTLSToPlainServer,
				Err: fmt.Errorf("%s hung up on a TLS handshake and answers plain text: write the endpoint as http://%s (and drop the TLS settings), or turn TLS on in the server", hostPort, hostPort)}
		case isRemoteAlert(err):
			// TLS 1.2 servers refuse the client certificate inside the
			// handshake.
			return false, clientCertError(subject, hasCert, base, err)
		}
		return false, nil
	}
	state := tc.ConnectionState()
	if !base.InsecureSkipVerify {
		if err := verifyServer(state.PeerCertificates, base.RootCAs, name); err != nil {
			return false, &Error{Op: "connect", Subject: subject, Kind: kindOf(err), Err: err}
		}
	}
	// TLS 1.3 servers check the client certificate after the client's
	// handshake is done: their verdict is the first thing read.
	answer, err := answersHTTP2(tc)
	switch {
	case isSettingsFrame(answer):
		return true, nil
	case err != nil && isRemoteAlert(err):
		return false, clientCertError(subject, hasCert, base, err)
	case err != nil && ctx.Err() == nil && !hasCert && (errors.Is(err, io.EOF) || isConnReset(err)):
		// A server that requires a certificate may hang up without an alert.
		return false, clientCertError(subject, hasCert, base, err)
	}
	return false, nil
}

// answersPlainHTTP2 reports whether hostPort answers the gRPC preface in
// plain text.
func answersPlainHTTP2(ctx context.Context, hostPort string) bool {
	conn, err := dial(ctx, hostPort)
	if err != nil {
		return false
	}
	defer func() { _ = conn.Close() }()
	answer, _ := answersHTTP2(conn)
	return isSettingsFrame(answer)
}

func isRemoteAlert(err error) bool {
	return err != nil && strings.Contains(err.Error(), "remote error: tls:")
}

func isConnReset(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "connection reset") || strings.Contains(msg, "broken pipe")
}

func kindOf(err error) error {
	var e *certError
	if errors.As(err, &e) {
		return e.kind
	}
	return ErrServerCertUntrusted
}

// certError explains why a server certificate did not verify.
type certError struct {
	kind error
	msg  string
}

func (e *certError) Error() string { return e.msg }

// verifyServer checks the server's chain against roots (the system's when
// nil), then its name, and says which failed, with the certificate's
// subject, issuer, validity and names.
func verifyServer(chain []*x509.Certificate, roots *x509.CertPool, name string) error {
	if len(chain) == 0 {
		return &certError{ErrServerCertUntrusted, "the server sent no certificate"}
	}
	leaf := chain[0]
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	now := time.Now()
	_, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: now})
	if err != nil {
		var why string
		var invalid x509.CertificateInvalidError
		var unknown x509.UnknownAuthorityError
		switch {
		case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
			c, who := invalid.Cert, "it"
			if c == nil {
				c = leaf
			}
			if c != leaf {
				who = fmt.Sprintf("the CA certificate %q in its chain", c.Subject.String())
			}
			if now.After(c.NotAfter) {
				why = who + " expired on " + c.NotAfter.UTC().Format(time.RFC3339)
			} else {
				why = who + " is not valid before " + c.NotBefore.UTC().Format(time.RFC3339)
			}
		case errors.As(err, &unknown):
			why = "it is signed by an authority the configured CA certificates do not include"
			if roots == nil {
				why = "it is signed by an authority the system's CA certificates do not include, and no CA certificate is configured"
			}
		default:
			why = err.Error()
		}
		return &certError{ErrServerCertUntrusted, fmt.Sprintf("the server's certificate (subject %q, issued by %q) could not be verified: %s; configure the CA certificate that issued it",
			leaf.Subject.String(), leaf.Issuer.String(), why)}
	}
	if err := leaf.VerifyHostname(name); err != nil {
		return &certError{ErrServerNameMismatch, fmt.Sprintf("the server's certificate (subject %q) is not valid for %q: it holds %s; connect by one of these names, or set the TLS server name to one of them",
			leaf.Subject.String(), name, certNames(leaf))}
	}
	return nil
}

// certNames lists the DNS names and IP addresses a certificate is valid for.
func certNames(c *x509.Certificate) string {
	var names []string
	for _, n := range c.DNSNames {
		names = append(names, fmt.Sprintf("%q", n))
	}
	for _, ip := range c.IPAddresses {
		names = append(names, fmt.Sprintf("%q", ip.String()))
	}
	if len(names) == 0 {
		return "no DNS names or IP addresses (only the common name " + fmt.Sprintf("%q", c.Subject.CommonName) + ", which TLS clients no longer accept)"
	}
	return "the names " + strings.Join(names, ", ")
}

func clientCertError(subject string, hasCert bool, cfg *tls.Config, err error) error {
	if !hasCert {
		return &Error{Op: "connect", Subject: subject, Kind: ErrClientCertRequired,
			Err: fmt.Errorf("the server requires a client certificate (it runs with --client-cert-auth) and none is configured: configure a client certificate and its key, issued by a CA the server trusts (%w)", err)}
	}
	desc := "the configured client certificate"
	if len(cfg.Certificates) > 0 && len(cfg.Certificates[0].Certificate) > 0 {
		if leaf, perr := x509.ParseCertificate(cfg.Certificates[0].Certificate[0]); perr == nil {
			desc = fmt.Sprintf("the client certificate (subject %q, issued by %q, valid until %s)", leaf.Subject.String(), leaf.Issuer.String(), leaf.NotAfter.UTC().Format(time.RFC3339))
		}
	}
	return &Error{Op: "connect", Subject: subject, Kind: ErrClientCertRejected,
		Err: fmt.Errorf("the server rejected %s: use a client certificate and key issued by a CA in the server's --trusted-ca-file, valid now and made for client authentication (%w)", desc, err)}
}

// checkEndpoints probes the endpoints and returns the ones to connect to:
// all but those with a connection mistake, while at least one answers. When
// none answers and some have a mistake, it returns the first mistake.
func checkEndpoints(cfg Config, tlsCfg *tls.Config) (use []string, problems []error, answered bool, err error) {
	outcomes := probeEndpoints(cfg.Endpoints, tlsCfg, cfg.DialTimeout)
	healthy := false
	for _, o := range outcomes {
		healthy = healthy || o.healthy
		if o.err != nil {
			problems = append(problems, o.err)
		} else {
			use = append(use, o.endpoint)
		}
	}
	if len(problems) == 0 {
		return cfg.Endpoints, nil, healthy, nil
	}
	if !healthy {
		var first *Error
		if !errors.As(problems[0], &first) {
			return nil, problems, false, problems[0]
		}
		var others []string
		for _, o := range outcomes {
			switch {
			case o.err == first:
			case o.err != nil && errors.Is(o.err, first.Kind):
				others = append(others, o.endpoint+" (the same)")
			case o.err != nil:
				others = append(others, o.endpoint+" ("+kindName(o.err)+")")
			default:
				others = append(others, o.endpoint+" (not reachable now)")
			}
		}
		if len(others) > 0 {
			first = &Error{Op: first.Op, Subject: first.Subject, Kind: first.Kind,
				Err: fmt.Errorf("%w; other endpoints: %s", first.Err, strings.Join(others, ", "))}
		}
		return nil, problems, false, first
	}
	return use, problems, true, nil
}

// CheckCredentials makes one cheap read (a serializable count of one key,
// answered by the member itself) to learn whether etcd accepts this client
// without credentials. It returns an error wrapping ErrAuthRequired when
// authentication is on and the client has neither a username nor a client
// certificate, and nil when the read passes or is only refused the key.
// A client with a username has already authenticated in New. When no
// endpoint answered New's probe it returns nil without asking, so that an
// unreachable cluster costs no extra wait here. Other errors, such as
// ErrUnavailable, are returned as they are.
func (c *Client) CheckCredentials(ctx context.Context) error {
	if c.identity() != unauthenticated || !c.answered {
		return nil
	}
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	_, err := c.raw.Get(ctx, "\x00", clientv3.WithSerializable(), clientv3.WithCountOnly(), clientv3.WithLimit(1))
	err = c.wrap("check credentials", "", err)
	if errors.Is(err, ErrPermissionDenied) && !errors.Is(err, ErrAuthRequired) {
		return nil
	}
	return err
}

func kindName(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Kind != nil {
		return e.Kind.Error()
	}
	return err.Error()
}
