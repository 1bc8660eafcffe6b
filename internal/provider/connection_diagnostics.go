package provider

import (
	"errors"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

// setting names the provider setting at fault: the attribute when the
// configuration sets it (so the diagnostic points there), else how it is
// given (an environment variable, or the attribute to add).
type setting struct {
	name string
	attr bool
}

// pick returns the first configured of attrs, else the environment
// variable env when it is set, else the first attribute (to add).
func (m providerModel) pick(env string, attrs ...string) setting {
	for _, a := range attrs {
		if m.attrSet(a) {
			return setting{a, true}
		}
	}
	if env != "" && envSet(env) {
		return setting{env, false}
	}
	return setting{attrs[0], false}
}

func (m providerModel) attrSet(attr string) bool {
	switch attr {
	case "endpoints":
		return !m.Endpoints.IsNull()
	case "username":
		return !m.Username.IsNull()
	case "password":
		return !m.Password.IsNull()
	case "ca_cert":
		return !m.CACert.IsNull()
	case "ca_cert_file":
		return !m.CACertFile.IsNull()
	case "client_cert":
		return !m.ClientCert.IsNull()
	case "client_cert_file":
		return !m.ClientCertFile.IsNull()
	case "tls_server_name":
		return !m.TLSServerName.IsNull()
	}
	return false
}

// addConnectError turns what etcdclient.New or CheckCredentials returned
// into one diagnostic on the provider configuration, whose summary names
// the cause and the setting to change. Configure fails with it, so it is
// reported once per run, before any resource is read.
func (m providerModel) addConnectError(diags *diag.Diagnostics, err error) {
	var s setting
	var summary, fix string
	switch {
	case errors.Is(err, etcdclient.ErrServerCertUntrusted):
		s = m.pick("ETCDCTL_CACERT", "ca_cert_file", "ca_cert")
		summary = "etcd server certificate not trusted: check " + s.name
		fix = "Set ca_cert_file (a path) or ca_cert (PEM text), or ETCDCTL_CACERT, to the CA certificate that issued the server's certificate (its issuer is named above). " +
			"If the certificate has expired or is not valid yet, renew it on the server, or check this machine's clock."
	case errors.Is(err, etcdclient.ErrServerNameMismatch):
		s = m.pick("", "tls_server_name", "endpoints")
		summary = "etcd server certificate is not for this name: set tls_server_name"
		fix = "Write the endpoint with one of the names the certificate holds (listed above), or set tls_server_name to one of them."
	case errors.Is(err, etcdclient.ErrClientCertRequired):
		s = m.pick("ETCDCTL_CERT", "client_cert_file", "client_cert")
		summary = "etcd requires a client certificate: set client_cert_file and client_key_file"
		fix = "Set client_cert_file and client_key_file (paths), or client_cert and client_key (PEM text), or ETCDCTL_CERT and ETCDCTL_KEY, " +
			"to a client certificate and key issued by a CA the server trusts (its --trusted-ca-file)."
	case errors.Is(err, etcdclient.ErrClientCertRejected):
		s = m.pick("ETCDCTL_CERT", "client_cert_file", "client_cert")
		summary = "etcd rejected the client certificate: check " + s.name + " and its key"
		fix = "Use a client certificate and key (client_cert_file and client_key_file, client_cert and client_key, or ETCDCTL_CERT and ETCDCTL_KEY) " +
			"issued by a CA in the server's --trusted-ca-file, valid now, and made for client authentication."
	case errors.Is(err, etcdclient.ErrTLSToPlainServer):
		s = m.pick("ETCDCTL_ENDPOINTS", "endpoints")
		summary = "etcd endpoint serves plain text, not TLS: use http:// in " + s.name
		fix = "Write the endpoint as http://host:port and drop the TLS settings (ca_cert, client_cert, client_key and their _file forms), or turn TLS on in the server."
	case errors.Is(err, etcdclient.ErrPlainToTLSServer):
		s = m.pick("ETCDCTL_ENDPOINTS", "endpoints")
		summary = "etcd endpoint serves TLS: use https:// in " + s.name
		fix = "Write the endpoint as https://host:port, and set ca_cert_file (or ca_cert) to the CA that issued the server's certificate."
	case errors.Is(err, etcdclient.ErrAuthFailed):
		s = m.pick("ETCDCTL_PASSWORD", "password", "username")
		summary = "etcd rejected the username or password: check username and password"
		fix = "Check username and password (or ETCDCTL_USER and ETCDCTL_PASSWORD). etcd answers the same for a user that does not exist and for a wrong password; " +
			"`etcdctl user list` as root shows the users."
	case errors.Is(err, etcdclient.ErrAuthRequired):
		s = m.pick("ETCDCTL_USER", "username")
		summary = "etcd requires authentication: set username and password"
		fix = "Set username and password (or ETCDCTL_USER and ETCDCTL_PASSWORD) to an etcd user, " +
			"or configure a client certificate (client_cert_file and client_key_file) whose common name is an etcd user."
	default:
		diags.AddError("Cannot connect to etcd", err.Error())
		return
	}
	detail := err.Error() + "\n\n" + fix
	if s.attr {
		diags.AddAttributeError(path.Root(s.name), summary, detail)
		return
	}
	diags.AddError(summary, detail)
}

// addEndpointWarnings warns about each endpoint etcdclient left out because
// of a connection mistake while others work.
func addEndpointWarnings(diags *diag.Diagnostics, problems []error) {
	for _, p := range problems {
		summary := "etcd endpoint left out"
		var e *etcdclient.Error
		if errors.As(p, &e) && e.Kind != nil {
			summary = "etcd endpoint " + strings.TrimPrefix(e.Subject, "to endpoint ") + " left out: " + e.Kind.Error()
		}
		diags.AddAttributeWarning(path.Root("endpoints"), summary,
			p.Error()+"\n\nThe other endpoints work, so the provider goes on without this one. Fix its setting, or remove it from endpoints.")
	}
}

func envSet(name string) bool { return os.Getenv(name) != "" }
