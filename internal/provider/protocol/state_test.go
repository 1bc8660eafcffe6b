package protocol

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

var testType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
	"key":   tftypes.String,
	"value": tftypes.String,
	"rev":   tftypes.Number,
	"keys":  tftypes.Map{ElementType: tftypes.String},
}}

func upgrade(t *testing.T, json string) *tfprotov6.UpgradeResourceStateResponse {
	t.Helper()
	resp := UpgradeState("test", testType, &tfprotov6.UpgradeResourceStateRequest{RawState: &tfprotov6.RawState{JSON: []byte(json)}})
	for _, d := range resp.Diagnostics {
		t.Fatalf("%s: %s", d.Summary, d.Detail)
	}
	return resp
}

func decodeTest(t *testing.T, dv *tfprotov6.DynamicValue) tftypes.Value {
	t.Helper()
	v, err := dv.Unmarshal(testType)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// A state of the schema's attributes passes through as JSON and decodes
// as the slow path decodes it; one naming an attribute the schema no
// longer has is decoded, without that attribute.
func TestUpgradeState(t *testing.T) {
	const stored = `{"key":"/k","value":"v \" {}","rev":7,"keys":{"a":"1","b":"}"}}`
	fast := upgrade(t, stored)
	if string(fast.UpgradedState.JSON) != stored || fast.UpgradedState.MsgPack != nil {
		t.Fatalf("a state of known attributes was re-encoded: %+v", fast.UpgradedState)
	}
	slow, err := UpgradeJSON(&tfprotov6.RawState{JSON: []byte(stored)}, testType)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := decodeTest(t, fast.UpgradedState), decodeTest(t, slow); !got.Equal(want) {
		t.Fatalf("pass-through decodes as %v, the slow path as %v", got, want)
	}

	dropped := upgrade(t, `{"key":"/k","gone":{"x":1},"rev":7}`)
	if dropped.UpgradedState.JSON != nil {
		t.Fatal("a state naming a removed attribute was passed through")
	}
	want := tftypes.NewValue(testType, map[string]tftypes.Value{
		"key": tftypes.NewValue(tftypes.String, "/k"), "value": tftypes.NewValue(tftypes.String, nil),
		"rev": tftypes.NewValue(tftypes.Number, 7), "keys": tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, nil),
	})
	if got := decodeTest(t, dropped.UpgradedState); !got.Equal(want) {
		t.Fatalf("upgraded %v, want %v", got, want)
	}
	for _, bad := range []string{`null`, `[]`, `{"key":`, `{"key":"/k"} x`} {
		if namesOnlyAttributes([]byte(bad), testType) {
			t.Errorf("%s passes as a state", bad)
		}
	}
}
