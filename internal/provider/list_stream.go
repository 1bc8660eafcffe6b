package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

// listStream is what every list resource's List has in common: the
// request and a push that stops at the request's limit.
type listStream struct {
	req    list.ListRequest
	push   func(list.ListResult) bool
	pushed int64
}

// emit pushes one result and reports whether Terraform wants more.
func (s *listStream) emit(r list.ListResult) bool {
	if !s.push(r) {
		return false
	}
	s.pushed++
	return s.req.Limit <= 0 || s.pushed < s.req.Limit
}

// fail pushes one result that carries only an error.
func (s *listStream) fail(summary, detail string) {
	var diags diag.Diagnostics
	diags.AddError(summary, detail)
	s.push(list.ListResult{Diagnostics: diags})
}

// failAuth pushes an error from the auth API (see addAuthError).
func (s *listStream) failAuth(summary string, err error) {
	var diags diag.Diagnostics
	addAuthError(&diags, summary, err)
	s.push(list.ListResult{Diagnostics: diags})
}

// streamList sets stream.Results to run walk over a listStream once
// Terraform reads the results, after decoding the configuration into
// config and reaching the client; problems with either become the one
// result of the stream.
func streamList[C any](ctx context.Context, data *ProviderData, req list.ListRequest, stream *list.ListResultsStream,
	config *C, check func(*C, *diag.Diagnostics), walk func(*etcdclient.Client, *listStream),
) {
	var diags diag.Diagnostics
	diags.Append(req.Config.Get(ctx, config)...)
	if !diags.HasError() && check != nil {
		check(config, &diags)
	}
	client := data.clientOrDiag(&diags)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	stream.Results = func(push func(list.ListResult) bool) {
		walk(client, &listStream{req: req, push: push})
	}
}

// stringIdentityResult is a list result for a resource whose identity is
// one string attribute.
func stringIdentityResult(ctx context.Context, req list.ListRequest, attr, value string) list.ListResult {
	r := req.NewListResult(ctx)
	r.DisplayName = value
	r.Diagnostics.Append(r.Identity.SetAttribute(ctx, path.Root(attr), value)...)
	return r
}
