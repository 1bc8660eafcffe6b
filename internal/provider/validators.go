package provider

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

// endpointValidator accepts host:port or an http(s):// URL.
type endpointValidator struct{}

func (endpointValidator) Description(context.Context) string {
	return "must be host:port or an http(s):// URL"
}

func (v endpointValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (endpointValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := etcdclient.ValidateEndpoint(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid etcd endpoint", err.Error())
	}
}

// durationValidator accepts what parseDuration accepts.
type durationValidator struct{}

func (durationValidator) Description(context.Context) string {
	return `must be a duration such as "5s" or "1m30s"`
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := parseDuration(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration", err.Error())
	}
}

type pemKind int

const (
	pemCertificate pemKind = iota
	pemPrivateKey
)

// pemValidator checks that a value is PEM of the expected kind. Its messages
// never quote the value, which may be a private key.
type pemValidator struct{ kind pemKind }

func (v pemValidator) Description(context.Context) string {
	if v.kind == pemPrivateKey {
		return "must be a PEM-encoded private key"
	}
	return "must be PEM-encoded certificates"
}

func (v pemValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v pemValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := checkPEM([]byte(req.ConfigValue.ValueString()), v.kind); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid PEM", err.Error())
	}
}

func checkPEM(data []byte, kind pemKind) error {
	block, _ := pem.Decode(data)
	if block == nil {
		return errors.New("no PEM block found: paste the whole PEM text including the -----BEGIN ...----- and -----END ...----- lines, or use the *_file attribute for a path")
	}
	if kind == pemPrivateKey {
		if !strings.Contains(block.Type, "PRIVATE KEY") {
			return fmt.Errorf("the PEM block is a %q, not a private key", block.Type)
		}
		return nil
	}
	if block.Type != "CERTIFICATE" {
		return fmt.Errorf("the PEM block is a %q, not a CERTIFICATE", block.Type)
	}
	if _, err := x509.ParseCertificate(block.Bytes); err != nil {
		return fmt.Errorf("the certificate cannot be parsed: %w", err)
	}
	return nil
}
