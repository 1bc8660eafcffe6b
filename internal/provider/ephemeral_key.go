package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var _ ephemeral.EphemeralResourceWithConfigure = (*keyEphemeral)(nil)

// NewKeyEphemeral returns the etcd_key ephemeral resource: the data source
// etcd_key for secrets, read on every run and never stored.
func NewKeyEphemeral() ephemeral.EphemeralResource { return &keyEphemeral{} }

type keyEphemeral struct {
	data *ProviderData
}

func (e *keyEphemeral) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_key"
}

func (e *keyEphemeral) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one etcd key, now or as it was at a past revision, without storing it: the value is in no state and no plan file. " +
			"Use it to feed a secret kept in etcd to a write-only argument (such as `etcd_key.value_wo` or `etcd_user.password_wo`) or to another provider's configuration. " +
			"Needs Terraform 1.10+ or OpenTofu 1.11+. See the guide \"Secrets in etcd\".\n\n" +
			"To read back a key the same configuration writes, set `key = etcd_key.<name>.id`: the id is unknown until the key is created, so the read waits for the apply. " +
			"Terraform opens an ephemeral resource whose arguments are known while it plans, even with `depends_on`, so `key = etcd_key.<name>.key` or a literal key fails there on the first apply (the key does not exist yet); OpenTofu waits for the write either way.",
		Attributes: map[string]schema.Attribute{
			"key": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The key to read.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"revision": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "Read the key as it was at this etcd revision. Fails when etcd has compacted that revision away. Unset reads the current value.",
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"must_exist": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "When `true` (the default) a missing key is an error. When `false`, a missing key gives `exists = false` and null values.",
			},
			"value":           schema.StringAttribute{Computed: true, Sensitive: true, MarkdownDescription: "The value as text; null when it is not valid UTF-8 (use `value_base64`) or the key does not exist."},
			"value_base64":    schema.StringAttribute{Computed: true, Sensitive: true, MarkdownDescription: "The value in standard base64, whatever its bytes."},
			"exists":          schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the key exists (at `revision`, when set)."},
			"create_revision": schema.Int64Attribute{Computed: true, MarkdownDescription: "The revision at which the key was created."},
			"mod_revision":    schema.Int64Attribute{Computed: true, MarkdownDescription: "The revision of the key's last write."},
			"version":         schema.Int64Attribute{Computed: true, MarkdownDescription: "How many times the key was written since it was created."},
			"lease_id":        schema.Int64Attribute{Computed: true, MarkdownDescription: "The lease the key is attached to; null when none."},
		},
	}
}

func (e *keyEphemeral) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (e *keyEphemeral) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m keyDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	client := e.data.clientOrDiag(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || client == nil {
		return
	}
	if readKeyInto(ctx, client, &m, &resp.Diagnostics) {
		resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
	}
}
