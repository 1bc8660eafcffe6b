package key

import (
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/protocol"
)

// TypeName is the resource type this package serves.
const TypeName = "etcd_key"

var (
	// objectType and computed follow from the schema: an attribute is
	// named once, in resourceSchema.
	objectType = protocol.ObjectType(resourceSchema())
	computed   = protocol.ComputedAttributes(resourceSchema())

	keyPath       = tftypes.NewAttributePath().WithAttributeName("key")
	leaseIDPath   = tftypes.NewAttributePath().WithAttributeName("lease_id")
	woVersionPath = tftypes.NewAttributePath().WithAttributeName("value_wo_version")
)

// identity is etcd_key's identity: its key.
var identity = protocol.NewStringIdentity(TypeName, "key", "The key.")

func resourceSchema() *tfprotov6.Schema {
	md := tfprotov6.StringKindMarkdown
	return &tfprotov6.Schema{
		Version: 0,
		Block: &tfprotov6.SchemaBlock{
			DescriptionKind: md,
			Description: "One etcd key and its value. Creating fails if the key already exists with another value or lease (import it instead); a key that already holds exactly the configured value and lease, as an interrupted apply leaves it, is adopted. " +
				"Updates are guarded by the key's `mod_revision` from the last refresh, so a change made by someone else in between is never overwritten: the apply fails instead.\n\n" +
				"For secrets, set `value_wo` instead of `value`: the value is written to etcd but never stored in the state or in plan files. " +
				"Terraform keeps only a salted argon2id fingerprint of it in the resource's private state, so a value changed in etcd still shows on the next plan (as an update of `mod_revision`, with a warning naming the key) and apply writes it back. See the guide \"Secrets in etcd\".",
			Attributes: []*tfprotov6.SchemaAttribute{
				{Name: "create_revision", Type: tftypes.Number, Computed: true, DescriptionKind: md,
					Description: "The etcd revision at which the key was created."},
				{Name: "delete_on_destroy", Type: tftypes.Bool, Optional: true, DescriptionKind: md,
					Description: "When `false`, destroying this resource (or removing it from the configuration) leaves the key and its value in etcd and only removes it from the Terraform state. " +
						"Defaults to `true`: destroy deletes the key. The setting in effect is the one in the state, so apply a change to `false` before the destroy it is meant for."},
				{Name: "id", Type: tftypes.String, Computed: true, DescriptionKind: md,
					Description: "The key; unknown until the key is created, so an ephemeral `etcd_key` or `etcd_keys` keyed on it reads it after it is written."},
				{Name: "key", Type: tftypes.String, Required: true, DescriptionKind: md,
					Description: "The key, such as `/app/config/db_host`. Changing it replaces the resource."},
				{Name: "lease_id", Type: tftypes.Number, Optional: true, DescriptionKind: md,
					Description: "Attach the key to this lease (`etcd_lease.<name>.lease_id`). The key is deleted when the lease expires or is revoked. " +
						"Unset means no lease; changing it re-attaches the key."},
				{Name: "mod_revision", Type: tftypes.Number, Computed: true, DescriptionKind: md,
					Description: "The etcd revision of the key's last write. The next update only happens if the key still has this revision."},
				{Name: "value", Type: tftypes.String, Optional: true, DescriptionKind: md,
					Description: "The value as text. May be empty. Exactly one of `value`, `value_base64` and `value_wo` must be set. It is stored in the state in plain text: use `value_wo` for secrets."},
				{Name: "value_base64", Type: tftypes.String, Optional: true, DescriptionKind: md,
					Description: "The value as standard base64, for binary data (for example `filebase64(\"cert.der\")`)."},
				// Not Sensitive: a write-only value never reaches the state or a
				// plan, so the flag hides nothing, while Terraform's local state
				// (rewritten after every resource it applies) carries the flag's
				// sensitive_attributes entry for every etcd_key: destroying 500
				// keys through Terraform 1.11.4 took 13.6 s with the flag and
				// 11.9 s without (BENCHMARKS.md, "Side by side again").
				{Name: "value_wo", Type: tftypes.String, Optional: true, WriteOnly: true, DescriptionKind: md,
					Description: "The value as text, write-only: it is written to etcd but never stored in the state or in plan files. Needs Terraform 1.11+ or OpenTofu 1.11+; plans show it as `(write-only attribute)` (it is not also marked sensitive: it is never stored or shown). " +
						"It is written when the key is created, whenever `value_wo_version` changes, and whenever the value in etcd no longer matches the one last written (drift). " +
						"Changing only `value_wo` does nothing: change `value_wo_version` too. Binary data: `value_wo = base64decode(...)` cannot hold it, store such secrets as text (for example base64)."},
				{Name: "value_wo_version", Type: tftypes.Number, Optional: true, DescriptionKind: md,
					Description: "Any number; change it (for example increment it) to write `value_wo` again. Requires `value_wo`."},
				{Name: "version", Type: tftypes.Number, Computed: true, DescriptionKind: md,
					Description: "How many times the key was written since it was created."},
			},
		},
	}
}
