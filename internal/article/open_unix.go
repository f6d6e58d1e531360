//go:build unix

package article

import (
	"os"
	"syscall"
)

// openFlags open an input without blocking on a FIFO or device (the type is
// checked once open) and without making a terminal the controlling one.
const openFlags = os.O_RDONLY | syscall.O_NONBLOCK | syscall.O_NOCTTY
