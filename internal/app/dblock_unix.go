//go:build unix

package app

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lockDB takes the lock that says a SQLite database is in use by serve or
// by restore: an exclusive flock(2) on the file DB.lock beside it, held
// until release (or until the process ends, however it ends: the kernel
// drops the lock with the process, so a killed server leaves no stale
// lock). serve holds it for as long as it runs; restore takes it before it
// replaces the file, so neither starts while the other works. The lock
// file is left in place: removing it would let two processes lock two
// different files.
func lockDB(db string) (release func(), err error) {
	path := db + ".lock"
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening the lock file %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, errDBInUse{db: db, lock: path}
		}
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN) //nolint:errcheck // closing drops it anyway
		f.Close()
	}, nil
}
