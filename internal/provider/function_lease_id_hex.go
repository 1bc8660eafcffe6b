package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

var _ function.Function = (*leaseIDHexFunction)(nil)

// NewLeaseIDHexFunction returns provider::etcd::lease_id_hex.
func NewLeaseIDHexFunction() function.Function { return &leaseIDHexFunction{} }

type leaseIDHexFunction struct{}

func (f *leaseIDHexFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "lease_id_hex"
}

func (f *leaseIDHexFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary:             "A lease ID in hexadecimal, as etcdctl prints it",
		MarkdownDescription: "Formats a lease ID (such as `etcd_lease.x.lease_id` or `data.etcd_key.x.lease_id`) in lower-case hexadecimal without `0x`, as `etcdctl lease list` prints it.",
		Parameters: []function.Parameter{
			function.Int64Parameter{Name: "lease_id", MarkdownDescription: "The lease ID, a positive number."},
		},
		Return: function.StringReturn{},
	}
}

func (f *leaseIDHexFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var id int64
	resp.Error = req.Arguments.Get(ctx, &id)
	if resp.Error != nil {
		return
	}
	if id <= 0 {
		resp.Error = function.NewArgumentFuncError(0, "lease_id must be a positive number; etcd lease IDs are never zero or negative")
		return
	}
	resp.Error = resp.Result.Set(ctx, etcdclient.LeaseID(id).Hex())
}
