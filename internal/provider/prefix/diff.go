package prefix

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
)

// diffOps returns the writes that turn have into want, in key order: puts
// for keys that are new or changed, deletes for keys that are gone. Keys are
// relative to prefix. Each write carries the lost-update guard: a new key
// must still not exist; a changed or deleted key must not have been written
// after guardRev (0: no guard on existing keys).
func diffOps(prefix string, have, want map[string]string, guardRev int64) []etcdclient.Op {
	var ops []etcdclient.Op
	for rel, value := range want {
		old, exists := have[rel]
		switch {
		case !exists:
			ops = append(ops, etcdclient.Op{Key: prefix + rel, Value: value, MustNotExist: true})
		case old != value:
			ops = append(ops, etcdclient.Op{Key: prefix + rel, Value: value, MaxModRevision: guardRev})
		}
	}
	for rel := range have {
		if _, keep := want[rel]; !keep {
			ops = append(ops, etcdclient.Op{Key: prefix + rel, Delete: true, MaxModRevision: guardRev})
		}
	}
	slices.SortFunc(ops, func(a, b etcdclient.Op) int { return strings.Compare(a.Key, b.Key) })
	return ops
}

// applyOps returns have with ops applied: what etcd holds after they were
// committed. It does not modify have.
func applyOps(prefix string, have map[string]string, ops []etcdclient.Op) map[string]string {
	out := maps.Clone(have)
	if out == nil {
		out = make(map[string]string, len(ops))
	}
	for _, op := range ops {
		rel := strings.TrimPrefix(op.Key, prefix)
		if op.Delete {
			delete(out, rel)
		} else {
			out[rel] = op.Value
		}
	}
	return out
}

// parseKeysJSON reads a keys_json value: a JSON object of relative key to
// string value. A fast reader takes the usual input; whatever it is not
// sure of, errors included, is read by decodeKeysJSON.
func parseKeysJSON(s string) (map[string]string, error) {
	if m, ok := scanKeysJSON(s); ok {
		return m, nil
	}
	return decodeKeysJSON(s)
}

// decodeKeysJSON is parseKeysJSON with encoding/json only: the reference
// for what keys_json accepts, and the source of its error messages.
func decodeKeysJSON(s string) (map[string]string, error) {
	var m map[string]string
	dec := json.NewDecoder(strings.NewReader(s))
	if err := dec.Decode(&m); err != nil {
		return nil, keysJSONError(s)
	}
	if dec.More() {
		return nil, errors.New("keys_json must hold exactly one JSON object; there is more after it")
	}
	if m == nil {
		return nil, errors.New("keys_json must be a JSON object, not null")
	}
	return m, nil
}

// canonicalKeysJSON renders keys as compact JSON with sorted keys.
func canonicalKeysJSON(keys map[string]string) string {
	b, err := json.Marshal(keys) // maps marshal with sorted keys
	if err != nil {
		panic(err) // a map of strings always marshals
	}
	return string(b)
}

// sameKeysJSON reports whether two keys_json texts hold the same keys and
// values, whatever their order and whitespace, parsing them with parse.
func sameKeysJSON(a, b string, parse keysJSONParser) bool {
	if a == b {
		return true
	}
	ma, err := parse(a)
	if err != nil {
		return false
	}
	mb, err := parse(b)
	return err == nil && maps.Equal(ma, mb)
}

// keysJSONParser is parseKeysJSON or a memo of it; the maps it returns are
// read, never changed.
type keysJSONParser func(string) (map[string]string, error)

// memoParse returns parseKeysJSON remembering its results, for one plan:
// keepPriorJSON and changeSummary read the same texts, and a parse of a
// 1,000,000-key keys_json costs about a second.
func memoParse() keysJSONParser {
	type parsed struct {
		keys map[string]string
		err  error
	}
	seen := map[string]parsed{}
	return func(s string) (map[string]string, error) {
		if p, ok := seen[s]; ok {
			return p.keys, p.err
		}
		keys, err := parseKeysJSON(s)
		seen[s] = parsed{keys, err}
		return keys, err
	}
}

// keysJSONError explains why keys_json is not an object of strings: which
// key holds which JSON type, or what the value is instead of an object.
func keysJSONError(s string) error {
	const fix = "keys_json takes strings only, such as {\"db/host\": \"10.0.0.1\", \"db/port\": \"5432\"}: " +
		"quote numbers and booleans (tostring() in HCL), or flatten nested objects into keys with provider::etcd::flatten."
	var raw any
	if json.Unmarshal([]byte(s), &raw) != nil {
		return fmt.Errorf("keys_json is not valid JSON. %s", fix)
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		return fmt.Errorf("keys_json must be a JSON object, not %s. %s", jsonTypeName(raw), fix)
	}
	var bad []string
	for k, v := range obj {
		if _, ok := v.(string); !ok {
			bad = append(bad, k)
		}
	}
	if len(bad) == 0 {
		return fmt.Errorf("keys_json must be a JSON object of strings. %s", fix)
	}
	slices.Sort(bad)
	const shown = 5
	parts := make([]string, 0, shown+1)
	for _, k := range bad[:min(shown, len(bad))] {
		parts = append(parts, fmt.Sprintf("%q is %s", k, jsonTypeName(obj[k])))
	}
	if len(bad) > shown {
		parts = append(parts, fmt.Sprintf("and %d more are not strings", len(bad)-shown))
	}
	return fmt.Errorf("keys_json values must be strings, but %s. %s", strings.Join(parts, ", "), fix)
}

// jsonTypeName names the JSON type of a decoded value, with an article.
func jsonTypeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case float64:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return "not a string"
}
