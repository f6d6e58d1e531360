//go:build unix

package atomicfile

import (
	"os"
	"syscall"
)

// readFlags open a file to compare without waiting on a FIFO put in its
// place (the type is checked once open).
const readFlags = os.O_RDONLY | syscall.O_NONBLOCK | syscall.O_NOCTTY
