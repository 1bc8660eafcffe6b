package prefix

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// This file holds what lets etcd_prefix hold every byte etcd can: values in
// keys_base64, and the diagnostics that say which key does not fit a text
// attribute and what to use instead.

// decodeBase64Keys decodes the values of keys_base64.
func decodeBase64Keys(enc map[string]string) (map[string]string, error) {
	out := make(map[string]string, len(enc))
	for rel, v := range enc {
		b, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			return nil, fmt.Errorf("keys_base64[%q] is not standard base64 (as base64encode and filebase64 produce): %w", rel, err)
		}
		out[rel] = string(b)
	}
	return out, nil
}

// encodeBase64Keys renders raw values as keys_base64 elements.
func encodeBase64Keys(keys map[string]string) map[string]tftypes.Value {
	elems := make(map[string]tftypes.Value, len(keys))
	for rel, v := range keys {
		elems[rel] = tftypes.NewValue(tftypes.String, base64.StdEncoding.EncodeToString([]byte(v)))
	}
	return elems
}

// badKeyName reports a key under the prefix whose name is not UTF-8 text:
// Terraform map keys are strings, so no etcd_prefix attribute can name it.
// The key is shown escaped, as Go quotes it.
func badKeyName(key string) error {
	return fmt.Errorf("the key %s has a name that is not valid UTF-8 text, so no etcd_prefix attribute can hold it (Terraform map keys are text). "+
		"Manage it with etcd_key and value_base64, delete or rename it, or use a prefix that does not cover it with exclusive = true, or exclusive = false", escapedKey(key))
}

// escapedKey quotes a key with Go escapes, so that invalid bytes show as \xNN.
func escapedKey(key string) string { return fmt.Sprintf("%+q", key) }

// binaryValuesError reports values a text attribute (keys or keys_json)
// cannot hold, naming the first few keys and the attribute to switch to.
func binaryValuesError(prefix string, keys map[string]string, attr string) error {
	var binary []string
	for rel, v := range keys {
		if !utf8.ValidString(v) {
			binary = append(binary, rel)
		}
	}
	if len(binary) == 0 {
		return nil
	}
	slices.Sort(binary)
	const shown = 5
	names := make([]string, 0, shown+1)
	for _, rel := range binary[:min(shown, len(binary))] {
		names = append(names, escapedKey(prefix+rel))
	}
	if len(binary) > shown {
		names = append(names, fmt.Sprintf("and %d more", len(binary)-shown))
	}
	return fmt.Errorf("the value of %s is not UTF-8 text, which %s cannot hold. Switch this etcd_prefix from %s to keys_base64 "+
		"(a map of relative key to base64 value, such as { %q = base64encode(...) }): keys_base64 holds any bytes",
		strings.Join(names, ", "), attr, attr, binary[0])
}

// textAttr names the attribute that holds st's keys as text; "" when they
// are held as base64.
func (s *state) textAttr() string {
	switch {
	case s.Base64, s.WriteOnly: // any bytes; a write-only value is never shown
		return ""
	case s.JSON:
		return "keys_json"
	}
	return "keys"
}

// elementKnown reports whether the map element rel of v is known.
func elementKnown(v tftypes.Value, rel string) bool {
	var elems map[string]tftypes.Value
	if v.As(&elems) != nil {
		return false
	}
	return elems[rel].IsKnown()
}
