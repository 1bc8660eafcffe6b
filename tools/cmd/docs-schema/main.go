// Command docs-schema completes the provider schema JSON that
// `tofu providers schema -json` prints for tfplugindocs: it renames the
// provider to its short name and adds the list resource and action
// schemas, which OpenTofu does not know of (Terraform shows them from 1.14
// on). It reads
// the JSON on stdin and writes it to stdout.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider"
)

const longName = "registry.opentofu.org/terraform-etcd/etcd"

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "docs-schema:", err)
		os.Exit(1)
	}
}

func run() error {
	var doc struct {
		FormatVersion   string                     `json:"format_version"`
		ProviderSchemas map[string]json.RawMessage `json:"provider_schemas"`
	}
	if err := json.NewDecoder(os.Stdin).Decode(&doc); err != nil {
		return err
	}
	raw, ok := doc.ProviderSchemas[longName]
	if !ok {
		return fmt.Errorf("no schema for %s", longName)
	}
	var schema map[string]json.RawMessage
	if err := json.Unmarshal(raw, &schema); err != nil {
		return err
	}
	lists, actions, err := servedSchemas()
	if err != nil {
		return err
	}
	if schema["list_resource_schemas"], err = json.Marshal(lists); err != nil {
		return err
	}
	if schema["action_schemas"], err = json.Marshal(actions); err != nil {
		return err
	}
	delete(doc.ProviderSchemas, longName)
	if doc.ProviderSchemas["etcd"], err = json.Marshal(schema); err != nil {
		return err
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// jsonSchema is a schema as `providers schema -json` writes it; list
// resource and action configurations only have primitive attributes.
type jsonSchema struct {
	Version int64     `json:"version"`
	Block   jsonBlock `json:"block"`
}

type jsonBlock struct {
	Attributes      map[string]jsonAttribute `json:"attributes,omitempty"`
	Description     string                   `json:"description,omitempty"`
	DescriptionKind string                   `json:"description_kind,omitempty"`
}

type jsonAttribute struct {
	Type            string `json:"type"`
	Description     string `json:"description,omitempty"`
	DescriptionKind string `json:"description_kind,omitempty"`
	Required        bool   `json:"required,omitempty"`
	Optional        bool   `json:"optional,omitempty"`
	Computed        bool   `json:"computed,omitempty"`
}

// jsonAction is an action schema as Terraform 1.14 writes it.
type jsonAction struct {
	Block jsonBlock `json:"block"`
}

// servedSchemas are the list resource and action schemas the provider
// serves.
func servedSchemas() (map[string]jsonSchema, map[string]jsonAction, error) {
	server, err := provider.NewServer("docs")()
	if err != nil {
		return nil, nil, err
	}
	resp, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		return nil, nil, err
	}
	lists := map[string]jsonSchema{}
	for name, s := range resp.ListResourceSchemas {
		b, err := block(name, s)
		if err != nil {
			return nil, nil, err
		}
		lists[name] = jsonSchema{Version: s.Version, Block: b}
	}
	actions := map[string]jsonAction{}
	for name, a := range resp.ActionSchemas {
		b, err := block(name, a.Schema)
		if err != nil {
			return nil, nil, err
		}
		actions[name] = jsonAction{Block: b}
	}
	return lists, actions, nil
}

// block is the JSON of a schema whose attributes are all primitive.
func block(name string, s *tfprotov6.Schema) (jsonBlock, error) {
	b := jsonBlock{Description: s.Block.Description, DescriptionKind: kind(s.Block.DescriptionKind), Attributes: map[string]jsonAttribute{}}
	for _, a := range s.Block.Attributes {
		typ, err := primitive(a.Type)
		if err != nil {
			return b, fmt.Errorf("%s.%s: %w", name, a.Name, err)
		}
		b.Attributes[a.Name] = jsonAttribute{Type: typ, Description: a.Description, DescriptionKind: kind(a.DescriptionKind),
			Required: a.Required, Optional: a.Optional, Computed: a.Computed}
	}
	return b, nil
}

func primitive(t tftypes.Type) (string, error) {
	switch {
	case t.Is(tftypes.String):
		return "string", nil
	case t.Is(tftypes.Bool):
		return "bool", nil
	case t.Is(tftypes.Number):
		return "number", nil
	}
	return "", fmt.Errorf("type %s is not supported here", t)
}

func kind(k tfprotov6.StringKind) string {
	if k == tfprotov6.StringKindMarkdown {
		return "markdown"
	}
	return "plain"
}
