package prefix

import (
	"fmt"
	"maps"
	"strings"
	"testing"
)

// keysJSONSeeds are inputs at every edge of what keys_json accepts.
var keysJSONSeeds = []string{
	"", " ", "{}", " {} ", "{ }", "{}}", "{}]", "{} x", "{}x", "{} ]x", "{},", "{}{}", "{} {}",
	"null", " null ", "null x", "null}", "null ]", "nul", "[]", `"a"`, "1", "true",
	`{"a":"1"}`, `{"a": "1", "b": "2"}`, "{\n  \"a\" : \"1\" ,\n\t\"b\":\"\"\r\n}",
	`{"a":"1",}`, `{,}`, `{"a"}`, `{"a":}`, `{"a" "1"}`, `{"a":"1" "b":"2"}`, `{"a":"1"`, `{"a":"1`, `{"a`, `{`,
	`{"a":1}`, `{"a":true}`, `{"a":null}`, `{"a":"x","a":null}`, `{"a":null,"a":"x"}`, `{"a":{}}`, `{"a":[]}`, `{"a":"1","b":2}`,
	`{"a":"1","a":"2"}`, `{"a":"1","b":"2","a":"3"}`,
	`{"\u003c":"\u003e\u0026"}`, `{"a":"\"\\\/\b\f\n\r\t"}`, `{"a":"\u00e9\u20AC\uffff\u0000"}`,
	`{"a":"\ud83d\ude00"}`, `{"a":"\ud83d"}`, `{"a":"\ude00"}`, `{"a":"\ud83d\u0041"}`, `{"a":"\ud83dx"}`, `{"a":"\ud83d\ud83d\ude00"}`,
	`{"a":"\uDBFF\uDFFF"}`, `{"a":"\u12"}`, `{"a":"\u12g4"}`, `{"a":"\x"}`, `{"a":"\'"}`, `{"a":"\`,
	"{\"a\":\"\x01\"}", "{\"a\":\"\x7f\"}", "{\"a\":\"\xff\"}", "{\"\xc3\":\"1\"}", "{\"a\":\"\xed\xa0\x80\"}", "{\"a\":\"é€😀\"}",
	"{\"a\":\"\xef\xbf\xbd\"}", "\xef\xbb\xbf{}", "{\"a\":\"1\"}\x00", "\v{}", "{\"a\":\"1\"}\f",
}

// The fast reader returns exactly what encoding/json does: the same map for
// valid input, the same error (and message) for everything else.
func FuzzKeysJSON(f *testing.F) {
	for _, s := range keysJSONSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, gotErr := parseKeysJSON(s)
		want, wantErr := decodeKeysJSON(s)
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Fatalf("parseKeysJSON(%q): error %v, encoding/json: %v", s, gotErr, wantErr)
		}
		if !maps.Equal(got, want) || (got == nil) != (want == nil) {
			t.Fatalf("parseKeysJSON(%q) = %q, encoding/json: %q", s, got, want)
		}
		if m, ok := scanKeysJSON(s); ok && !maps.Equal(m, want) {
			t.Fatalf("scanKeysJSON(%q) = %q, encoding/json: %q", s, m, want)
		}
	})
}

// The fast reader takes what users and canonicalKeysJSON write, so the slow
// path is only for errors and oddities.
func TestScanKeysJSON_takesUsualInput(t *testing.T) {
	keys := map[string]string{"db/host": "10.0.0.1", "html": "<a & b>", "quote": `say "hi"\n`, "tab": "a\tb", "é": "€😀", "": "empty key", "empty": ""}
	for _, s := range []string{
		canonicalKeysJSON(keys),
		"{\n  \"db/host\": \"10.0.0.1\",\n  \"html\": \"<a & b>\",\n  \"quote\": \"say \\\"hi\\\"\\\\n\",\n  \"tab\": \"a\\tb\",\n  \"\u00e9\": \"\\u20ac\\ud83d\\ude00\",\n  \"\": \"empty key\",\n  \"empty\": \"\"\n}\n",
	} {
		m, ok := scanKeysJSON(s)
		if !ok || !maps.Equal(m, keys) {
			t.Errorf("scanKeysJSON(%s) = %q, %t; want %q", s, m, ok, keys)
		}
	}
}

func benchKeysJSON(n int) string {
	keys := make(map[string]string, n)
	for i := range n {
		keys[fmt.Sprintf("service/%05d/config", i)] = strings.Repeat("v", 20) + fmt.Sprint(i)
	}
	return canonicalKeysJSON(keys)
}

func BenchmarkParseKeysJSON100k(b *testing.B) {
	s := benchKeysJSON(100000)
	for _, bc := range []struct {
		name  string
		parse func(string) (map[string]string, error)
	}{{"fast", parseKeysJSON}, {"encoding_json", decodeKeysJSON}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if m, err := bc.parse(s); err != nil || len(m) != 100000 {
					b.Fatal(err, len(m))
				}
			}
		})
	}
}

// validate reads keys_json without building the map when every key surely
// fits, and still names a value too large for etcd or invalid JSON.
func TestValidateKeysJSON(t *testing.T) {
	f := &fixture{t: t, prefix: "/v/"}
	big := strings.Repeat("x", 1<<21)
	for _, c := range []struct {
		keysJSON, want string
	}{
		{`{"a":"1","b":"2"}`, ""},
		{`{"a":"` + big + `"}`, "Value too large"},
		{`{"a":"` + big + `","a":"small"}`, ""}, // the last value wins, as parseKeysJSON reads it
		{`{"a":1}`, `"a" is a number`},
	} {
		var got []string
		for _, d := range validate(f.value(config{keysJSON: c.keysJSON})) {
			got = append(got, d.Summary+": "+d.Detail)
		}
		if msg := strings.Join(got, "\n"); (c.want == "") != (msg == "") || !strings.Contains(msg, c.want) {
			t.Errorf("validate(%.40s) = %q, want %q", c.keysJSON, msg, c.want)
		}
	}
}
