// Package fingerprint keeps a salted, deliberately slow fingerprint of a
// secret, so that a provider can tell whether etcd still holds the value it
// wrote without ever storing the value or a plain hash of it.
//
// A fingerprint is argon2id (RFC 9106) of the value with a random 16-byte
// salt, using OWASP's minimum parameters for password storage (19 MiB of
// memory, 2 passes, one thread). Guessing a value from a fingerprint costs
// that much per guess and per fingerprint.
package fingerprint

import (
	"crypto/rand"
	"crypto/subtle"

	"golang.org/x/crypto/argon2"
)

// Parameters of the fingerprints this package makes. They are stored in every
// fingerprint, so they can be raised later without breaking older ones.
const (
	defaultTime    = 2
	defaultMemory  = 19 * 1024 // KiB
	defaultThreads = 1
	keyLen         = 32
	saltLen        = 16
)

// Fingerprint is argon2id of a value, with what is needed to check another
// value against it. It marshals to JSON for private state.
type Fingerprint struct {
	Salt    []byte `json:"salt"`
	Hash    []byte `json:"hash"`
	Time    uint32 `json:"t"`
	Memory  uint32 `json:"m"`
	Threads uint8  `json:"p"`
}

// Of returns a new fingerprint of value, with a fresh random salt.
func Of(value []byte) Fingerprint {
	salt := make([]byte, saltLen)
	_, _ = rand.Read(salt) // crypto/rand.Read never fails
	f := Fingerprint{Salt: salt, Time: defaultTime, Memory: defaultMemory, Threads: defaultThreads}
	f.Hash = f.hash(value)
	return f
}

// Matches reports whether value is the value f was made of.
func (f Fingerprint) Matches(value []byte) bool {
	if len(f.Salt) == 0 || len(f.Hash) == 0 || f.Time == 0 || f.Memory == 0 || f.Threads == 0 {
		return false
	}
	return subtle.ConstantTimeCompare(f.hash(value), f.Hash) == 1
}

// IsZero reports whether f holds no fingerprint.
func (f Fingerprint) IsZero() bool { return len(f.Hash) == 0 }

func (f Fingerprint) hash(value []byte) []byte {
	return argon2.IDKey(value, f.Salt, f.Time, f.Memory, f.Threads, keyLen)
}
