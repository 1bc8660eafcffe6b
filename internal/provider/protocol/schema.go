package protocol

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// ObjectType is the type of a resource's object under its schema, so that
// each attribute's name and type are written once, in the schema.
func ObjectType(s *tfprotov6.Schema) tftypes.Object {
	typ, ok := s.ValueType().(tftypes.Object)
	if !ok {
		panic(fmt.Sprintf("a schema's value type is %T, not an object", s.ValueType()))
	}
	return typ
}

// ComputedAttributes are the names of the schema's attributes that only the
// provider sets (computed and not optional), in schema order.
func ComputedAttributes(s *tfprotov6.Schema) []string {
	var names []string
	for _, a := range s.Block.Attributes {
		if a.Computed && !a.Optional {
			names = append(names, a.Name)
		}
	}
	return names
}

// WithNulls sets every attribute of typ that attrs lacks to null (such as a
// write-only attribute, never in a state) and returns attrs.
func WithNulls(typ tftypes.Object, attrs map[string]tftypes.Value) map[string]tftypes.Value {
	for name, t := range typ.AttributeTypes {
		if _, ok := attrs[name]; !ok {
			attrs[name] = tftypes.NewValue(t, nil)
		}
	}
	return attrs
}
