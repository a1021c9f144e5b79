package backup

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"filippo.io/age"
	"github.com/benbjohnson/litestream"
	"github.com/benbjohnson/litestream/file"
	"github.com/superfly/ltx"

	_ "github.com/benbjohnson/litestream/s3" // s3:// targets: AWS and S3-compatible storage
)

// Continuous copies with Litestream. Litestream watches the database's
// write-ahead log and ships every committed transaction to the target as
// LTX files, compacting them into snapshots as it goes. peerpath wraps the
// target's client so that each LTX file is encrypted to the backup key
// before it leaves the machine (see encryptedClient).

// Options tune continuous copies; the zero value gives Litestream's
// defaults (a look at the log every second, sync every second).
type Options struct {
	Interval time.Duration // how often to look for new transactions and ship them
	Keep     time.Duration // how long snapshots are kept (Litestream's default: a day)
	Logger   *slog.Logger
}

// Continuous ships a database's transactions to a target until Close.
type Continuous struct {
	store *litestream.Store
	db    *litestream.DB
}

// Start begins continuous copies of the SQLite database at dbPath to
// target: a directory, or a URL Litestream knows (s3://bucket/path, with
// the usual AWS_* settings for S3-compatible storage).
func Start(ctx context.Context, dbPath, target string, key *age.X25519Identity, opt Options) (*Continuous, error) {
	inner, err := clientFor(target)
	if err != nil {
		return nil, err
	}
	db := litestream.NewDB(dbPath)
	if opt.Logger != nil {
		db.Logger = opt.Logger
	}
	if opt.Interval > 0 {
		db.MonitorInterval = opt.Interval
	}
	client := newEncryptedClient(inner, key)
	r := litestream.NewReplicaWithClient(db, client)
	if opt.Interval > 0 {
		r.SyncInterval = opt.Interval
	}
	if fc, ok := inner.(*file.ReplicaClient); ok {
		fc.Replica = r // the file backend copies the database's ownership and permissions
	}
	db.Replica = r
	levels := litestream.CompactionLevels{
		{Level: 0},
		{Level: 1, Interval: 5 * time.Minute},
		{Level: 2, Interval: time.Hour},
	}
	st := litestream.NewStore([]*litestream.DB{db}, levels)
	if opt.Keep > 0 {
		st.SnapshotRetention = opt.Keep
	}
	if opt.Logger != nil {
		st.Logger = opt.Logger
	}
	if err := st.Open(ctx); err != nil {
		return nil, fmt.Errorf("starting continuous copies to %s: %w", target, err)
	}
	return &Continuous{store: st, db: db}, nil
}

// Sync ships every transaction committed so far before it returns.
func (c *Continuous) Sync(ctx context.Context) error {
	if err := c.db.Sync(ctx); err != nil {
		return err
	}
	return c.db.Replica.Sync(ctx)
}

// Close ships what is left and stops. Call it after the application's own
// connections to the database are closed.
func (c *Continuous) Close(ctx context.Context) error {
	return c.store.Close(ctx)
}

// IsTarget tells whether from names continuous copies (a URL, or a
// directory Litestream wrote) rather than one copy file.
func IsTarget(from string) bool {
	if strings.Contains(from, "://") {
		return true
	}
	info, err := os.Stat(from)
	if err != nil || !info.IsDir() {
		return false
	}
	_, err = os.Stat(filepath.Join(from, "ltx"))
	return err == nil
}

// Restore writes the database as it was at time at (the latest state when
// at is zero) from the continuous copies at target to out, a path that
// must not exist yet.
func Restore(ctx context.Context, target string, at time.Time, out string, key *age.X25519Identity) error {
	inner, err := clientFor(target)
	if err != nil {
		return err
	}
	client := newEncryptedClient(inner, key)
	r := litestream.NewReplicaWithClient(nil, client)
	opt := litestream.NewRestoreOptions()
	opt.OutputPath = out
	opt.Timestamp = at
	opt.IntegrityCheck = litestream.IntegrityCheckFull
	if err := r.Restore(ctx, opt); err != nil {
		switch {
		case errors.Is(err, ErrWrongKey):
			return err
		case errors.Is(err, litestream.ErrTxNotAvailable), errors.Is(err, litestream.ErrNoSnapshots):
			if !at.IsZero() {
				return fmt.Errorf("%s holds no copy from %s or before: %w", target, at.UTC().Format(time.RFC3339), err)
			}
			return fmt.Errorf("%s holds no copy yet: %w", target, err)
		}
		return fmt.Errorf("restoring from %s: %w", target, err)
	}
	return nil
}

