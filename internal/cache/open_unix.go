//go:build unix

package cache

import (
	"os"
	"syscall"
)

// entryFlags open an entry without following a link out of the cache and
// without blocking on a FIFO someone left where an entry should be (the
// type is checked once open).
const entryFlags = os.O_RDONLY | syscall.O_NOFOLLOW | syscall.O_NONBLOCK | syscall.O_NOCTTY
