package prefix

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"

	"github.com/terraform-etcd/terraform-provider-etcd/internal/etcdclient"
	"github.com/terraform-etcd/terraform-provider-etcd/internal/provider/protocol"
)

// This file holds the refresh of an exclusive prefix that reads no key when
// nothing changed.
//
// exact, in private state, records that at revision Rev etcd held under the
// prefix exactly the state whose digest is Digest: Keys keys, with the
// state's values, and nothing else. It is recorded only where that is
// proven:
//   - by a refresh or an import that read every key under the prefix at
//     one revision (etcdclient.ForEach reads all pages at the first page's
//     revision), at that revision;
//   - by a create or update whose base was exact at a revision A (the
//     create's own full read, or the exact of the prior state), and whose
//     transactions committed at A+1, A+2, … in turn
//     (CommitChunksOwnedAfter's sole): each write transaction moves etcd's
//     revision on by one, so nobody else wrote anything in between, and etcd
//     holds the base with the ops applied, which is the planned state, at the
//     last commit's revision. The range guards alone would not prove it:
//     they cover only the span of each chunk's keys.
//
// The refresh first asks etcd for its current revision H (one index
// lookup). When H is still Rev, nobody wrote anything since: every write
// moves the revision on, so etcd holds exactly the state.
//
// Otherwise it asks etcd, in one read at revision H (ChangedSince), for
// the number of keys under the prefix and whether any of them was put after
// Rev. When none was and the count is still Keys, etcd holds exactly the
// state at H too: a key that exists at H with a mod revision m <= Rev was
// last put at m and not deleted since (a delete and a new put would give it
// a mod revision > Rev), so it existed at Rev with the same value, and is in
// the state with that value. The keys at H are thus a subset of the state's,
// with its values; having as many, they are all of them. Every drift shows:
// a value changed, a key added, or a key deleted and put again (even with
// the same value) gives a mod revision > Rev; a key deleted, or expired with
// its lease, lowers the count. Compaction does not matter (only current
// keys are read). The argument assumes, as the mod-revision guards of
// updates do, that revisions of one etcd cluster only grow: a cluster
// restored from an older snapshot without --bump-revision breaks that; the
// shortcut requires H >= Rev, which catches such a restore until as many
// writes have been made since.
// Revisions of another cluster say nothing about this one, so the record
// names the cluster (its ID) and holds only while the same cluster answers:
// a provider pointed at another environment reads in full.
//
// The digest ties the record to the state it was made for, so a state
// changed behind the provider's back (state push, an older provider's
// apply) is read in full. Write-only and non-exclusive states never take the
// shortcut: they are read as before.
type exact struct {
	Rev    int64  `json:"rev"`
	Keys   int64  `json:"keys"`
	Digest string `json:"digest"`
	// Cluster is the ID of the cluster that held it: revisions of another
	// cluster (the provider pointed elsewhere) say nothing about this one.
	Cluster uint64 `json:"cluster"`
}

// exactAt returns the record that etcd held exactly st at revision rev; nil
// when st cannot take the shortcut, or rev is unknown.
func exactAt(st *state, rev int64, cluster uint64) *exact {
	if !st.Exclusive || st.WriteOnly || rev <= 0 || cluster == 0 {
		return nil
	}
	if err := st.loadKeys(); err != nil {
		return nil
	}
	return &exact{Rev: rev, Keys: int64(len(st.Keys)), Digest: st.digest(), Cluster: cluster}
}

// of returns the revision at which etcd held exactly st; 0 when unknown,
// or when st is not as this provider writes it (then read and written anew).
func (e *exact) of(st *state) int64 {
	if e == nil || !st.Encoded || !st.Exclusive || st.WriteOnly || e.Digest != st.digest() {
		return 0
	}
	return e.Rev
}

// digest identifies what st says etcd holds: the prefix and the keys, by
// the keys_json text as it is (no parse) or by the decoded map. It guards
// against a state changed by accident, not by an adversary (who could edit
// the state at will anyway), so two CRCs of the text serve: hashing the
// text of 100,000 keys with SHA-256 would take longer than checking etcd.
func (s *state) digest() string {
	var b []byte
	b = binary.AppendUvarint(b, uint64(len(s.Prefix)))
	b = append(b, s.Prefix...)
	if s.JSON {
		b = append(b, "json"...)
		b = binary.LittleEndian.AppendUint32(b, crc32.Checksum([]byte(s.KeysJSON), castagnoli))
		b = binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE([]byte(s.KeysJSON)))
		b = binary.AppendUvarint(b, uint64(len(s.KeysJSON)))
	} else { // keys, keys_base64: the decoded map, in no order (no sort)
		var sum, xor uint64
		for rel, v := range s.Keys {
			e := entryHash(rel, v)
			sum, xor = sum+e, xor^(e*0x9e3779b97f4a7c15)
		}
		b = append(b, "keys"...)
		b = binary.LittleEndian.AppendUint64(b, sum)
		b = binary.LittleEndian.AppendUint64(b, xor)
		b = binary.AppendUvarint(b, uint64(len(s.Keys)))
	}
	return base64.RawStdEncoding.EncodeToString(b)
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// entryHash is FNV-1a of a key's length, the key and the value.
func entryHash(rel, v string) uint64 {
	const prime = 1099511628211
	h := uint64(14695981039346656037)
	for n := len(rel); ; n >>= 8 {
		h = (h ^ uint64(n&0xff)) * prime
		if n < 0x100 {
			break
		}
	}
	for i := 0; i < len(rel); i++ {
		h = (h ^ uint64(rel[i])) * prime
	}
	for i := 0; i < len(v); i++ {
		h = (h ^ uint64(v[i])) * prime
	}
	return h
}

// cluster is the ID of the cluster the record is about; 0 without one.
func (e *exact) cluster() uint64 {
	if e == nil {
		return 0
	}
	return e.Cluster
}

// stillExact reports whether etcd still holds exactly st, which it held
// at e.Rev, and the revision it checked at, reading no key (see above).
func stillExact(ctx context.Context, conn protocol.Conn, st *state, e *exact) (bool, int64, error) {
	since := e.of(st)
	if since == 0 {
		return false, 0, nil
	}
	now, err := conn.Client.CurrentRevision(ctx, st.Prefix)
	switch {
	case err != nil:
		return false, 0, err
	case conn.Client.ClusterID() != e.Cluster: // another cluster answered
		return false, now, nil
	case now == since: // nobody wrote anything since
		return true, now, nil
	case now < since: // revisions went back (a restore): read in full
		return false, now, nil
	}
	count, written, rev, err := conn.Client.ChangedSince(ctx, etcdclient.PrefixRange(st.Prefix), since)
	if err != nil {
		return false, 0, err
	}
	return !written && count == e.Keys && rev >= since, rev, nil
}
