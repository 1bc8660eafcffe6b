package provider

import (
	"context"
	"crypto/tls"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

// clientConfig merges the configuration with the ETCDCTL_* environment and
// checks what only the merged result can tell.
func (m providerModel) clientConfig(ctx context.Context, diags *diag.Diagnostics) (etcdclient.Config, int) {
	cfg := *etcdclient.DefaultConfig()
	eps, fromEnv := m.endpoints(ctx)
	if len(eps) > 0 {
		cfg.Endpoints = eps
	}
	cfg.Username, cfg.Password = m.credentials()
	if cfg.Password != "" && cfg.Username == "" {
		diags.AddAttributeError(path.Root("username"), "Password without username",
			"A password is set (password or ETCDCTL_PASSWORD) but no username: set username or ETCDCTL_USER.")
	}
	cfg.DialTimeout = durationSetting(m.DialTimeout, "dial_timeout", "ETCDCTL_DIAL_TIMEOUT", etcdclient.DefaultDialTimeout, diags)
	cfg.RequestTimeout = durationSetting(m.RequestTimeout, "request_timeout", "ETCDCTL_COMMAND_TIMEOUT", etcdclient.DefaultRequestTimeout, diags)
	cfg.KeepAliveTime = durationSetting(m.KeepAliveTime, "keepalive_time", "ETCDCTL_KEEPALIVE_TIME", etcdclient.DefaultKeepAliveTime, diags)
	if cfg.KeepAliveTime < etcdclient.DefaultKeepAliveTime {
		diags.AddAttributeError(path.Root("keepalive_time"), "Keepalive time too short",
			fmt.Sprintf("keepalive_time (or ETCDCTL_KEEPALIVE_TIME) is %v; gRPC pings no more often than every 10s, so set at least \"10s\".", cfg.KeepAliveTime))
	}
	cfg.KeepAliveTimeout = durationSetting(m.KeepAliveTimeout, "keepalive_timeout", "ETCDCTL_KEEPALIVE_TIMEOUT", etcdclient.DefaultKeepAliveTimeout, diags)
	cfg.TLS = m.tlsConfig(diags)
	if fromEnv { // configured endpoints are checked by their validator
		for _, ep := range eps {
			if err := etcdclient.ValidateEndpoint(ep); err != nil {
				diags.AddAttributeError(path.Root("endpoints"), "Invalid etcd endpoint", "ETCDCTL_ENDPOINTS: "+err.Error())
			}
		}
	}
	maxOps := etcdclient.DefaultMaxTxnOps
	if !m.MaxTxnOps.IsNull() {
		maxOps = int(m.MaxTxnOps.ValueInt64())
	}
	return cfg, maxOps
}

func (m providerModel) tlsConfig(diags *diag.Diagnostics) *etcdclient.TLSConfig {
	t := &etcdclient.TLSConfig{
		CAPEM:      []byte(m.CACert.ValueString()),
		CertPEM:    []byte(m.ClientCert.ValueString()),
		KeyPEM:     []byte(m.ClientKey.ValueString()),
		ServerName: m.TLSServerName.ValueString(),
		CAFile:     fileSetting(m.CACertFile, m.CACert, "ETCDCTL_CACERT"),
		CertFile:   fileSetting(m.ClientCertFile, m.ClientCert, "ETCDCTL_CERT"),
		KeyFile:    fileSetting(m.ClientKeyFile, m.ClientKey, "ETCDCTL_KEY"),
	}
	t.InsecureSkipVerify = boolSetting(m.InsecureSkipTLSVerify, "insecure_skip_tls_verify", "ETCDCTL_INSECURE_SKIP_TLS_VERIFY", diags)
	hasCert := len(t.CertPEM) > 0 || t.CertFile != ""
	hasKey := len(t.KeyPEM) > 0 || t.KeyFile != ""
	switch {
	case hasKey && !hasCert:
		diags.AddAttributeError(path.Root("client_key"), "Client key without certificate",
			"client_key or client_key_file (or ETCDCTL_KEY) is set, but neither client_cert nor client_cert_file (nor ETCDCTL_CERT): set both the certificate and its key.")
	case hasCert && !hasKey:
		diags.AddAttributeError(path.Root("client_cert"), "Client certificate without key",
			"client_cert or client_cert_file (or ETCDCTL_CERT) is set, but neither client_key nor client_key_file (nor ETCDCTL_KEY): set both the certificate and its key.")
	case hasCert && hasKey && len(t.CertPEM) > 0 && len(t.KeyPEM) > 0:
		if _, err := tls.X509KeyPair(t.CertPEM, t.KeyPEM); err != nil {
			diags.AddAttributeError(path.Root("client_key"), "Client certificate and key do not match",
				"client_cert and client_key could not be used together: "+err.Error())
		}
	}
	return t
}

// endpoints returns the configured endpoints, else those of
// ETCDCTL_ENDPOINTS, and whether they came from the environment.
func (m providerModel) endpoints(ctx context.Context) (eps []string, fromEnv bool) {
	if !m.Endpoints.IsNull() {
		_ = m.Endpoints.ElementsAs(ctx, &eps, false)
		return eps, false
	}
	for _, ep := range strings.Split(os.Getenv("ETCDCTL_ENDPOINTS"), ",") {
		if ep = strings.TrimSpace(ep); ep != "" {
			eps = append(eps, ep)
		}
	}
	return eps, true
}

// credentials returns username and password, falling back to ETCDCTL_USER
// (user or user:password) and ETCDCTL_PASSWORD.
func (m providerModel) credentials() (user, password string) {
	user, password = m.Username.ValueString(), m.Password.ValueString()
	if m.Username.IsNull() {
		envUser := os.Getenv("ETCDCTL_USER")
		if u, pw, ok := strings.Cut(envUser, ":"); ok {
			user = u
			if m.Password.IsNull() {
				password = pw
			}
		} else {
			user = envUser
		}
	}
	if m.Password.IsNull() && os.Getenv("ETCDCTL_PASSWORD") != "" {
		password = os.Getenv("ETCDCTL_PASSWORD")
	}
	return user, password
}

// fileSetting returns the configured path, or the environment's when neither
// the path nor the PEM attribute for the same thing is set.
func fileSetting(file, pem types.String, env string) string {
	if !file.IsNull() || !pem.IsNull() {
		return file.ValueString()
	}
	return os.Getenv(env)
}

func durationSetting(v types.String, attr, env string, def time.Duration, diags *diag.Diagnostics) time.Duration {
	s, from := v.ValueString(), attr
	if v.IsNull() {
		s, from = os.Getenv(env), env
	}
	if s == "" {
		return def
	}
	d, err := parseDuration(s)
	if err != nil {
		diags.AddAttributeError(path.Root(attr), "Invalid duration", fmt.Sprintf("%s: %v", from, err))
		return def
	}
	return d
}

func boolSetting(v types.Bool, attr, env string, diags *diag.Diagnostics) bool {
	if !v.IsNull() {
		return v.ValueBool()
	}
	s := os.Getenv(env)
	if s == "" {
		return false
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		diags.AddAttributeError(path.Root(attr), "Invalid boolean", fmt.Sprintf("%s=%q is not true or false", env, s))
	}
	return b
}

// parseDuration reads a Go duration such as "5s", or a bare number of
// seconds as etcdctl also accepts.
func parseDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		n, nerr := strconv.Atoi(s)
		if nerr != nil {
			return 0, fmt.Errorf("%q is not a duration such as \"5s\" or \"1m30s\"", s)
		}
		d = time.Duration(n) * time.Second
	}
	if d <= 0 {
		return 0, fmt.Errorf("%q must be longer than zero", s)
	}
	return d, nil
}
