package protocol

import (
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func TestObjectTypeAndComputedAttributes(t *testing.T) {
	s := &tfprotov6.Schema{Block: &tfprotov6.SchemaBlock{Attributes: []*tfprotov6.SchemaAttribute{
		{Name: "id", Type: tftypes.String, Computed: true},
		{Name: "name", Type: tftypes.String, Required: true},
		{Name: "tags", Type: tftypes.Map{ElementType: tftypes.String}, Optional: true},
		{Name: "mode", Type: tftypes.Bool, Optional: true, Computed: true},
		{Name: "revision", Type: tftypes.Number, Computed: true},
	}}}
	want := tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"id": tftypes.String, "name": tftypes.String, "tags": tftypes.Map{ElementType: tftypes.String},
		"mode": tftypes.Bool, "revision": tftypes.Number,
	}}
	if got := ObjectType(s); !got.Equal(want) {
		t.Errorf("ObjectType = %s, want %s", got, want)
	}
	// Optional and computed (mode) is the user's to set: not listed.
	if got := ComputedAttributes(s); !slices.Equal(got, []string{"id", "revision"}) {
		t.Errorf("ComputedAttributes = %q, want id and revision", got)
	}
}
