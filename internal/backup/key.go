// Package backup keeps peerpath's copies of a SQLite database private and,
// where asked, continuous:
//
//   - the backup key, an age X25519 identity kept in backup.key beside
//     secret.key in the data directory and never inside a copy;
//   - encryption of copy files with that key (age, filippo.io/age);
//   - continuous copies through Litestream used as a library, whose files
//     are encrypted with the same key, so a restore can go to any point in
//     time.
//
// Commands and serve wire it in internal/app; docs/deploy.md says how to
// keep the key.
package backup

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"filippo.io/age"
)

// KeyFile is the backup key's file in the data directory.
const KeyFile = "backup.key"

// ErrNoKey says that the data directory holds no backup key.
var ErrNoKey = errors.New("no backup key")

// LoadOrCreateKey returns the backup key in dir, making it (readable by its
// owner only) when there is none yet.
func LoadOrCreateKey(dir string) (*age.X25519Identity, error) {
	id, err := LoadKey(dir)
	if !errors.Is(err, ErrNoKey) {
		return id, err
	}
	id, err = age.GenerateX25519Identity()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, KeyFile)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) { // another process made it first
		return LoadKey(dir)
	}
	if err != nil {
		return nil, err
	}
	body := "# peerpath backup key: copies of the database are encrypted to it.\n" +
		"# Keep it with secret.key, and never beside the copies themselves.\n" +
		"# public key: " + id.Recipient().String() + "\n" + id.String() + "\n"
	if _, err := f.WriteString(body); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	return id, f.Close()
}

// LoadKey returns the backup key in dir, or ErrNoKey.
func LoadKey(dir string) (*age.X25519Identity, error) {
	path := filepath.Join(dir, KeyFile)
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w at %s", ErrNoKey, path)
	}
	if err != nil {
		return nil, err
	}
	ids, err := age.ParseIdentities(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%s is not a backup key: %w", path, err)
	}
	id, ok := ids[0].(*age.X25519Identity)
	if !ok || len(ids) != 1 {
		return nil, fmt.Errorf("%s must hold exactly one age X25519 key", path)
	}
	return id, nil
}

// magic starts every age file.
const magic = "age-encryption.org/"

// IsEncrypted tells whether the file at path is an age file.
func IsEncrypted(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	head, err := bufio.NewReader(f).Peek(len(magic))
	if err != nil && !errors.Is(err, io.EOF) {
		return false, err
	}
	return strings.HasPrefix(string(head), magic), nil
}

// EncryptFile writes src encrypted to id's public key as dst, by way of a
// temporary name, synced and readable by its owner only, so a file with
// the final name is always whole.
func EncryptFile(src, dst string, id *age.X25519Identity) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	return writeAtomically(dst, func(out io.Writer) error {
		w, err := age.Encrypt(out, id.Recipient())
		if err != nil {
			return err
		}
		if _, err := io.Copy(w, in); err != nil {
			return err
		}
		return w.Close()
	})
}

// DecryptFile writes the age file src, decrypted with id, as dst (owner
// only, synced). A copy made with another key is refused with a message
// that says so.
func DecryptFile(src, dst string, id *age.X25519Identity) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	r, err := age.Decrypt(bufio.NewReader(in), id)
	if err != nil {
		var none *age.NoIdentityMatchError
		if errors.As(err, &none) {
			return fmt.Errorf("%w: %s was encrypted to another backup key", ErrWrongKey, src)
		}
		return fmt.Errorf("%s cannot be decrypted: %w", src, err)
	}
	return writeAtomically(dst, func(out io.Writer) error {
		if _, err := io.Copy(out, r); err != nil {
			return fmt.Errorf("%s is damaged: %w", src, err)
		}
		return nil
	})
}

// ErrWrongKey says that a copy was encrypted to a different backup key.
var ErrWrongKey = errors.New("wrong backup key")

func writeAtomically(dst string, write func(io.Writer) error) (err error) {
	tmp := dst + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	if err = write(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, dst); err != nil {
		return err
	}
	if d, derr := os.Open(filepath.Dir(dst)); derr == nil {
		d.Sync() //nolint:errcheck // best effort: not every system syncs a directory
		d.Close()
	}
	return nil
}
