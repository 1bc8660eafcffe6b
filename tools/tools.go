//go:build generate

// Package tools pins the code generators that `make generate` runs: it
// formats the examples and regenerates docs/ from the schemas, templates/
// and examples/ (see scripts/tfplugindocs.sh for how tfplugindocs runs
// offline with the repository's OpenTofu binary).
package tools

import (
	_ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
)

// Format the examples.
//go:generate ../.bin/tofu fmt -recursive ../examples/

// Generate the documentation.
//go:generate ../scripts/tfplugindocs.sh
