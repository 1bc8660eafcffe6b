package etcdclient

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// SnapshotInfo describes a snapshot Snapshot wrote.
type SnapshotInfo struct {
	// Endpoint is the member the snapshot was streamed from.
	Endpoint string
	// Revision is the store revision the snapshot holds (the newest
	// revision in it, as `etcdutl snapshot status` reports it).
	Revision int64
	// Size is the file's size in bytes, etcd's checksum included.
	Size int64
	// SHA256 is etcd's checksum of the database, in hex: the last 32
	// bytes of the file, which `etcdctl snapshot restore` verifies.
	SHA256 string
}

// snapshotProgressEvery is how many bytes Snapshot streams between two
// progress reports.
const snapshotProgressEvery = 64 << 20

// Snapshot streams a snapshot of the member at endpoint to the file path,
// as `etcdctl snapshot save` does, and more carefully: the data goes to a
// temporary file beside path, which is synced, read back and checked
// against the checksum etcd appends to the stream (the last 32 bytes are
// the SHA-256 of the rest), and only then renamed to path; the directory
// is synced after the rename. A failure at any point removes the temporary
// file and leaves path as it was. progress, when not nil, is called with
// the bytes received so far, every 64 MiB.
//
// The stream is the point of the call: ctx bounds it, not the request
// timeout. A stream that ends early or does not match its checksum fails
// with ErrSnapshotInvalid.
func (c *Client) Snapshot(ctx context.Context, endpoint, path string, progress func(int64)) (*SnapshotInfo, error) {
	subject := fmt.Sprintf("of endpoint %s to %q", endpoint, path)
	if err := c.checkOpen("snapshot", subject); err != nil {
		return nil, err
	}
	single, err := c.cloneFor(endpoint)
	if err != nil {
		return nil, c.wrap("snapshot", subject, err)
	}
	defer func() { _ = single.Close() }()
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.part")
	if err != nil {
		return nil, &Error{Op: "snapshot", Subject: subject, Err: err}
	}
	done := false
	defer func() {
		if !done {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	size, err := single.streamSnapshot(ctx, tmp, progress)
	if err != nil {
		return nil, single.wrap("snapshot", subject, err)
	}
	info := &SnapshotInfo{Endpoint: endpoint, Size: size}
	if err := finishSnapshot(tmp, info); err != nil {
		return nil, &Error{Op: "snapshot", Subject: subject, Kind: snapshotKind(err), Err: err}
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return nil, &Error{Op: "snapshot", Subject: subject, Err: err}
	}
	done = true
	if err := syncDir(filepath.Dir(path)); err != nil {
		return nil, &Error{Op: "snapshot", Subject: subject, Err: fmt.Errorf("the snapshot is at %s but its directory could not be synced: %w", path, err)}
	}
	return info, nil
}

// streamSnapshot copies the member's snapshot stream into f.
func (c *Client) streamSnapshot(ctx context.Context, f io.Writer, progress func(int64)) (int64, error) {
	if err := c.dialable(c.cfg.Endpoints[0]); err != nil {
		return 0, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	// The stream must start within the request timeout: gRPC would wait
	// for a member that accepts connections but does not answer.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	started := time.AfterFunc(c.cfg.RequestTimeout, cancel)
	resp, err := c.raw.SnapshotWithVersion(ctx)
	if !started.Stop() && err != nil {
		return 0, fmt.Errorf("%w: the member did not start sending a snapshot within the request timeout (%v)", ErrUnavailable, c.cfg.RequestTimeout)
	}
	if err != nil {
		return 0, err
	}
	defer func() { _ = resp.Snapshot.Close() }()
	w := &countingWriter{w: f, progress: progress, next: snapshotProgressEvery}
	if _, err := io.Copy(w, resp.Snapshot); err != nil {
		return w.n, err
	}
	return w.n, nil
}

type countingWriter struct {
	w        io.Writer
	n, next  int64
	progress func(int64)
}

func (cw *countingWriter) Write(p []byte) (int, error) {
	n, err := cw.w.Write(p)
	cw.n += int64(n)
	if cw.progress != nil && cw.n >= cw.next {
		cw.progress(cw.n)
		cw.next = cw.n + snapshotProgressEvery
	}
	return n, err
}

// finishSnapshot syncs and closes the temporary file, reads it back to
// check etcd's checksum, and reads the revision the snapshot holds.
func finishSnapshot(f *os.File, info *SnapshotInfo) error {
	// etcd pads its database to whole pages and appends 32 bytes of
	// SHA-256; etcdctl tells a checksummed snapshot the same way.
	if info.Size%512 != sha256.Size {
		return fmt.Errorf("%w: %d bytes is not a database followed by its sha256 checksum (the stream ended early?)", ErrSnapshotInvalid, info.Size)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", f.Name(), err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	sum, err := verifyChecksum(f.Name(), info.Size)
	if err != nil {
		return err
	}
	info.SHA256 = sum
	rev, err := snapshotRevision(f.Name())
	if err != nil {
		return fmt.Errorf("%w: the database cannot be read: %w", ErrSnapshotInvalid, err)
	}
	info.Revision = rev
	return nil
}

// verifyChecksum reads the file back from disk and compares the SHA-256 of
// all but its last 32 bytes with those bytes.
func verifyChecksum(name string, size int64) (string, error) {
	f, err := os.Open(name) //nolint:gosec // the temporary file Snapshot created
	if err != nil {
		return "", err
	}
	defer func() { _ = f.Close() }()
	h := sha256.New()
	if _, err := io.CopyN(h, f, size-sha256.Size); err != nil {
		return "", fmt.Errorf("read back %s: %w", name, err)
	}
	want := make([]byte, sha256.Size)
	if _, err := io.ReadFull(f, want); err != nil {
		return "", fmt.Errorf("read back %s: %w", name, err)
	}
	if got := h.Sum(nil); !bytes.Equal(got, want) {
		return "", fmt.Errorf("%w: the data's sha256 is %x, etcd's checksum says %x", ErrSnapshotInvalid, got, want)
	}
	return hex.EncodeToString(want), nil
}

// snapshotRevision is the newest revision in the snapshot's key bucket,
// as `etcdutl snapshot status` reads it: keys are 8-byte big-endian main
// revisions followed by the sub-revision.
func snapshotRevision(name string) (int64, error) {
	db, err := bolt.Open(name, 0o400, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		return 0, err
	}
	defer func() { _ = db.Close() }()
	var rev int64
	err = db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("key"))
		if b == nil {
			return errors.New("it has no key bucket: not an etcd v3 database")
		}
		if k, _ := b.Cursor().Last(); len(k) >= 8 {
			rev = int64(binary.BigEndian.Uint64(k[:8])) //nolint:gosec // etcd revisions are positive int64s
		}
		return nil
	})
	return rev, err
}

func syncDir(dir string) error {
	d, err := os.Open(dir) //nolint:gosec // the directory the caller chose for the snapshot
	if err != nil {
		return err
	}
	defer func() { _ = d.Close() }()
	return d.Sync()
}

func snapshotKind(err error) error {
	if errors.Is(err, ErrSnapshotInvalid) {
		return ErrSnapshotInvalid
	}
	return nil
}
