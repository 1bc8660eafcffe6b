// Package provider implements the etcd Terraform/OpenTofu provider: the
// framework provider (the provider configuration, every data source,
// ephemeral resource, function and action, and the resources but two) and, muxed
// beside it by NewServer through terraform-plugin-mux, the etcd_prefix and
// etcd_key resources (and their list resources), written directly on
// terraform-plugin-go in the packages prefix and key over their shared
// plumbing, protocol. DESIGN.md at the repository's root says which server
// serves which type and why, and how to add an attribute or a type.
package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

var (
	_ provider.Provider                       = (*etcdProvider)(nil)
	_ provider.ProviderWithFunctions          = (*etcdProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*etcdProvider)(nil)
	_ provider.ProviderWithListResources      = (*etcdProvider)(nil)
	_ provider.ProviderWithActions            = (*etcdProvider)(nil)
)

type etcdProvider struct {
	version    string
	configured *lastConfigured
}

type providerModel struct {
	Endpoints             types.List   `tfsdk:"endpoints"`
	Username              types.String `tfsdk:"username"`
	Password              types.String `tfsdk:"password"`
	CACert                types.String `tfsdk:"ca_cert"`
	ClientCert            types.String `tfsdk:"client_cert"`
	ClientKey             types.String `tfsdk:"client_key"`
	CACertFile            types.String `tfsdk:"ca_cert_file"`
	ClientCertFile        types.String `tfsdk:"client_cert_file"`
	ClientKeyFile         types.String `tfsdk:"client_key_file"`
	InsecureSkipTLSVerify types.Bool   `tfsdk:"insecure_skip_tls_verify"`
	TLSServerName         types.String `tfsdk:"tls_server_name"`
	DialTimeout           types.String `tfsdk:"dial_timeout"`
	RequestTimeout        types.String `tfsdk:"request_timeout"`
	KeepAliveTime         types.String `tfsdk:"keepalive_time"`
	KeepAliveTimeout      types.String `tfsdk:"keepalive_timeout"`
	MaxTxnOps             types.Int64  `tfsdk:"max_txn_ops"`
	Lock                  types.Object `tfsdk:"lock"`
}

// providerLockModel is the provider's lock argument.
type providerLockModel struct {
	Key      types.String `tfsdk:"key"`
	Revision types.Int64  `tfsdk:"revision"`
}

func (p *etcdProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "etcd"
	resp.Version = p.version
}

func (p *etcdProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = providerSchema()
}

func providerSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "Manages keys, prefixes, leases, users, roles and permissions of an etcd v3 cluster. " +
			"Every setting falls back to the environment variable `etcdctl` reads.",
		Attributes: map[string]schema.Attribute{
			"endpoints": schema.ListAttribute{
				ElementType: types.StringType,
				Optional:    true,
				MarkdownDescription: "etcd client endpoints, as `host:port` or `http(s)://host:port`. An `https://` endpoint turns TLS on. " +
					"Defaults to `ETCDCTL_ENDPOINTS` (comma-separated), then `localhost:2379`.",
				Validators: []validator.List{
					listvalidator.SizeAtLeast(1),
					listvalidator.ValueStringsAre(endpointValidator{}),
				},
			},
			"username": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "User to authenticate as. Defaults to `ETCDCTL_USER`, which may also be `user:password` as etcdctl accepts it. " +
					"Leave unset for an etcd without authentication, or to authenticate by client certificate (the certificate's common name is the user).",
			},
			"password": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "Password of `username`. Defaults to `ETCDCTL_PASSWORD`, or the part after `:` in `ETCDCTL_USER`.",
			},
			"ca_cert":          pemAttribute("PEM-encoded CA certificate(s) to verify the etcd server with, instead of the system's. Conflicts with `ca_cert_file`.", false, "ca_cert_file", pemCertificate),
			"client_cert":      pemAttribute("PEM-encoded client certificate for mutual TLS. Needs `client_key` or `client_key_file`. Conflicts with `client_cert_file`.", false, "client_cert_file", pemCertificate),
			"client_key":       pemAttribute("PEM-encoded private key of the client certificate. Conflicts with `client_key_file`.", true, "client_key_file", pemPrivateKey),
			"ca_cert_file":     fileAttribute("Path to a PEM CA certificate file. Defaults to `ETCDCTL_CACERT`. Conflicts with `ca_cert`.", "ca_cert"),
			"client_cert_file": fileAttribute("Path to a PEM client certificate file. Defaults to `ETCDCTL_CERT`. Conflicts with `client_cert`.", "client_cert"),
			"client_key_file":  fileAttribute("Path to the PEM private key file of the client certificate. Defaults to `ETCDCTL_KEY`. Conflicts with `client_key`.", "client_key"),
			"insecure_skip_tls_verify": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Accept any server certificate. For testing only. Defaults to `ETCDCTL_INSECURE_SKIP_TLS_VERIFY`, then `false`.",
			},
			"tls_server_name": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Server name to verify the server certificate against, when it differs from the endpoint's host (for example when connecting by IP address).",
			},
			"dial_timeout": durationAttribute("How long to wait for connecting and authenticating, as a duration such as `\"5s\"`. Defaults to `ETCDCTL_DIAL_TIMEOUT`, then `5s`."),
			"request_timeout": durationAttribute("How long one request to etcd may take, as a duration such as `\"10s\"`. Defaults to `ETCDCTL_COMMAND_TIMEOUT`, then `10s`. " +
				"An unreachable cluster fails a plan or apply after about `dial_timeout` plus `request_timeout`."),
			"keepalive_time": durationAttribute("How long a connection to a member may stay silent before the provider pings it, as a duration (at least `\"10s\"`). " +
				"Defaults to `ETCDCTL_KEEPALIVE_TIME`, then `10s`. A member that does not answer is also detected sooner: a read or write that gets no answer " +
				"within a quarter of `request_timeout` (at most 2 s) makes the provider probe every endpoint, leave out those that do not answer, and retry on the others."),
			"keepalive_timeout": durationAttribute("How long the provider waits for a member to answer a keepalive ping before it drops the connection, as a duration. " +
				"Defaults to `ETCDCTL_KEEPALIVE_TIMEOUT`, then `6s`."),
			"max_txn_ops": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("Most operations the provider puts in one etcd transaction. Must not exceed the server's `--max-txn-ops` (default %d). "+
					"`etcd_prefix` writes larger changes in several transactions of this size. Defaults to %d.", etcdclient.DefaultMaxTxnOps, etcdclient.DefaultMaxTxnOps),
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"lock": schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: "Fence every write of this provider configuration with a lock held by `ephemeral \"etcd_lock\"`: " +
					"set it to `{ key = ephemeral.etcd_lock.<name>.key, revision = ephemeral.etcd_lock.<name>.revision }`. " +
					"Each put, delete and transaction then also checks, in the same etcd transaction, that the lock's owner key still exists with that revision, " +
					"and fails with \"the lock fencing this client is no longer held\" (writing nothing) when it does not. Lease and access-control changes are not fenced. See `etcd_lock` for the pattern.",
				Attributes: map[string]schema.Attribute{
					"key": schema.StringAttribute{
						Required:            true,
						MarkdownDescription: "The lock owner key (`ephemeral.etcd_lock.<name>.key`).",
					},
					"revision": schema.Int64Attribute{
						Required:            true,
						MarkdownDescription: "Its create revision (`ephemeral.etcd_lock.<name>.revision`).",
					},
				},
			},
		},
	}
}

func pemAttribute(desc string, sensitive bool, conflictsWith string, kind pemKind) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		Sensitive:           sensitive,
		MarkdownDescription: desc,
		Validators:          []validator.String{stringvalidator.ConflictsWith(path.MatchRoot(conflictsWith)), pemValidator{kind: kind}},
	}
}

func fileAttribute(desc, conflictsWith string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: desc,
		Validators:          []validator.String{stringvalidator.ConflictsWith(path.MatchRoot(conflictsWith))},
	}
}

func durationAttribute(desc string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: desc,
		Validators:          []validator.String{durationValidator{}},
	}
}