// clientFor makes Litestream's client for a directory or a URL.
func clientFor(target string) (litestream.ReplicaClient, error) {
	if target == "" {
		return nil, errors.New("no target for continuous copies")
	}
	if u, err := url.Parse(target); err == nil && u.Scheme != "" && strings.Contains(target, "://") {
		if u.Scheme == "file" {
			return file.NewReplicaClient(u.Path), nil
		}
		return litestream.NewReplicaClientFromURL(target)
	}
	abs, err := filepath.Abs(target)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(abs, 0o700); err != nil { // its owner's alone, like the copies
		return nil, err
	}
	return file.NewReplicaClient(abs), nil
}

func newEncryptedClient(inner litestream.ReplicaClient, id *age.X25519Identity) *encryptedClient {
	return &encryptedClient{inner: inner, id: id, sizes: map[sizeKey]int64{}, stored: map[fileKey]int64{}}
}

// encryptedClient stores every LTX file with its 100-byte header in the
// clear (page size, transaction ids, time and checksums: Litestream's
// backends read it to name and date files) and the rest, the database
// pages, encrypted to the backup key with age. It reports and serves the
// files at their decrypted sizes and offsets, so Litestream sees plain LTX
// files.
type encryptedClient struct {
	inner litestream.ReplicaClient
	id    *age.X25519Identity

	mu     sync.Mutex
	sizes  map[sizeKey]int64 // stored size → decrypted size, by file
	stored map[fileKey]int64 // a file's stored size, as last listed or written
}

type fileKey struct {
	level    int
	min, max ltx.TXID
}

type sizeKey struct {
	level    int
	min, max ltx.TXID
	stored   int64
}

func (c *encryptedClient) Type() string                   { return c.inner.Type() }
func (c *encryptedClient) Init(ctx context.Context) error { return c.inner.Init(ctx) }
func (c *encryptedClient) SetLogger(l *slog.Logger)       { c.inner.SetLogger(l) }
func (c *encryptedClient) DeleteAll(ctx context.Context) error {
	return c.inner.DeleteAll(ctx)
}

func (c *encryptedClient) DeleteLTXFiles(ctx context.Context, a []*ltx.FileInfo) error {
	return c.inner.DeleteLTXFiles(ctx, a)
}

// WriteLTXFile keeps the header and encrypts the rest.
func (c *encryptedClient) WriteLTXFile(ctx context.Context, level int, minTXID, maxTXID ltx.TXID, r io.Reader) (*ltx.FileInfo, error) {
	hdr := make([]byte, ltx.HeaderSize)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return nil, fmt.Errorf("reading the LTX header: %w", err)
	}
	body := &countingReader{r: r}
	enc, err := age.EncryptReader(body, c.id.Recipient())
	if err != nil {
		return nil, err
	}
	info, err := c.inner.WriteLTXFile(ctx, level, minTXID, maxTXID, io.MultiReader(bytes.NewReader(hdr), enc))
	if err != nil {
		return nil, err
	}
	plain := int64(ltx.HeaderSize) + body.n
	c.remember(info, plain)
	out := *info
	out.Size = plain
	return &out, nil
}

func (c *encryptedClient) remember(info *ltx.FileInfo, plain int64) {
	c.mu.Lock()
	c.sizes[sizeKey{info.Level, info.MinTXID, info.MaxTXID, info.Size}] = plain
	c.stored[fileKey{info.Level, info.MinTXID, info.MaxTXID}] = info.Size
	c.mu.Unlock()
}

// LTXFiles lists the files at their decrypted sizes.
func (c *encryptedClient) LTXFiles(ctx context.Context, level int, seek ltx.TXID, useMetadata bool) (ltx.FileIterator, error) {
	it, err := c.inner.LTXFiles(ctx, level, seek, useMetadata)
	if err != nil {
		return nil, err
	}
	return &sizedIterator{ctx: ctx, c: c, inner: it}, nil
}

type sizedIterator struct {
	ctx   context.Context
	c     *encryptedClient
	inner ltx.FileIterator
	item  *ltx.FileInfo
	err   error
}

func (it *sizedIterator) Close() error { return it.inner.Close() }
func (it *sizedIterator) Err() error {
	if it.err != nil {
		return it.err
	}
	return it.inner.Err()
}
func (it *sizedIterator) Item() *ltx.FileInfo { return it.item }

