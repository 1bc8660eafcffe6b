package etcdclient

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"

	"google.golang.org/grpc/credentials"
)

// TLSConfig describes client TLS. Each of the CA, certificate and key may be
// given as a file path or as PEM text, not both.
type TLSConfig struct {
	// Enabled turns TLS on even when nothing else is set (system CAs).
	Enabled            bool
	CertFile           string
	KeyFile            string
	CAFile             string
	CertPEM            []byte
	KeyPEM             []byte
	CAPEM              []byte
	ServerName         string
	InsecureSkipVerify bool
}

func (t *TLSConfig) wanted() bool {
	return t != nil && (t.Enabled || t.CertFile != "" || t.KeyFile != "" || t.CAFile != "" ||
		len(t.CertPEM) > 0 || len(t.KeyPEM) > 0 || len(t.CAPEM) > 0 ||
		t.ServerName != "" || t.InsecureSkipVerify)
}

// build returns nil when TLS is neither configured nor implied by an
// https:// endpoint.
func (t *TLSConfig) build(https bool) (*tls.Config, error) {
	if !t.wanted() {
		if https {
			return &tls.Config{MinVersion: tls.VersionTLS12}, nil
		}
		return nil, nil
	}
	cfg := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		ServerName:         t.ServerName,
		InsecureSkipVerify: t.InsecureSkipVerify, //nolint:gosec // an explicit user choice, off by default
	}
	caPEM, err := pemSource("CA", t.CAFile, t.CAPEM)
	if err != nil {
		return nil, err
	}
	if caPEM != nil {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(caPEM) {
			return nil, errors.New("TLS CA: no PEM certificate found; give a PEM-encoded CA certificate")
		}
		cfg.RootCAs = pool
	}
	cert, err := clientCertificate(t)
	if err != nil {
		return nil, err
	}
	if cert != nil {
		cfg.Certificates = []tls.Certificate{*cert}
	}
	return cfg, nil
}

func clientCertificate(t *TLSConfig) (*tls.Certificate, error) {
	certPEM, err := pemSource("client certificate", t.CertFile, t.CertPEM)
	if err != nil {
		return nil, err
	}
	keyPEM, err := pemSource("client key", t.KeyFile, t.KeyPEM)
	if err != nil {
		return nil, err
	}
	switch {
	case certPEM == nil && keyPEM == nil:
		return nil, nil
	case certPEM == nil:
		return nil, errors.New("TLS client key is set without a client certificate: set both or neither")
	case keyPEM == nil:
		return nil, errors.New("TLS client certificate is set without a client key: set both or neither")
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		// The underlying message never includes key material.
		return nil, fmt.Errorf("TLS client certificate and key: %w", err)
	}
	return &cert, nil
}

// pemSource reads what from a file or returns the inline PEM. Both set is an
// error; neither set returns nil.
func pemSource(what, file string, pem []byte) ([]byte, error) {
	switch {
	case file != "" && len(pem) > 0:
		return nil, fmt.Errorf("TLS %s is given both as a file and as PEM text: set only one", what)
	case file != "":
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("TLS %s file: %w", what, err)
		}
		if len(data) == 0 {
			return nil, fmt.Errorf("TLS %s file %q is empty", what, file)
		}
		return data, nil
	case len(pem) > 0:
		return pem, nil
	}
	return nil, nil
}

// serverNameCreds verifies the server's certificate against a fixed name.
// gRPC's TLS credentials otherwise check each endpoint's host and ignore
// tls.Config.ServerName.
type serverNameCreds struct {
	credentials.TransportCredentials
	name string
}

func (c serverNameCreds) ClientHandshake(ctx context.Context, _ string, conn net.Conn) (net.Conn, credentials.AuthInfo, error) {
	return c.TransportCredentials.ClientHandshake(ctx, c.name, conn)
}

func (c serverNameCreds) Clone() credentials.TransportCredentials {
	return serverNameCreds{c.TransportCredentials.Clone(), c.name}
}