func (p *etcdProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	data := &ProviderData{}
	resp.ResourceData, resp.DataSourceData, resp.EphemeralResourceData, resp.ListResourceData, resp.ActionData = data, data, data, data, data
	p.configured.set(data)
	if !configKnown(req.Config.Raw) {
		// Values computed from other resources are unknown during plan; the
		// provider connects once they are known (at apply).
		data.err = fmt.Errorf("the provider configuration depends on values that are not known until apply")
		return
	}
	cfg, maxOps := m.clientConfig(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		data.err = fmt.Errorf("the provider configuration is invalid")
		return
	}
	client, err := etcdclient.New(&cfg)
	if err == nil {
		// One cheap read when no credentials are configured, so that an
		// etcd with authentication on says so here, once, rather than in
		// every resource.
		checkCtx, cancel := context.WithTimeout(ctx, cfg.DialTimeout)
		if cerr := client.CheckCredentials(checkCtx); errors.Is(cerr, etcdclient.ErrAuthRequired) {
			_ = client.Close()
			client, err = nil, cerr
		}
		cancel()
	}
	if err != nil {
		m.addConnectError(&resp.Diagnostics, err)
		data.err = err
		return
	}
	addEndpointWarnings(&resp.Diagnostics, client.EndpointProblems())
	if fence := m.fence(ctx, &resp.Diagnostics); fence != nil {
		client = client.WithFence(*fence)
	}
	data.client, data.maxTxnOps = client, maxOps
}

// fence returns the lock that fences this provider's writes, if any.
func (m providerModel) fence(ctx context.Context, diags *diag.Diagnostics) *etcdclient.Fence {
	if m.Lock.IsNull() {
		return nil
	}
	var l providerLockModel
	diags.Append(m.Lock.As(ctx, &l, basetypes.ObjectAsOptions{})...)
	if l.Key.IsUnknown() || l.Revision.IsUnknown() {
		return nil
	}
	return &etcdclient.Fence{Key: l.Key.ValueString(), Revision: l.Revision.ValueInt64()}
}

// configKnown reports whether every setting is known, so the provider can
// connect. Only the lock's key and revision may still be unknown: they
// fence writes, and there are none before apply.
func configKnown(config tftypes.Value) bool {
	var attrs map[string]tftypes.Value
	if err := config.As(&attrs); err != nil {
		return config.IsFullyKnown()
	}
	for name, v := range attrs {
		if name == "lock" && v.IsKnown() {
			continue
		}
		if !v.IsFullyKnown() {
			return false
		}
	}
	return true
}

// Resources are the framework's resources. etcd_prefix and etcd_key are not
// among them: they are served beside the framework provider on
// terraform-plugin-go (packages prefix and key, muxed in NewServer), because
// measurement showed the framework was their floor; see DESIGN.md.
func (p *etcdProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{NewLeaseResource, NewUserResource, NewRoleResource, NewRolePermissionResource, NewAuthResource, NewMemberResource}
}

func (p *etcdProvider) Functions(_ context.Context) []func() function.Function {
	return []func() function.Function{NewPrefixRangeEndFunction, NewKeyTreeFunction, NewLeaseIDHexFunction, NewFlattenFunction, NewUnflattenFunction}
}

func (p *etcdProvider) EphemeralResources(_ context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{NewLockEphemeral, NewKeyEphemeral, NewKeysEphemeral}
}

// ListResources are the framework's list resources; etcd_prefix's and
// etcd_key's are served beside the resources themselves (packages prefix
// and key).
func (p *etcdProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{NewUserList, NewRoleList, NewRolePermissionList, NewLeaseList, NewMemberList}
}

// Actions are the maintenance operations (Terraform 1.14 and later):
// action blocks, action_trigger and `terraform apply -invoke`.
func (p *etcdProvider) Actions(_ context.Context) []func() action.Action {
	return []func() action.Action{NewSnapshotAction, NewCompactAction, NewDefragAction, NewAlarmDisarmAction, NewMoveLeaderAction}
}

func (p *etcdProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{NewKeyDataSource, NewKeysDataSource, NewClusterStatusDataSource}
}