func (it *sizedIterator) Next() bool {
	if it.err != nil || !it.inner.Next() {
		return false
	}
	info := *it.inner.Item()
	plain, err := it.c.plainSize(it.ctx, &info)
	if err != nil {
		it.err = err
		return false
	}
	info.Size = plain
	it.item = &info
	return true
}

// plainSize is a stored file's decrypted size, found from its age header
// and last chunk (two small reads) the first time it is asked for.
func (c *encryptedClient) plainSize(ctx context.Context, info *ltx.FileInfo) (int64, error) {
	k := sizeKey{info.Level, info.MinTXID, info.MaxTXID, info.Size}
	c.mu.Lock()
	c.stored[fileKey{info.Level, info.MinTXID, info.MaxTXID}] = info.Size // the listing is the latest word
	plain, ok := c.sizes[k]
	c.mu.Unlock()
	if ok {
		return plain, nil
	}
	_, n, err := c.body(ctx, info.Level, info.MinTXID, info.MaxTXID, info.Size)
	if err != nil {
		return 0, err
	}
	plain = int64(ltx.HeaderSize) + n
	c.remember(info, plain)
	return plain, nil
}

// body opens the encrypted part of a stored file for reading at any offset.
func (c *encryptedClient) body(ctx context.Context, level int, minTXID, maxTXID ltx.TXID, stored int64) (io.ReaderAt, int64, error) {
	ra := &clientReaderAt{ctx: ctx, c: c.inner, level: level, min: minTXID, max: maxTXID, base: ltx.HeaderSize}
	r, n, err := age.DecryptReaderAt(ra, stored-ltx.HeaderSize, c.id)
	if err != nil {
		var none *age.NoIdentityMatchError
		if errors.As(err, &none) {
			return nil, 0, fmt.Errorf("%w: the continuous copies were encrypted to another backup key", ErrWrongKey)
		}
		return nil, 0, fmt.Errorf("LTX file %s-%s at level %d cannot be decrypted: %w", minTXID, maxTXID, level, err)
	}
	return r, n, nil
}

// OpenLTXFile serves a decrypted range of a stored file.
func (c *encryptedClient) OpenLTXFile(ctx context.Context, level int, minTXID, maxTXID ltx.TXID, offset, size int64) (io.ReadCloser, error) {
	stored, err := c.storedSize(ctx, level, minTXID, maxTXID)
	if err != nil {
		return nil, err
	}
	rc, err := c.inner.OpenLTXFile(ctx, level, minTXID, maxTXID, 0, ltx.HeaderSize)
	if err != nil {
		return nil, err
	}
	hdr, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		return nil, err
	}
	body, n, err := c.body(ctx, level, minTXID, maxTXID, stored)
	if err != nil {
		return nil, err
	}
	whole := io.MultiReader(bytes.NewReader(hdr), io.NewSectionReader(body, 0, n))
	if offset > 0 {
		if _, err := io.CopyN(io.Discard, whole, offset); err != nil {
			return nil, err
		}
	}
	if size > 0 {
		whole = io.LimitReader(whole, size)
	}
	return io.NopCloser(whole), nil
}

// storedSize finds a file's size as stored: as last listed or written, else
// by listing its level from its first transaction.
func (c *encryptedClient) storedSize(ctx context.Context, level int, minTXID, maxTXID ltx.TXID) (int64, error) {
	c.mu.Lock()
	n, ok := c.stored[fileKey{level, minTXID, maxTXID}]
	c.mu.Unlock()
	if ok {
		return n, nil
	}
	it, err := c.inner.LTXFiles(ctx, level, minTXID, false)
	if err != nil {
		return 0, err
	}
	defer it.Close()
	for it.Next() {
		if info := it.Item(); info.MinTXID == minTXID && info.MaxTXID == maxTXID {
			return info.Size, nil
		}
	}
	if err := it.Err(); err != nil {
		return 0, err
	}
	return 0, os.ErrNotExist
}

// clientReaderAt reads a stored file through its client, from base on.
type clientReaderAt struct {
	ctx      context.Context
	c        litestream.ReplicaClient
	level    int
	min, max ltx.TXID
	base     int64
}

func (r *clientReaderAt) ReadAt(p []byte, off int64) (int, error) {
	rc, err := r.c.OpenLTXFile(r.ctx, r.level, r.min, r.max, r.base+off, int64(len(p)))
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	n, err := io.ReadFull(rc, p)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = io.EOF
	}
	return n, err
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
