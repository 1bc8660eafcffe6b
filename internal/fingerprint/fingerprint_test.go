package fingerprint

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestFingerprint(t *testing.T) {
	secret := []byte("s3cret-value")
	f := Of(secret)
	if !f.Matches(secret) {
		t.Fatal("a fingerprint does not match its own value")
	}
	if f.Matches([]byte("s3cret-valuf")) {
		t.Fatal("a fingerprint matches another value")
	}
	if g := Of(secret); bytes.Equal(g.Hash, f.Hash) || bytes.Equal(g.Salt, f.Salt) {
		t.Fatal("two fingerprints of one value share salt or hash: they are not salted")
	}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, secret) {
		t.Fatal("the fingerprint's JSON holds the value")
	}
	var back Fingerprint
	if err := json.Unmarshal(b, &back); err != nil || !back.Matches(secret) {
		t.Fatalf("a fingerprint does not survive JSON: %v", err)
	}
	if (Fingerprint{}).Matches(nil) || !(Fingerprint{}).IsZero() {
		t.Fatal("the zero fingerprint matches something")
	}
}
