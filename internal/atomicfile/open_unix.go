//go:build unix

package atomicfile

import (
	"os"
	"syscall"
)

// ReadFlags open a file to read without blocking on a FIFO or device put in
// its place (the type is checked once open) and without making a terminal
// the controlling one.
const ReadFlags = os.O_RDONLY | syscall.O_NONBLOCK | syscall.O_NOCTTY

// NoFollow, added to the flags, makes opening a path whose last element is
// a symlink fail instead of opening whatever the link names.
const NoFollow = syscall.O_NOFOLLOW
