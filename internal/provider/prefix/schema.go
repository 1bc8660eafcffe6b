package prefix

import (
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/protocol"
)

// TypeName is the resource type this package serves.
const TypeName = "etcd_prefix"

var (
	keysType    = tftypes.Map{ElementType: tftypes.String}
	excludeType = tftypes.Set{ElementType: tftypes.String}
	// objectType and computed follow from the schema: an attribute is
	// named once, in resourceSchema.
	objectType = protocol.ObjectType(resourceSchema())
	computed   = protocol.ComputedAttributes(resourceSchema())

	prefixPath    = tftypes.NewAttributePath().WithAttributeName("prefix")
	keysPath      = tftypes.NewAttributePath().WithAttributeName("keys")
	keysJSONPath  = tftypes.NewAttributePath().WithAttributeName("keys_json")
	base64Path    = tftypes.NewAttributePath().WithAttributeName("keys_base64")
	woVersionPath = tftypes.NewAttributePath().WithAttributeName("keys_wo_version")
	excludePath   = tftypes.NewAttributePath().WithAttributeName("exclude")
)

func resourceSchema() *tfprotov6.Schema {
	md := tfprotov6.StringKindMarkdown
	return &tfprotov6.Schema{
		Version: 0,
		Block: &tfprotov6.SchemaBlock{
			DescriptionKind: md,
			Description: "Manages the keys under one etcd key prefix as a single resource. " +
				"With `exclusive = true` (the default) the resource owns everything under the prefix but what `exclude` lists: keys not listed show as drift, by name and size but never by value, and are deleted. " +
				"Writes go in transactions of at most the provider's `max_txn_ops` operations, so any number of keys can be applied.",
			Attributes: []*tfprotov6.SchemaAttribute{
				{Name: "id", Type: tftypes.String, Computed: true, DescriptionKind: md,
					Description: "The prefix."},
				{Name: "prefix", Type: tftypes.String, Required: true, DescriptionKind: md,
					Description: "The key prefix, such as `/app/config/`. Every managed key is this prefix followed by a relative key. " +
						"End it with `/`: a prefix `/app` also matches `/apple`. Changing it replaces the resource."},
				{Name: "keys", Type: keysType, Optional: true, DescriptionKind: md,
					Description: "Map of key, relative to `prefix`, to value. Exactly one of `keys`, `keys_json`, `keys_base64` and `keys_wo` must be set; `keys = {}` declares an empty prefix. " +
						"The values are stored in the state in plain text: use `keys_wo` for secrets."},
				{Name: "keys_json", Type: tftypes.String, Optional: true, DescriptionKind: md,
					Description: "The same as `keys`, as a JSON object of relative key to string value, such as `file(\"config.json\")`. " +
						"Compared by content, so key order and whitespace never cause a diff; drift shows as a JSON diff. " +
						"Much faster than `keys` for tens of thousands of keys, because Terraform handles one string instead of one value per key."},
				{Name: "keys_base64", Type: keysType, Optional: true, DescriptionKind: md,
					Description: "The same as `keys`, with every value in standard base64, for keyspaces holding binary values (serialized protobufs, DER certificates, compressed blobs), " +
						"for example `{ \"ca.der\" = filebase64(\"ca.der\") }`. Import chooses `keys_base64` when any value under the prefix is not UTF-8 text, and `keys` otherwise. " +
						"Key names must still be UTF-8 text, as every Terraform map key is."},
				{Name: "keys_wo", Type: keysType, Optional: true, WriteOnly: true, Sensitive: true, DescriptionKind: md,
					Description: "Write-only (Terraform 1.11+ / OpenTofu 1.11+): the same as `keys`, for secrets. The values are written to etcd but never stored in the state or in plan files. " +
						"Terraform keeps only the key names and one salted argon2id fingerprint of the whole map in the resource's private state, so a value changed, added or deleted in etcd still shows on the next plan " +
						"(as an update of `keys_wo_revision`, with a warning naming the keys, never the values) and apply writes the configured values back. " +
						"The map is written when the resource is created, whenever `keys_wo_version` changes, whenever the set of key names changes, and whenever etcd no longer holds what was written (drift). " +
						"Changing only a value does nothing: change `keys_wo_version` too. See the guide \"Secrets in etcd\"."},
				{Name: "keys_wo_version", Type: tftypes.Number, Optional: true, DescriptionKind: md,
					Description: "Any number; change it (for example increment it) to write `keys_wo` again. Requires `keys_wo`."},
				{Name: "keys_wo_revision", Type: tftypes.Number, Computed: true, DescriptionKind: md,
					Description: "With `keys_wo`: the etcd revision at which Terraform last wrote the map. Planned as unknown when `keys_wo` is to be written again (new `keys_wo_version`, new key names, or drift). Null otherwise."},
				{Name: "exclusive", Type: tftypes.Bool, Optional: true, Computed: true, DescriptionKind: md,
					Description: "When `true` (the default), the resource owns every key under `prefix`: unlisted keys are drift and are deleted on apply, and destroy deletes the whole prefix. " +
						"When `false`, only the listed keys are read, written and destroyed; other keys under the prefix are left alone."},
				{Name: "exclude", Type: excludeType, Optional: true, DescriptionKind: md,
					Description: "Relative keys (`\"db/password\"`) and sub-prefixes ending in `/` (`\"secrets/\"`) under `prefix` that this resource leaves to others: it never reads, shows, writes or deletes them, " +
						"so an `etcd_key` (with `value_wo`, say) or another `etcd_prefix` can manage them without the two fighting. With `exclusive = true` the resource then owns everything under the prefix except these. " +
						"An entry without a trailing `/` excludes exactly that key. A declared key may not be excluded, and no entry may lie under an excluded sub-prefix. Requires `exclusive = true`."},
				{Name: "delete_on_destroy", Type: tftypes.Bool, Optional: true, DescriptionKind: md,
					Description: "When `false`, destroying this resource (or removing it from the configuration) leaves every key under the prefix in etcd as it is and only removes the resource from the Terraform state. " +
						"Defaults to `true`: destroy deletes the keys (the whole prefix when `exclusive`). The setting in effect is the one in the state, so apply a change to `false` before the destroy it is meant for."},
			},
		},
	}
}

// identity is etcd_prefix's identity: its prefix.
var identity = protocol.NewStringIdentity(TypeName, "prefix", "The key prefix.")
